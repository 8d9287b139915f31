"""Throughput of plain GETs and a server log in a few lines, for `make bench`; loopback only."""

import http.client
import threading
import time
from pathlib import Path

from tests.support.visitor import LoadResult, run_threads


def load(
    base: str,
    paths: list[str],
    *,
    seconds: float = 5.0,
    threads: int = 16,
    headers: dict[str, str] | None = None,
    max_requests: int = 200_000,
) -> LoadResult:
    """GET the paths round-robin from `threads` threads until `seconds` or `max_requests` pass."""
    host, port = base.removeprefix("http://").split(":")
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    budget = threading.Semaphore(max_requests)

    def worker(index: int) -> None:
        n = index
        while time.monotonic() < deadline and budget.acquire(blocking=False):
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                connection.request("GET", path, headers=headers or {})
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status >= 400:
                    errors[index] += 1
            except OSError:
                errors[index] += 1
            latencies[index].append((time.perf_counter() - started) * 1000)

    elapsed = run_threads(worker, threads)
    flat = [value for per_thread in latencies for value in per_thread]
    return LoadResult(len(flat), sum(errors), elapsed, flat)


def log_summary(log: Path, expected: str = "Conflict: ") -> list[str]:
    """A server log in a few lines: how many lines start with `expected` (Django logs every 409
    as a warning), then every other line, the first 20 of them."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    others = [line for line in lines if not line.startswith(expected)]
    summary = [f"{len(lines) - len(others)} lines '{expected.strip()} …', {len(others)} others"]
    return summary + others[:20]
