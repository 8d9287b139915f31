"""Load and crash tests: gunicorn serves the site from a temporary SQLite file, simulated
learners (tests/support/quiz_load.py) drive it over loopback, and the file is read back with
sqlite3 afterwards."""

import os

from tests.support.server import Server, start_gunicorn


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


WORKERS = 4  # as `make serve` runs by default


def serve(env: dict[str, str]) -> Server:
    """gunicorn serving the site (`tests.load:site()`) on the SQLite file `env` names."""
    return start_gunicorn("tests.load:site()", env, workers=WORKERS)
