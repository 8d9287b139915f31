"""Login throttling, tried as an attacker would: guessing stops after ten failures for one
username or from one address, even the right password is then refused for the cooling-off time,
and the state lives in the database that every app server shares."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

PASSWORD = "a-long-pass-phrase-42"
LOGIN = "/accounts/login/"


@pytest.fixture
def ada(db):
    return User.objects.create_user("ada", password=PASSWORD)


def guess(client, username="ada", times=1, address="203.0.113.7", **extra):
    responses = []
    for i in range(times):
        data = {"username": username, "password": f"wrong-guess-{i}"}
        responses.append(client.post(LOGIN, data, REMOTE_ADDR=address, **extra))
    return responses


def test_ten_wrong_passwords_lock_the_username_even_against_the_right_one(client, ada):
    answers = guess(client, times=10)
    assert [r.status_code for r in answers] == [200] * 9 + [429]
    response = client.post(
        LOGIN, {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 429
    assert "Wait 15 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_the_lock_follows_the_username_to_another_address_and_another_case(client, ada):
    guess(client, times=10, address="198.51.100.1")
    response = Client().post(
        LOGIN, {"username": "ADA", "password": PASSWORD}, REMOTE_ADDR="198.51.100.99"
    )
    assert response.status_code == 429


def test_one_address_guessing_many_usernames_is_locked_out(client, ada):
    for i in range(10):
        guess(client, username=f"someone{i}", address="192.0.2.50")
    response = client.post(
        LOGIN, {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="192.0.2.50"
    )
    assert response.status_code == 429


def test_after_the_cooling_off_time_the_right_password_works(client, ada):
    guess(client, times=10)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = client.post(
        LOGIN, {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302


def test_a_success_resets_the_count(client, ada):
    guess(client, times=9)
    client.post(LOGIN, {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    client.post(reverse("logout"))
    answers = guess(client, times=9)
    assert {r.status_code for r in answers} == {200}


def test_the_failures_are_kept_in_the_database_shared_by_every_server(client, ada):
    guess(client, times=3)
    assert AccessAttempt.objects.get(username="ada").failures_since_start == 3


def test_a_forged_forwarded_address_does_not_escape_the_lock_without_a_proxy(client, ada):
    for i in range(10):
        guess(client, username=f"x{i}", address="192.0.2.60", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    response = client.post(
        LOGIN, {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="192.0.2.60"
    )
    assert response.status_code == 429


@override_settings(BEHIND_TLS_PROXY=True)
def test_behind_the_proxy_the_address_it_appended_counts_not_the_clients_own(client, ada):
    proxy = "10.1.1.1"
    for i in range(10):
        forged = f"198.18.0.{i}, 192.0.2.70"  # the client's made-up entry, then the proxy's
        guess(client, username=f"y{i}", address=proxy, HTTP_X_FORWARDED_FOR=forged)
    locked = client.post(
        LOGIN,
        {"username": "ada", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.70",
    )
    other = Client().post(
        LOGIN,
        {"username": "ada", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.71",
    )
    assert (locked.status_code, other.status_code) == (429, 302)
