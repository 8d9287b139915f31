"""Quiz submits at the same time, through gunicorn (4 sync workers) on SQLite: every answer the
server acknowledges is saved once, a repeated answer is refused, and each attempt's counters equal
its answers. The file the server wrote is read back with sqlite3."""

import threading

from tests.support import quiz_load
from tests.support.visitor import Browser

# Bounded by requests; the time limit is only a safety net (and is never asserted on).
LEARNERS = 16
STEPS_PER_LEARNER = 16  # a quiz page, its answers, "Try again", and into the next attempt
SAFETY_SECONDS = 60


def test_concurrent_learners_get_every_answer_saved_once(served_site):
    base, database = served_site
    takers = quiz_load.learners(base, LEARNERS, plain_forms=True)
    load = quiz_load.drive(takers, seconds=SAFETY_SECONDS, steps_per_learner=STEPS_PER_LEARNER)

    assert load.errors == 0, load.problems
    assert load.submits.requests > LEARNERS
    assert any(taker.attempt >= 2 for taker in takers), "no learner got to a second attempt"
    problems, _ = quiz_load.check_database(database, takers)
    assert problems == []


def test_concurrent_duplicate_submits_save_one_answer(served_site):
    base, database = served_site
    double = quiz_load.double_submit(base, lesson="containers", copies=100, threads=16)

    assert (double.saved, double.refused, double.errors) == (1, 99, 0)
    problems, _ = quiz_load.check_database(database, [double.taker])
    assert problems == []


def check_together(taker: quiz_load.QuizTaker, questions: list[quiz_load.QuestionForm]) -> dict:
    """Post an answer to each question at the same moment, as htmx does for quick clicks."""
    start = threading.Barrier(len(questions))
    statuses = {}

    def check(question: quiz_load.QuestionForm) -> None:
        fields = [("csrfmiddlewaretoken", taker.page.token), ("attempt", str(taker.attempt))]
        fields += quiz_load.answer_fields(question, taker.rng)
        start.wait(timeout=30)
        statuses[question.slug] = taker.browser.post(question.action, fields, htmx=True).status

    threads = [threading.Thread(target=check, args=(question,)) for question in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_a_new_learners_simultaneous_first_answers_are_all_kept(served_site):
    """Someone new to the site checks two answers at once (htmx sends both): both are saved and
    acknowledged, so both must show as answered when the quiz page is reloaded. Five newcomers
    try, so that the requests overlap at least once."""
    base, _ = served_site
    for seed in range(5):
        taker = quiz_load.QuizTaker(Browser(base), "devops", seed=seed)
        assert taker.step().ok  # the quiz page: a CSRF cookie and the learner's session
        pair = taker.todo[:2]

        assert check_together(taker, pair) == {question.slug: 200 for question in pair}

        reloaded = quiz_load.parse_quiz_page(taker.browser.get(taker.quiz_path).body)
        still_open = {question.slug for question in reloaded.questions}
        assert still_open.isdisjoint(question.slug for question in pair)
