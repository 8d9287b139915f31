"""Site-wide behaviour: the security headers on every response, the health check, and the
settings the environment drives."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError
from django.urls import reverse
from pytest_django.asserts import assertContains

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/lessons/introduction/", "/glossary/", "/no-such-page/"]


def script_src(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return next(d for d in policy.split(";") if d.strip().startswith("script-src"))


class TestContentSecurityPolicy:
    """Every response carries a strict CSP: no eval, no inline script, a fresh nonce each time."""

    @pytest.mark.parametrize("path", PAGES)
    def test_every_page_has_a_strict_policy(self, client, course, path):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "object-src 'none'" in policy
        assert "base-uri 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "'unsafe-eval'" not in script_src(response)
        assert "'unsafe-inline'" not in script_src(response)
        assert re.search(r"'nonce-[\w+/=-]{16,}'", script_src(response))

    def test_the_nonce_is_fresh_on_every_response(self, client, course):
        nonces = {script_src(client.get("/")) for _ in range(3)}
        assert len(nonces) == 3

    @pytest.mark.parametrize("path", ["/", "/lessons/containers/", "/lessons/containers/"])
    def test_the_page_scripts_carry_the_nonce_of_their_response(self, client, course, path):
        """The lesson page is served from a cache the second time: its nonce must still be new."""
        response = client.get(path)
        nonce = re.search(r"'nonce-([^']+)'", script_src(response))[1]
        scripts = re.findall(r"<script[^>]*>", response.text)
        assert scripts
        assert all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)

    def test_the_json_health_check_has_a_policy_too(self, client, db):
        assert "Content-Security-Policy" in client.get(reverse("healthz")).headers


class TestHealthCheck:
    def test_it_answers_ok_when_the_database_answers(self, client, db):
        response = client.get(reverse("healthz"))
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_it_answers_503_when_the_database_does_not(self, client, db, monkeypatch):
        from django.db.backends.utils import CursorWrapper

        def fail(*args, **kwargs):
            raise DatabaseError("database is down")

        with monkeypatch.context() as patch:
            patch.setattr(CursorWrapper, "execute", fail)
            response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json()["database"] == "unavailable"


class TestSQLiteSettings:
    """SQLite runs with WAL, IMMEDIATE transactions and a 20 s busy timeout, so concurrent quiz
    submits wait for each other instead of failing with "database is locked"."""

    def test_a_sqlite_file_database_opens_in_wal_mode_with_immediate_transactions(
        self, db, tmp_path
    ):
        from django.db import connection
        from django.db.backends.sqlite3.base import DatabaseWrapper

        if connection.vendor != "sqlite":
            pytest.skip("these options apply to SQLite only")
        settings_dict = {**connection.settings_dict, "NAME": str(tmp_path / "check.sqlite3")}
        wrapper = DatabaseWrapper(settings_dict, alias="wal-check")
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute("PRAGMA busy_timeout")
                assert cursor.fetchone()[0] == 20_000
            assert wrapper.transaction_mode == "IMMEDIATE"
        finally:
            wrapper.close()


class TestEnvironmentSettings:
    """Settings come from environment variables; a yes/no variable accepts a few words for yes
    and for no, and any other word stops start-up with a message that lists them."""

    def test_a_misspelt_boolean_stops_start_up_and_names_the_words_it_accepts(self):
        env = {**os.environ, "HTTPS": "ture", "SECRET_KEY": "x" * 50}
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert (
            "ImproperlyConfigured: HTTPS='ture' is neither on (1, true, yes, on)" in result.stderr
        )
        assert "nor off (0, false, no, off)" in result.stderr

    def test_a_number_that_is_not_one_stops_start_up_and_names_the_variable(self, monkeypatch):
        from django.core.exceptions import ImproperlyConfigured

        from cvm_site.settings import env_int

        monkeypatch.setenv("CVM_LAB_NUMBER", "forty")
        with pytest.raises(ImproperlyConfigured, match="CVM_LAB_NUMBER='forty' is not a whole"):
            env_int("CVM_LAB_NUMBER", 400)
        monkeypatch.setenv("CVM_LAB_NUMBER", " 40 ")
        assert env_int("CVM_LAB_NUMBER", 400) == 40
        monkeypatch.setenv("CVM_LAB_NUMBER", "")
        assert env_int("CVM_LAB_NUMBER", 400) == 400

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("1", True), ("Yes", True), (" on ", True), ("0", False), ("FALSE", False), ("", True)],
    )
    def test_a_boolean_reads_the_accepted_words_and_an_empty_value_keeps_the_default(
        self, monkeypatch, value, expected
    ):
        from cvm_site.settings import env_bool

        monkeypatch.setenv("CVM_LAB_FLAG", value)
        assert env_bool("CVM_LAB_FLAG", default=True) is expected

    def test_every_variable_the_settings_read_is_in_the_readme(self):
        settings_code = (ROOT / "cvm_site" / "settings.py").read_text()
        names = set(
            re.findall(r'(?:env_bool|env_int|env_list|os\.environ\.get)\(\s*"(\w+)"', settings_code)
        )
        readme_rows = re.findall(r"^\| `(\w+)` \|", (ROOT / "README.md").read_text(), re.M)
        assert {"DEBUG", "HTTPS", "SQLITE_PATH", "LOG_LEVEL"} <= names
        assert names - set(readme_rows) == set()


def test_a_learner_who_trims_a_lesson_url_to_lessons_finds_the_course_outline(client, course):
    response = client.get("/lessons/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert response.status_code == 200
    assertContains(response, '<h2 id="outline-heading">Course outline</h2>', html=True)
    first = course[0]
    assertContains(response, f'<a href="/lessons/{first.slug}/">{first.title}</a>', html=True)
