"""Production settings pass Django's deploy check, and every page type sends the headers an
HTTP Observatory scan grades. These run the real server (gunicorn) with production settings."""

import http.client
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.server import gunicorn

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "HTTPS": "1",
    "BEHIND_TLS_PROXY": "1",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,cvm-lab.example",
}
# The test process allows async-unsafe calls for Playwright (tests/conftest.py); a deployment never.
DEPLOYMENT_ENV = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
PAGES = {
    "home": "/",
    "lesson": "/lessons/architecture/",
    "glossary": "/glossary/",
    "simulator": "/simulator/?stack=hardware,host-os,container-runtime,app",
    "quiz": "/lessons/architecture/quiz/",
    "progress": "/progress/",
    "login": "/accounts/login/",
    "signup": "/accounts/signup/",
    "not found": "/lessons/no-such-lesson/",
}


def test_the_deploy_check_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**DEPLOYMENT_ENV, **PRODUCTION},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**DEPLOYMENT_ENV, **PRODUCTION, "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.fixture(scope="module")
def production_server(tmp_path_factory, site_database):
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    newest = max(path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True
        )
    env = site_database(tmp_path_factory.mktemp("db")) | PRODUCTION
    with gunicorn("cvm_site.wsgi", env, workers=1) as base:
        yield base


def fetch(base: str, path: str) -> http.client.HTTPResponse:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})
    response = connection.getresponse()
    response.body = response.read().decode()
    connection.close()
    return response


def directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("page_type", list(PAGES))
def test_every_page_type_sends_the_graded_headers(production_server, page_type):
    response = fetch(production_server, PAGES[page_type])
    assert response.status == (404 if page_type == "not found" else 200)
    policy = directives(response.getheader("Content-Security-Policy"))
    assert policy["default-src"] == "default-src 'none'"
    assert policy["object-src"] == "object-src 'none'"
    assert policy["base-uri"] == "base-uri 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert policy["form-action"] == "form-action 'self'"
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    hsts = response.getheader("Strict-Transport-Security")
    assert int(re.search(r"max-age=(\d+)", hsts)[1]) >= 15_768_000
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") in {
        "strict-origin-when-cross-origin", "same-origin", "no-referrer", "strict-origin",
    }  # fmt: skip
    for cookie in response.headers.get_all("Set-Cookie") or []:
        assert "; Secure" in cookie, cookie
        assert "SameSite=" in cookie, cookie
        if cookie.startswith("sessionid="):
            assert "HttpOnly" in cookie
    for src in re.findall(r'<script[^>]*\ssrc="([^"]+)"', response.body):
        assert src.startswith("/static/"), src  # no script from another origin


def test_each_response_has_a_fresh_nonce(production_server):
    nonces = [
        re.search(
            r"'nonce-([^']+)'", fetch(production_server, "/").getheader("Content-Security-Policy")
        )[1]
        for _ in range(3)
    ]
    assert len(set(nonces)) == 3


def test_plain_http_is_redirected_to_https(production_server):
    host, port = production_server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/", headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location").startswith("https://")


class Ancestry(HTMLParser):
    """For each element with id="planted": whether it sits under an element with `hx-disable`."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.open: list[tuple[str, bool]] = []  # (tag, has hx-disable) of each open element
        self.found: list[bool] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id") == "planted":
            self.found.append(any(disabled for _, disabled in self.open))
        if tag not in self.VOID:
            self.open.append((tag, "hx-disable" in attributes))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return


PLANTED = '<span id="planted" hx-get="/admin/" hx-trigger="load">planted</span>'


def test_the_sanitiser_keeps_no_htmx_attribute_script_or_handler():
    """The only source of the HTML the pages show as it is: markup.render at load time."""
    from lessons import markup

    html = markup.render(
        '<p hx-post="/admin/" hx-trigger="load" onclick="go()">words</p>\n\n'
        '<script src="/static/js/site.js"></script>\n\n[a link](javascript:go())\n'
    ).html
    assert "words" in html
    for needle in ("hx-", "<script", "onclick", "javascript:"):
        assert needle not in html


REGIONS = [
    "lesson body",
    "glossary definition",
    "quiz prompts and choices",
    "quiz explanation",
    "misconception feedback",
]


def show_region(client, region: str):
    """Plant an element with htmx attributes in one kind of generated HTML; the page that shows
    it."""
    from lessons.models import Choice, GlossaryTerm, Lesson, Question

    if region == "lesson body":
        Lesson.objects.filter(slug="containers").update(body_html=PLANTED)
        return client.get("/lessons/containers/")
    if region == "glossary definition":
        GlossaryTerm.objects.update(definition_html=PLANTED)
        return client.get("/glossary/")
    if region == "quiz prompts and choices":
        Question.objects.update(prompt_html=PLANTED)
        Choice.objects.update(text_html=PLANTED)
        return client.get("/lessons/architecture/quiz/")
    question = Question.objects.filter(kind="single").first()
    wrong = Choice.objects.filter(question=question, correct=False).first()
    if region == "quiz explanation":
        Question.objects.filter(pk=question.pk).update(explanation_html=PLANTED)
    else:
        Choice.objects.filter(pk=wrong.pk).update(misconception="An idea", feedback_html=PLANTED)
    return client.post(
        f"/lessons/{question.lesson.slug}/quiz/{question.slug}/answer",
        {"attempt": "1", "choice": wrong.key},
        headers={"HX-Request": "true"},
    )


@pytest.mark.parametrize("region", REGIONS)
def test_generated_html_sits_where_htmx_is_disabled(client, course, region):
    """Should an hx-* attribute slip into HTML the pages show as it is, htmx ignores it there."""
    from django.core.cache import cache

    cache.clear()  # lesson pages are cached: show what the database now holds
    response = show_region(client, region)

    assert response.status_code == 200
    found = Ancestry(response.text).found
    assert found, "the page shows none of the planted HTML"
    assert all(found)
