"""`manage.py renameuser OLD NEW`: give an account a new username, checked as sign-up checks one.

Also the way through an upgrade that stops at migration cvm_site 0001 because two accounts' names
differ only in case: it works before that migration has run (there are no folded keys yet, so
the names themselves are compared)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cvm_site.accounts import MIXED_SCRIPTS, USERNAME_TAKEN, check_username
from cvm_site.models import AccountName
from cvm_site.usernames import canonical, mixes_scripts


class Command(BaseCommand):
    help = "Rename an account (OLD is matched exactly); its password and progress stay."

    def add_arguments(self, parser):
        parser.add_argument("old")
        parser.add_argument("new")

    def handle(self, *args, old: str, new: str, **options):
        User = get_user_model()
        user = User._default_manager.filter(username=old).first()
        if user is None:
            raise CommandError(f"No account is named {old!r} (the name must match exactly).")
        keys_kept = AccountName._meta.db_table in connection.introspection.table_names()
        try:
            User._meta.get_field(User.USERNAME_FIELD).clean(new, user)
            if keys_kept:
                check_username(new, user)
            elif mixes_scripts(new):
                raise ValidationError(MIXED_SCRIPTS)
            elif any(canonical(name) == canonical(new) for name in self.other_names(user)):
                raise ValidationError(USERNAME_TAKEN)
        except ValidationError as problem:
            raise CommandError(" ".join(problem.messages)) from None
        user.username = new
        if keys_kept:
            user.save(update_fields=["username"])  # the folded key follows (cvm_site.signals)
        else:
            User._default_manager.filter(pk=user.pk).update(username=new)
        self.stdout.write(f"Renamed {old!r} to {new!r}. Tell its owner: they log in with it now.")

    @staticmethod
    def other_names(user):
        return (
            get_user_model()._default_manager.exclude(pk=user.pk).values_list("username", flat=True)
        )
