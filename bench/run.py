"""`make bench`: print CVM Lab's speed figures. Loopback only; every load is bounded in time.

Figures from one run on a shared 2-core machine are noisy: compare figures within a run.
"""

import http.cookies
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import browser, lighthouse, loadgen, mixed_load  # noqa: E402
from tests.support import quiz_load  # noqa: E402
from tests.support.server import gunicorn, prepare_database  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))


def session_cookie(base: str, path: str) -> str:
    """A returning learner's cookie: the first visit has already saved the session."""
    with urllib.request.urlopen(base + path) as response:
        cookie = http.cookies.SimpleCookie(response.headers.get("Set-Cookie", ""))
    return "; ".join(f"{key}={morsel.value}" for key, morsel in cookie.items())


def bench_lessons(base: str) -> None:
    lesson = "/lessons/architecture/"
    headers = {"Cookie": session_cookie(base, lesson)}
    loadgen.load(base, [lesson, "/bench/bare"], seconds=1, headers=headers)  # warm up
    bare = loadgen.load(base, ["/bench/bare"], seconds=SECONDS, headers=headers)
    page = loadgen.load(base, [lesson], seconds=SECONDS, headers=headers)
    print(f"  bare Django view      {bare.summary()}")
    print(f"  lesson page           {page.summary()}")
    print(f"  lesson / bare ratio   {page.per_second / bare.per_second:.2f} (goal >= 0.6)")


def bench_simulator(base: str) -> None:
    update = (
        "/simulator/?stack=hardware%2Chost-os%2Chypervisor%2Cguest-os%2Capp"
        "&prev=hardware%2Chost-os%2Chypervisor%2Cguest-os"
    )
    serial = loadgen.load(
        base, [update], seconds=SECONDS, threads=1, headers={"HX-Request": "true"}
    )
    print(
        f"  htmx update, one client  p50 {serial.percentile(50):.1f} ms server time "
        f"(p99 {serial.percentile(99):.1f} ms, {serial.errors} errors of {serial.requests})"
    )
    figures = browser.simulator_figures(base)
    print(
        f"  click to updated chart   p50 {figures['click_p50_ms']:.0f} ms, "
        f"p95 {figures['click_p95_ms']:.0f} ms in Chromium, 60 clicks after 2 warm-up ones "
        "(goal p95 <= 100 ms)"
    )
    print(
        f"  click to last chart      p50 {figures['last_chart_p50_ms']:.0f} ms, "
        f"p95 {figures['last_chart_p95_ms']:.0f} ms: every chart near the screen redrawn, "
        "those hardly in sight included"
    )
    print(
        f"  first visit, compressed  {figures['first_visit_kb']:.0f} KB transferred for "
        "/simulator/ and everything it loads (goal <= 400 KB); "
        f"{figures['with_charts_kb']:.0f} KB once plotly has drawn the charts"
    )


def bench_quiz(base: str, database: str, seconds: float = 5.0) -> bool:
    """Print the quiz figures; True when nothing failed and the rows are consistent."""
    load = quiz_load.run_learners(base, seconds=seconds)
    submits = load.submits
    print(
        f"  quiz submits    {submits.requests / load.seconds:,.0f}/s at {quiz_load.LEARNERS} "
        f"concurrent learners, {load.errors} errors (goal >= 100/s, 0 errors)"
    )
    count = {kind: result.requests for kind, result in load.kinds.items()}
    print(
        f"                  p50 {submits.percentile(50):.0f} ms, p99 {submits.percentile(99):.0f} "
        f"ms; {submits.requests:,} answers, {count.get('quiz page', 0)} quiz pages, "
        f"{count.get('quiz retry', 0)} retries"
    )
    for problem in load.problems[:5]:
        print(f"                  {problem}")
    double = quiz_load.double_submit(base)
    problems, checked = quiz_load.check_database(database, [*load.takers, double.taker])
    verdict = f"rows and counters consistent ({checked})" if not problems else "INCONSISTENT"
    print(
        f"  double submits  {double.saved} saved, {double.refused} refused (409), "
        f"{double.errors} errors; {verdict}"
    )
    for problem in problems[:10]:
        print(f"                  {problem}")
    return load.errors == 0 and double.saved == 1 and double.errors == 0 and not problems


def main() -> None:
    print("CVM Lab benchmarks")
    print("engine")
    subprocess.run([sys.executable, str(ROOT / "bench" / "bench_engine.py")], check=True)
    with tempfile.TemporaryDirectory() as directory:
        env = prepare_database(directory)
        with gunicorn("bench.wsgi", env, workers=2) as base:
            print(f"http (gunicorn, 2 sync workers, 16 client threads, {SECONDS:.0f} s each)")
            bench_lessons(base)
            print("simulator")
            bench_simulator(base)
            print("Lighthouse 12, mobile (goal: performance >= 90, accessibility 100)")
            lighthouse.report(base)
        log = Path(directory) / "gunicorn-quiz.log"
        with gunicorn("bench.wsgi", env, workers=4, log=log) as base:
            print(
                f"quiz (a fresh gunicorn, 4 sync workers as `make serve`, same SQLite file; "
                f"{SECONDS:.0f} s of submits)"
            )
            quiz_ok = bench_quiz(base, env["SQLITE_PATH"], seconds=SECONDS)
            print(
                f"mixed load (the same 4-worker gunicorn, {mixed_load.VISITORS} visitors: lessons, "
                f"simulator updates, quizzes; {2 * SECONDS:.0f} s)"
            )
            mixed_ok = mixed_load.report(base, env["SQLITE_PATH"], seconds=2 * SECONDS)
        print("  server log:", *loadgen.log_summary(log), sep="\n    ")
        print("teacher's class (in-process, the same SQLite file)")
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "bench_classes.py")],
            env={**os.environ, **env},
            check=True,
        )
    if not (quiz_ok and mixed_ok):
        sys.exit("quiz or mixed load: errors or inconsistent quiz rows (see above)")


if __name__ == "__main__":
    main()
