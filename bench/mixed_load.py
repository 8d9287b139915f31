"""Mixed traffic, as a class using the site at once: readers on lesson pages, simulator clicks
(htmx updates) and learners taking quizzes, each visitor with its own cookies.

Bounded by time (about 10 s) and by a request budget; loopback only. Errors: any 5xx, a failed
connection or a status the request should not get (409 included: nobody submits twice here).
"""

import random
import threading
import time

from tests.support import quiz_load
from tests.support.visitor import Browser, LoadResult, run_threads

VISITORS = 32
# Simulator clicks: each adds or removes the top layer of a stack (what an htmx update sends).
SIMULATOR_UPDATES = (
    "/simulator/?stack=hardware,host-os,container-runtime,app"
    "&prev=hardware,host-os,container-runtime",
    "/simulator/?stack=hardware,host-os,hypervisor,guest-os,app&prev=hardware,host-os,hypervisor,guest-os",
    "/simulator/?stack=hardware,host-os,hypervisor,guest-os&prev=hardware,host-os,hypervisor",
    "/simulator/?stack=hardware,host-os,container-runtime&prev=hardware,host-os",
)
# How often a visitor does each thing: read a lesson, click in the simulator, take a quiz step.
MIX = {"lesson page": 4, "simulator update": 3, "quiz": 3}
KINDS = ("lesson page", "simulator update", "quiz page", "quiz submit", "quiz retry")


def run(
    base: str, *, seconds: float = 10.0, visitors: int = VISITORS, max_requests: int = 100_000
) -> tuple[dict[str, LoadResult], list[quiz_load.QuizTaker]]:
    """Every visitor in its own thread until `seconds` pass or `max_requests` have been sent.
    Returns the results per kind of request and the quiz takers, for checking the database."""
    deadline = time.monotonic() + seconds
    budget = threading.Semaphore(max_requests)
    takers = quiz_load.learners(base, visitors)
    records: list[list[tuple[str, bool, float]]] = [[] for _ in range(visitors)]

    def visit(index: int) -> None:
        rng = random.Random(index)
        taker = takers[index]
        browser: Browser = taker.browser  # one visitor, one set of cookies
        while time.monotonic() < deadline and budget.acquire(blocking=False):
            action = rng.choices(list(MIX), weights=list(MIX.values()))[0]
            if action == "lesson page":
                reply = browser.get(f"/lessons/{rng.choice(quiz_load.LESSONS)}/")
                records[index].append((action, reply.status == 200, reply.ms))
            elif action == "simulator update":
                reply = browser.get(rng.choice(SIMULATOR_UPDATES), htmx=True)
                records[index].append((action, reply.status == 200, reply.ms))
            else:
                step = taker.step()
                records[index].append((step.kind, step.ok, step.reply.ms))

    elapsed = run_threads(visit, visitors)
    results = {kind: LoadResult(0, 0, elapsed, []) for kind in KINDS}
    for kind, ok, ms in (record for own in records for record in own):
        results[kind].requests += 1
        results[kind].errors += not ok
        results[kind].latencies_ms.append(ms)
    return results, takers


def overall(results: dict[str, LoadResult]) -> LoadResult:
    latencies = [ms for result in results.values() for ms in result.latencies_ms]
    seconds = next(iter(results.values())).seconds
    return LoadResult(len(latencies), sum(r.errors for r in results.values()), seconds, latencies)


def report(base: str, database: str, seconds: float = 10.0) -> bool:
    """Print throughput, p50, p99 and errors per kind and overall; True when nothing failed."""
    results, takers = run(base, seconds=seconds)
    for kind, result in results.items():
        print(f"  {kind:<18}{result.summary()}")
    total = overall(results)
    print(f"  {'all':<18}{total.summary()}")
    problems, checked = quiz_load.check_database(database, takers)
    print(f"  quiz rows         {'consistent' if not problems else 'INCONSISTENT'} ({checked})")
    for problem in [*problems, *(p for taker in takers for p in taker.problems)][:10]:
        print(f"                    {problem}")
    return total.errors == 0 and not problems
