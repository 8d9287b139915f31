"""Headers that keep a learner's pages private: a page with a CSRF token or a learner's data is
never stored by a shared cache or the browser; a response chosen by htmx's history-restore
header says so in Vary; a Permissions-Policy; logged-in sessions last two weeks."""

import pytest
from django.contrib.auth.models import User

from tests.lessons.test_quiz import RIGHT, answer

PASSWORD = "a-long-pass-phrase-42"


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"]
)
def test_a_page_with_a_csrf_token_is_private_and_never_stored(client, db, path):
    response = client.get(path)
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert {"private", "no-store"} <= directives(response)


def test_a_learners_progress_page_is_private_and_never_stored(client, course):
    answer(client, RIGHT[0])
    response = client.get("/progress/")
    assert {"private", "no-store"} <= directives(response)


def test_a_logged_in_page_is_private_and_never_stored(client, course):
    client.force_login(User.objects.create_user("ada", password=PASSWORD))
    response = client.get("/")
    assert {"private", "no-store"} <= directives(response)


def test_a_first_visit_to_the_outline_stays_cacheable(client, course):
    response = client.get("/")
    assert "no-store" not in directives(response)


def test_a_response_chosen_by_htmx_headers_varies_on_the_history_restore_header(client, db):
    response = client.get("/simulator/", headers={"HX-Request": "true"})
    vary = {part.strip().lower() for part in response["Vary"].split(",")}
    assert {"hx-request", "hx-history-restore-request"} <= vary


def test_every_page_sends_a_permissions_policy(client, db):
    policy = client.get("/").get("Permissions-Policy", "")
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_a_logged_in_session_lasts_two_weeks(client, db):
    User.objects.create_user("ada", password=PASSWORD)
    client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert client.session.get_expiry_age() == 14 * 24 * 3600
    assert client.cookies["sessionid"]["max-age"] == 14 * 24 * 3600
