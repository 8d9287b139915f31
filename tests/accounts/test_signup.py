"""Sign-up, tried as an attacker would: one account per name however it is written (case,
width, look-alike letters), enforced by the database so that a race ends in the form's message,
never a 500 (tests/load/test_parallel_signups.py races ten of them through gunicorn); and a
limited number of sign-ups per address."""

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings

from cvm_site.models import AccountName

SIGNUP = "/accounts/signup/"
PASSWORD = "a-long-pass-phrase-42"


def sign_up(client, username, address="203.0.113.9", **extra):
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post(SIGNUP, data, REMOTE_ADDR=address)


@pytest.mark.parametrize(
    "other",
    ["ADA", "Ada", "ａｄａ", "аda", "ɑda"],
    ids=["upper", "title", "fullwidth", "cyrillic", "latin-alpha"],
)
def test_a_name_that_reads_as_an_existing_one_is_refused(client, db, other):
    assert sign_up(Client(), "ada").status_code == 302
    response = sign_up(client, other)
    assert response.status_code == 400
    assert "That username is taken" in response.text or "one alphabet" in response.text
    assert User.objects.count() == 1


def test_a_name_mixing_look_alike_letters_of_two_alphabets_is_refused(client, db):
    response = sign_up(client, "pаypal")  # a Cyrillic а among Latin letters
    assert response.status_code == 400
    assert "letters of one alphabet" in response.text


def test_a_name_in_one_other_alphabet_is_welcome(client, db):
    assert sign_up(client, "Ольга").status_code == 302


def test_login_finds_the_account_however_its_name_is_cased(client, db):
    sign_up(Client(), "Grace")
    response = client.post("/accounts/login/", {"username": "gRACE", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="Grace").pk)


def test_the_database_refuses_a_second_name_differing_only_in_case(db):
    User.objects.create_user("ada")
    # Straight SQL, past every form and signal: the lower(username) index still says no.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined) VALUES ('', false, 'ADA', '', '', '',"
            " false, true, CURRENT_TIMESTAMP)"
        )


def test_the_folded_key_is_unique_in_the_database(db):
    User.objects.create_user("ada")
    user = User.objects.create_user("someone")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountName.objects.filter(user=user).update(key="ada")


@override_settings(SIGNUP_LIMIT_PER_HOUR=3)
def test_sign_ups_from_one_address_are_limited(db):
    for i in range(3):
        assert sign_up(Client(), f"learner{i}", address="198.51.100.4").status_code == 302
    response = sign_up(Client(), "learner9", address="198.51.100.4")
    assert response.status_code == 429
    assert "Too many accounts were created from your network" in response.text
    assert sign_up(Client(), "learner9", address="198.51.100.5").status_code == 302


def test_an_email_is_optional_and_kept_when_given(client, db):
    assert sign_up(Client(), "noemail").status_code == 302
    assert sign_up(client, "withemail", email="w@example.org").status_code == 302
    assert User.objects.get(username="withemail").email == "w@example.org"
    assert User.objects.get(username="noemail").email == ""
