import os

import pytest

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

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
def browser_type_launch_args(browser_type_launch_args, live_server):
    """Debian's Chromium, never a downloaded browser; no attempts to reach the internet.

    It asks for the live server so that the server starts before Chromium and stops after it:
    a server stopped first leaves the threads of Chromium's open connections to end after the
    test database stopped being shared with them, and each fails the session's last test."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def _course_models():
    from lessons.models import Choice, GlossaryTerm, Lesson, Question

    return (GlossaryTerm, Lesson, Question, Choice)  # a row's parents come before it


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database with the course loaded ONCE per session, before any test
    runs; its value is the rows the load made. Loading renders every lesson's Markdown (about
    0.3 s): done per test, it was half the database tests' time. A test that uses `db` runs in a
    transaction rolled back at its end, so every such test finds the course as loaded."""
    from lessons import content

    with django_db_blocker.unblock():
        content.sync()
        return {model: list(model.objects.all()) for model in _course_models()}


@pytest.fixture
def course(django_db_setup, db):
    """The course as the repo's content files define it, in the test database, in order.

    A transactional test (`live_server`, `transactional_db`) commits for real, and pytest-django
    empties every table after it: the next one that asks for the course gets the same rows (same
    primary keys) back, copied from the session's load rather than rendered again."""
    from lessons.models import Lesson

    if not Lesson.objects.exists():
        for model, rows in django_db_setup.items():
            model.objects.bulk_create(rows)
    return list(Lesson.objects.order_by("order"))


@pytest.fixture(autouse=True)
def _course_in_every_database_test(request):
    """Every test that uses the database finds the course, even one that runs after a
    transactional test emptied the tables (with pytest-xdist a worker may run them in any
    order): a query per test, and a copy of the rows only after such a flush."""
    database_fixtures = {"db", "transactional_db", "live_server"}
    if request.node.get_closest_marker("django_db") or database_fixtures & set(
        request.fixturenames
    ):
        request.getfixturevalue("course")


@pytest.fixture(scope="session")
def site_database(tmp_path_factory):
    """Makes the SQLite file a served site (gunicorn) runs on: `site_database(directory)` puts a
    copy there and returns the environment that serves it. The file is migrated and loaded once
    per session (two management commands in subprocesses, seconds each); copies cost
    milliseconds."""
    from tests.support.server import copy_database, prepare_database

    template = prepare_database(str(tmp_path_factory.mktemp("site-template")))
    return lambda directory: copy_database(template, str(directory))


@pytest.fixture
def no_course(db):
    """A database without the course, for tests of a first load: the session's rows are deleted
    inside this test's transaction, and its rollback brings them back."""
    from lessons.models import GlossaryTerm, Lesson

    Lesson.objects.all().delete()  # questions and their choices go with their lesson
    GlossaryTerm.objects.all().delete()
