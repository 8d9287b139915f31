"""A crash loses nothing the server acknowledged. gunicorn's master and workers are SIGKILLed
together in the middle of quiz submits; every answer confirmed before (200 to htmx, 302 to a
plain form) is in the SQLite file, the file passes its integrity check, and after a restart the
learners carry on where they were."""

import sqlite3
import threading
import time

from tests.load import serve
from tests.support import quiz_load

LEARNERS = 12
ACKNOWLEDGED_BEFORE_CRASH = 40  # answers, or SAFETY_SECONDS of load, whichever comes first
MAX_STEPS = 500  # per learner, before the crash
SAFETY_SECONDS = 10  # never asserted on
STEPS_AFTER_RESTART = 8  # per learner


def integrity(database: str) -> list[tuple[str]]:
    connection = sqlite3.connect(database, timeout=20)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()


def submit_until_killed(server, takers: list[quiz_load.QuizTaker]) -> None:
    """Every learner submits from its own thread; SIGKILL the server once enough answers are
    acknowledged, while requests are in flight."""
    stop = threading.Event()

    def work(taker: quiz_load.QuizTaker) -> None:
        for _ in range(MAX_STEPS):
            if stop.is_set():
                return
            taker.step()

    threads = [threading.Thread(target=work, args=(taker,)) for taker in takers]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + SAFETY_SECONDS
    try:
        while (
            sum(len(taker.acknowledged) for taker in takers) < ACKNOWLEDGED_BEFORE_CRASH
            and time.monotonic() < deadline
        ):
            time.sleep(0.02)
    finally:
        server.kill()  # the whole process group: master and every worker, mid-request
        stop.set()
        for thread in threads:
            thread.join(timeout=60)


def test_answers_acknowledged_before_a_crash_survive_it(tmp_path, site_database):
    env = site_database(tmp_path)
    database = env["SQLITE_PATH"]
    server = serve(env)
    takers = quiz_load.learners(server.base, LEARNERS, plain_forms=True)
    submit_until_killed(server, takers)

    assert sum(len(taker.acknowledged) for taker in takers) > 0, "no answer before the crash"
    assert integrity(database) == [("ok",)]
    problems, _ = quiz_load.check_database(database, takers)
    assert problems == []

    server = serve(env)
    try:
        for taker in takers:
            taker.browser.base = server.base
            taker.reopen()
            taker.problems.clear()
        after = quiz_load.drive(takers, seconds=60, steps_per_learner=STEPS_AFTER_RESTART)
    finally:
        server.stop()

    assert after.errors == 0, after.problems
    assert after.submits.requests > 0
    assert integrity(database) == [("ok",)]
    problems, _ = quiz_load.check_database(database, takers)
    assert problems == []
