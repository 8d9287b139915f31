"""Passwords: change one while logged in, reset a forgotten one by email, in the site's own
layout (never the admin's), with Django's own views and tokens."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

PASSWORD = "a-long-pass-phrase-42"
NEW = "another-long-phrase-77"


@pytest.fixture
def ada(db):
    return User.objects.create_user("ada", email="ada@example.org", password=PASSWORD)


def test_a_learner_changes_their_password(client, ada):
    client.force_login(ada)
    page = client.get("/accounts/password_change/")
    assert page.status_code == 200
    assert "Django administration" not in page.text and "CVM Lab" in page.text
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.check_password(NEW)


def test_changing_the_password_needs_the_old_one(client, ada):
    client.force_login(ada)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "not-it-at-all-1", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert "incorrect" in response.text
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)


def test_an_anonymous_visitor_cannot_change_a_password(client, db):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, ada):
    page = client.get("/accounts/password_reset/")
    assert "Django administration" not in page.text and "Reset your password" in page.text
    client.post("/accounts/password_reset/", {"email": "ADA@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert "Your new password is saved" in done.text
    ada.refresh_from_db()
    assert ada.check_password(NEW)
    reused = client.get(link, follow=True)
    assert "has been used or has expired" in reused.text


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, ada):
    response = client.post(
        "/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True
    )
    assert "Check your email" in response.text
    assert mail.outbox == []
