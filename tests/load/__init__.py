"""Load and crash tests: gunicorn serves the site from a temporary SQLite file, simulated
learners (tests/support/quiz_load.py) drive it over loopback, and the file is read back with
sqlite3 afterwards."""

import os
from pathlib import Path

import pytest

from tests.support.server import Server, prepare_database, start_gunicorn

WORKERS = 4  # as `make serve` runs by default


def site():
    """The WSGI app these tests serve (gunicorn's `tests.load:site()`): the site, with static
    files by their plain names as in tests/conftest.py, so no collectstatic manifest is needed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cvm_site.settings")
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return get_wsgi_application()


def sqlite_database(directory: Path) -> dict[str, str]:
    """A migrated SQLite file with the course loaded, and the environment that serves it. SQLite
    even in a PostgreSQL run (DATABASE_URL set): these tests read the server's file."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", "")
        return {**prepare_database(str(directory)), "DATABASE_URL": ""}


def serve(env: dict[str, str]) -> Server:
    return start_gunicorn("tests.load:site()", env, workers=WORKERS)
