from django.conf import settings
from django.db import models


class AccountName(models.Model):
    """The look-alike-folded key of an account's username (cvm_site.usernames.canonical).

    Unique in the database: two sign-ups racing for "Ada" and "aDA" cannot both succeed, whatever
    the forms checked before."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_name"
    )
    key = models.CharField(max_length=600, unique=True)

    def __str__(self) -> str:
        return self.key


class SignupRecord(models.Model):
    """One sign-up from one address: sign-ups per address are counted here, in the database every
    app server shares. Rows older than the window are purged."""

    address = models.GenericIPAddressField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
