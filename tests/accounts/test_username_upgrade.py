"""Upgrading an install whose accounts predate the rule "one account per name, whatever its case":
migration cvm_site 0001 stops, changing nothing, and names the accounts whose names differ only in
case and what to do; `manage.py renameuser` does it, and the migration then goes through. Also
`renameuser` on an up-to-date install."""

import io

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from cvm_site.models import AccountName

BEFORE_ACCOUNTS = [("cvm_site", None)]


def migrate_to(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before_accounts(transactional_db):
    """The database as it was before the accounts app: auth_user without the lower() index.
    Put back to the latest migrations afterwards, whatever the test did."""
    migrate_to(BEFORE_ACCOUNTS)
    yield
    # The clashing accounts would stop the migration again. Before it, the ORM's delete would
    # look for the accounts app's tables: plain SQL then.
    if account_tables_exist():
        User.objects.all().delete()
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {User._meta.db_table}")
    migrate_to(latest())


def insert_users(*names: str, password: str = "") -> None:
    """Accounts made before the rule, with no signal (its table does not exist yet)."""
    hashed = make_password(password) if password else "!"
    User.objects.bulk_create([User(username=name, password=hashed) for name in names])


def migrate(*args):
    call_command("migrate", *args, verbosity=0, stdout=io.StringIO())


def account_tables_exist() -> bool:
    return AccountName._meta.db_table in connection.introspection.table_names()


def test_the_migration_names_accounts_differing_only_in_case_and_changes_nothing(
    before_accounts,
):
    insert_users("Ada", "ada", "grace", "GRACE", "alan")
    with pytest.raises(CommandError) as refusal:
        migrate("cvm_site")
    message = str(refusal.value)
    for name in ("'Ada'", "'ada'", "'grace'", "'GRACE'"):
        assert name in message
    assert "'alan'" not in message
    assert "python manage.py renameuser ada ada-2" in message
    assert "migrate` again" in message
    assert not account_tables_exist()
    assert sorted(User.objects.values_list("username", flat=True)) == [
        "Ada",
        "GRACE",
        "ada",
        "alan",
        "grace",
    ]


def test_after_renaming_the_clashing_accounts_the_migration_goes_through(before_accounts):
    insert_users("Ada", "ada", "grace")
    with pytest.raises(CommandError):
        migrate("cvm_site")
    call_command("renameuser", "ada", "ada-2", stdout=io.StringIO())
    migrate()
    assert dict(AccountName.objects.values_list("user__username", "key")) == {
        "Ada": "ada",
        "ada-2": "ada-2",
        "grace": "grace",
    }


def test_an_older_look_alike_account_still_logs_in_by_its_name_and_changes_its_password(
    before_accounts,
):
    """ "аda" (a Cyrillic а) reads as "ada": the migration keeps both, the later without a key."""
    insert_users("ada", password="first-pass-phrase-11")
    insert_users("аda", password="second-pass-phrase-22")
    migrate()
    look_alike = User.objects.get(username="аda")
    assert not AccountName.objects.filter(user=look_alike).exists()
    client = Client()
    login = {"username": "аda", "password": "second-pass-phrase-22"}
    assert client.post("/accounts/login/", login).status_code == 302
    assert client.session["_auth_user_id"] == str(look_alike.pk)
    new = "third-pass-phrase-33"
    change = {"old_password": login["password"], "new_password1": new, "new_password2": new}
    assert client.post("/accounts/password_change/", change).status_code == 302
    assert User.objects.get(pk=look_alike.pk).check_password(new)
    other = Client()
    assert other.post("/accounts/login/", {"username": "ADA", "password": "first-pass-phrase-11"})
    assert other.session["_auth_user_id"] == str(User.objects.get(username="ada").pk)


def test_before_the_migration_renameuser_refuses_a_name_another_account_has(before_accounts):
    insert_users("Ada", "ada", "grace")
    with pytest.raises(CommandError, match="That username is taken"):
        call_command("renameuser", "ada", "GRACE", stdout=io.StringIO())
    assert User.objects.filter(username="ada").exists()


def test_renameuser_moves_the_folded_key_with_the_name(db):
    user = User.objects.create_user("ada", password="a-long-pass-phrase-42")
    call_command("renameuser", "ada", "Lovelace", stdout=io.StringIO())
    assert AccountName.objects.get(user=user).key == "lovelace"
    assert User.objects.get(pk=user.pk).check_password("a-long-pass-phrase-42")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("nobody", "x", "No account is named 'nobody'"),
        ("ada", "GRACE", "That username is taken"),
        ("ada", "pаypal", "letters of one alphabet"),
        ("ada", "no spaces", "Enter a valid username"),
    ],
)
def test_renameuser_refuses_with_the_reason(db, old, new, message):
    User.objects.create_user("ada")
    User.objects.create_user("grace")
    with pytest.raises(CommandError, match=message):
        call_command("renameuser", old, new, stdout=io.StringIO())
    assert User.objects.filter(username="ada").exists()
