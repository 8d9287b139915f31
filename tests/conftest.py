import os

import pytest

from bench.browser import CHROMIUM, CHROMIUM_ARGS

# pytest-playwright runs an event loop in the main thread; Django's ORM calls from the tests are
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """Serve static files by their plain names: the live server's handler finds files without a
    collectstatic manifest (`make serve`, the benchmarks and tests/test_security.py use the
    hashed, compressed files)."""
    from django.conf import settings

    # A fast hasher: the fuzz tests try hundreds of logins; production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser; no attempts to reach the internet."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def course(db):
    """The course as the repo's content files define it, loaded into the test database."""
    from lessons import content
    from lessons.models import Lesson

    content.sync()
    return list(Lesson.objects.order_by("order"))
