"""A small HTTP load generator and a gunicorn launcher, for benchmarks on loopback only."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def summary(self) -> str:
        return (
            f"{self.per_second:,.0f} req/s, p50 {self.percentile(50):.1f} ms, "
            f"p99 {self.percentile(99):.1f} ms, {self.errors} errors of {self.requests}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(wsgi: str, env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Serve `wsgi` on a free loopback port; yields the base URL and stops the server after."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", wsgi, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ, **env},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


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

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    flat = [value for per_thread in latencies for value in per_thread]
    return LoadResult(len(flat), sum(errors), elapsed, flat)
