"""A browser-like HTTP client (one visitor's cookies, no redirects followed) and a thread runner,
for driving a served site from many visitors at once; loopback only."""

import http.client
import http.cookies
import threading
import time
import urllib.parse
from dataclasses import dataclass


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


def run_threads(target, count: int) -> float:
    """Run target(0) … target(count - 1) in threads at once; the seconds until all are done."""
    started = time.monotonic()
    pool = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.monotonic() - started
