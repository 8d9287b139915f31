import shlex

import django.db.models.deletion
from django.conf import settings
from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_names_differing_only_in_case(apps, schema_editor):
    """The unique index on lower(username) below cannot exist while two accounts' names differ
    only in case (possible before it): say which accounts, and how to go on, changing nothing.
    Renaming one automatically would lock its owner out without a word; deleting one loses data."""
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    users = User.objects.annotate(folded=Lower("username"))
    clashing = users.values("folded").annotate(count=Count("pk")).filter(count__gt=1)
    folded = list(clashing.values_list("folded", flat=True))
    if not folded:
        return
    clashes = list(users.filter(folded__in=folded).order_by("folded", "pk"))
    lines = [
        f"  {user.username!r} (id {user.pk}, joined {user.date_joined:%Y-%m-%d}, last login "
        f"{f'{user.last_login:%Y-%m-%d}' if user.last_login else 'never'})"
        for user in clashes
    ]
    example = shlex.quote(clashes[1].username)
    raise CommandError(
        "Usernames are now unique whatever their case, and these accounts' names differ only "
        "in case:\n" + "\n".join(lines) + "\nNothing was changed. Keep one name of each group "
        f"and rename the other accounts, for example\n  python manage.py renameuser {example} "
        f"{example}-2\nthen tell each owner their new name (they keep their password and "
        "progress), and run `python manage.py migrate` again."
    )


def fold_existing_usernames(apps, schema_editor):
    """Accounts made before this migration get their key; a later look-alike keeps none (its
    owner still logs in by the exact name)."""
    from cvm_site.usernames import canonical

    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    AccountName = apps.get_model("cvm_site", "AccountName")
    taken = set()
    for user in User.objects.order_by("pk"):
        key = canonical(user.username)
        if key not in taken:
            taken.add(key)
            AccountName.objects.create(user=user, key=key)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(refuse_names_differing_only_in_case, migrations.RunPython.noop),
        migrations.CreateModel(
            name="AccountName",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=600, unique=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="account_name",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SignupRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("address", models.GenericIPAddressField(db_index=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
            ],
        ),
        migrations.RunPython(fold_existing_usernames, migrations.RunPython.noop),
        # Django's own user table, unique on its lowercased username: "Ada" and "ADA" cannot both
        # exist, whatever code creates them. Same SQL on SQLite and PostgreSQL. (AccountName
        # folds Unicode case and look-alikes too; this index guards what bypasses it.)
        migrations.RunSQL(
            "CREATE UNIQUE INDEX cvm_site_username_lower ON auth_user (lower(username))",
            reverse_sql="DROP INDEX cvm_site_username_lower",
        ),
    ]
