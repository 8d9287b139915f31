"""Lighthouse 12 scores (mobile) for the simulator, when `npx lighthouse@12` is available.

A measuring tool only: nothing in the product or the tests depends on it. npx runs it from npm's
cache, fetching it the first time; without npx (or Node) the bench says so and goes on.
"""

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

COMMAND = ["npx", "--yes", "--prefer-offline", "lighthouse@12"]
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
PAGES = (
    "/simulator/",
    "/simulator/?stack=hardware,host-os,microvm,guest-os-minimal,app"
    "&compare=hardware,host-os,gvisor,app",
)


@dataclass
class Scores:
    performance: int
    accessibility: int
    lcp_ms: float
    tbt_ms: float
    cls: float

    def summary(self) -> str:
        return (
            f"performance {self.performance}, accessibility {self.accessibility} "
            f"(LCP {self.lcp_ms / 1000:.1f} s, TBT {self.tbt_ms:.0f} ms, CLS {self.cls:.2f})"
        )


def available() -> bool:
    try:
        done = subprocess.run([*COMMAND, "--version"], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def measure(url: str) -> Scores:
    """One Lighthouse run with its default mobile emulation (Moto G Power, slow 4G, 4× CPU)."""
    flags = " ".join(arg for arg in CHROMIUM_ARGS if arg != "--headless") + " --headless=new"
    with tempfile.TemporaryDirectory() as directory:
        report = os.path.join(directory, "report.json")
        done = subprocess.run(
            [*COMMAND, url, "--quiet", "--output=json", f"--output-path={report}",
             "--only-categories=performance,accessibility", f"--chrome-flags={flags}"],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
            timeout=300,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-500:]}")
        with open(report) as file:
            data = json.load(file)
    audits, categories = data["audits"], data["categories"]
    return Scores(
        performance=round(100 * categories["performance"]["score"]),
        accessibility=round(100 * categories["accessibility"]["score"]),
        lcp_ms=audits["largest-contentful-paint"]["numericValue"],
        tbt_ms=audits["total-blocking-time"]["numericValue"],
        cls=audits["cumulative-layout-shift"]["numericValue"],
    )


def report(base: str, runs: int = RUNS) -> None:
    """Each page's median run by performance score, and the range of the runs: on a shared
    machine one run's score moves by ten points or more."""
    if not available():
        print("  Lighthouse not available (needs Node.js and npx)")
        return
    for path in PAGES:
        scores = []
        for _ in range(runs + 1):  # one spare: on a busy machine Chromium may lose a trace
            try:
                scores.append(measure(base + path))
            except RuntimeError:
                continue
            if len(scores) == runs:
                break
        if not scores:
            print(f"  {path[:60]:60}  no score (Lighthouse failed)")
            continue
        scores.sort(key=lambda score: score.performance)
        spread = f"{scores[0].performance}-{scores[-1].performance}"
        median = scores[len(scores) // 2]
        print(f"  {path[:60]:60}  {median.summary()}; {len(scores)} runs: {spread}")


if __name__ == "__main__":  # python -m bench.lighthouse http://127.0.0.1:8000
    import sys

    report(sys.argv[1].rstrip("/"))
