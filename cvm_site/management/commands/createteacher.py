"""Make an account a teacher: `manage.py createteacher NAME` (creating the account if needed)."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

TEACHERS = "Teachers"


def teachers_group() -> Group:
    """The group that carries the teach permission (the admin can add accounts to it too)."""
    group, _ = Group.objects.get_or_create(name=TEACHERS)
    group.permissions.add(
        Permission.objects.get(codename="teach", content_type__app_label="cvm_site")
    )
    return group


class Command(BaseCommand):
    help = "Give an account the teacher permission, creating the account first if it is new."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="for password resets (new accounts)")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for a password: a new account gets none and sets it by email reset",
        )

    def handle(self, *args, username, email, interactive, **options):
        User = get_user_model()
        with transaction.atomic():
            user = User.objects.filter(username__iexact=username).first()
            created = user is None
            if created:
                user = User(username=username, email=email)
                if interactive:
                    user.set_password(self.ask_password(user))
                else:
                    user.set_unusable_password()
                user.save()
            user.groups.add(teachers_group())
        verb = "Created the teacher account" if created else "Made a teacher of"
        self.stdout.write(f"{verb} {user.get_username()}. Their classes are at /teach/.")

    def ask_password(self, user) -> str:
        for _ in range(3):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
        raise CommandError("No password set; nothing was created.")
