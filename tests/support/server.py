"""A gunicorn server on a free loopback port, and a migrated SQLite file with the course for it:
the load, crash and production-header tests and `make bench` serve the site this way."""

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def prepare_database(directory: str) -> dict[str, str]:
    """A migrated SQLite file in `directory` with the course loaded, and the environment (with
    DEBUG off) that serves it. SQLite even when DATABASE_URL is set (a PostgreSQL run): the
    tests that serve the site read its file back."""
    env = {"SQLITE_PATH": str(Path(directory) / "site.sqlite3"), "DEBUG": "0", "DATABASE_URL": ""}
    for command in (["migrate", "--noinput", "--verbosity", "0"], ["loadcontent"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
    return env


def copy_database(env: dict[str, str], directory: str) -> dict[str, str]:
    """A copy of `env`'s SQLite file in `directory` (through SQLite's backup API, which copies a
    consistent state) and the environment that serves the copy."""
    target = Path(directory) / "site.sqlite3"
    source, copy = sqlite3.connect(env["SQLITE_PATH"]), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return {**env, "SQLITE_PATH": str(target)}


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
