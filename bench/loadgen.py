"""A small HTTP load generator, a browser-like client and a gunicorn launcher; loopback only."""

import contextlib
import http.client
import http.cookies
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
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


@dataclass
class Server:
    """A gunicorn master and its workers, in a process group of their own."""

    process: subprocess.Popen
    base: str

    def stop(self) -> None:
        """A graceful stop; the whole group is killed if the master does not finish in time."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut or the OOM killer would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)


def start_gunicorn(
    wsgi: str, env: dict[str, str], workers: int = 2, log: Path | None = None
) -> Server:
    """Start gunicorn on a free loopback port and wait until /healthz answers. Its output goes
    to `log` when given (appended), else to this process's terminal."""
    port = free_port()
    with open(log, "a") if log else contextlib.nullcontext() as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", wsgi, "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--log-level", "warning"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=output,
            start_new_session=True,  # its own process group: Server.kill reaches every worker
        )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(server.base + "/healthz", timeout=2)
            return server
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                server.kill()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)


@contextlib.contextmanager
def gunicorn(
    wsgi: str, env: dict[str, str], workers: int = 2, log: Path | None = None
) -> Iterator[str]:
    """Serve `wsgi` on a free loopback port; yields the base URL and stops the server after."""
    server = start_gunicorn(wsgi, env, workers, log)
    try:
        yield server.base
    finally:
        server.stop()


def log_summary(log: Path, expected: str = "Conflict: ") -> list[str]:
    """A server log in a few lines: how many lines start with `expected` (Django logs every 409
    as a warning), then every other line, the first 20 of them."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    others = [line for line in lines if not line.startswith(expected)]
    summary = [f"{len(lines) - len(others)} lines '{expected.strip()} …', {len(others)} others"]
    return summary + others[:20]


@dataclass
class Reply:
    status: int  # 0: no answer (connection refused, reset or timed out)
    body: str
    location: str
    ms: float


class Browser:
    """One visitor, as a browser tab: its own cookies (session, CSRF), no redirects followed.

    Each request opens its own connection (gunicorn's sync workers close it after every
    response), so threads may share a Browser to send one learner's requests at the same time.
    """

    def __init__(self, base: str, timeout: float = 30) -> None:
        self.base = base
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, path: str, htmx: bool = False) -> Reply:
        return self.request("GET", path, htmx=htmx)

    def post(self, path: str, fields: list[tuple[str, str]], htmx: bool = False) -> Reply:
        return self.request("POST", path, fields, htmx=htmx)

    def request(
        self,
        method: str,
        path: str,
        fields: list[tuple[str, str]] | None = None,
        htmx: bool = False,
    ) -> Reply:
        host, port = self.base.removeprefix("http://").split(":")
        headers = {}
        with self._lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(host, int(port), timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            return Reply(0, "", "", (time.perf_counter() - started) * 1000)
        finally:
            connection.close()
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        location = response.headers.get("Location", "")
        return Reply(response.status, text, location, (time.perf_counter() - started) * 1000)

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                with self._lock:
                    if morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value


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


def run_threads(target, count: int) -> float:
    """Run target(0) … target(count - 1) in threads at once; the seconds until all are done."""
    started = time.monotonic()
    pool = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.monotonic() - started
