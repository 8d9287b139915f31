"""Staff adding or renaming a user in the admin meet sign-up's rule (one account per name however
it is written) as a form error, never a 500 from the database's unique keys."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from cvm_site import accounts
from cvm_site.accounts import MIXED_SCRIPTS, USERNAME_TAKEN
from cvm_site.models import AccountName

PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture
def ada(db):
    return User.objects.create_user("ada", password=PASSWORD)


def add_user(admin_client, username):
    return admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": username,
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def change_user(admin_client, user, **changes):
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
        **changes,
    }
    return admin_client.post(reverse("admin:auth_user_change", args=[user.pk]), data)


@pytest.mark.parametrize(
    "other",
    ["ADA", "Ada", "ａｄａ", "аda", "ɑda"],
    ids=["upper", "title", "fullwidth", "cyrillic", "alpha"],
)
def test_adding_a_user_whose_name_reads_as_an_existing_one_is_a_form_error(
    admin_client, ada, other
):
    before = User.objects.count()
    response = add_user(admin_client, other)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["username"]
    assert errors in ([USERNAME_TAKEN], [MIXED_SCRIPTS])  # "аda" also mixes two alphabets
    assert User.objects.count() == before


def test_adding_a_user_whose_name_mixes_alphabets_is_a_form_error(admin_client, db):
    response = add_user(admin_client, "pаypal")  # a Cyrillic а among Latin letters
    assert response.status_code == 200
    assert MIXED_SCRIPTS in response.text
    assert not User.objects.filter(username="pаypal").exists()


def test_adding_a_user_with_a_new_name_creates_it_with_its_folded_key(admin_client, ada):
    response = add_user(admin_client, "Grace")
    assert response.status_code == 302
    assert AccountName.objects.get(user__username="Grace").key == "grace"


def test_renaming_a_user_to_a_look_alike_of_another_is_a_form_error(admin_client, ada):
    bob = User.objects.create_user("bob", password=PASSWORD)
    response = change_user(admin_client, bob, username="ADA")
    assert response.status_code == 200
    assert USERNAME_TAKEN in response.text
    assert User.objects.get(pk=bob.pk).username == "bob"


def test_a_user_keeps_their_name_when_staff_change_something_else(admin_client, ada):
    response = change_user(admin_client, ada, email="ada@example.org")
    assert response.status_code == 302
    assert User.objects.get(pk=ada.pk).email == "ada@example.org"


def test_a_user_may_be_renamed_to_another_casing_of_their_own_name(admin_client, ada):
    assert change_user(admin_client, ada, username="Ada").status_code == 302
    assert AccountName.objects.get(user=ada).key == "ada"
    assert User.objects.get(pk=ada.pk).username == "Ada"


def test_a_look_alike_saved_at_the_same_instant_is_a_form_error_not_a_500(
    admin_client, ada, monkeypatch
):
    """The other staff member's save lands between this form's check and its insert: the check
    is passed once (as it was, before "ada" existed) and the database's key refuses the name."""
    real = accounts.check_username
    calls = []

    def passes_the_first_time(username, instance=None):
        calls.append(username)
        if len(calls) > 1:
            real(username, instance)

    monkeypatch.setattr(accounts, "check_username", passes_the_first_time)
    before = User.objects.count()
    response = add_user(admin_client, "ADA")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"] == [USERNAME_TAKEN]
    assert User.objects.count() == before
    assert calls == ["ADA", "ADA"]  # refused by the key, then by the check on the second pass
