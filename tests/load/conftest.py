import pytest

from tests.load import serve


@pytest.fixture(scope="module")
def served_site(tmp_path_factory, site_database):
    """The site through gunicorn for one test module, on a SQLite file of its own: the base URL
    and the file's path, which the tests read back with sqlite3."""
    env = site_database(tmp_path_factory.mktemp("served"))
    server = serve(env)
    yield server.base, env["SQLITE_PATH"]
    server.stop()
