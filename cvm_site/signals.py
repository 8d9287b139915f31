"""What happens around logins and accounts, wherever they come from (forms, admin, shell)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_delete


def keep_account_name(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    from cvm_site.models import AccountName
    from cvm_site.usernames import canonical

    if update_fields is not None and "username" not in update_fields:
        return
    key = canonical(instance.get_username())
    # An account older than the rule whose name reads as another's: migration cvm_site 0001 left
    # it without a key. Saving it (a new password, say) must not fail on the key the other
    # account holds. A new account taking a held key still fails (forms check first).
    keyless = not created and not AccountName.objects.filter(user=instance).exists()
    if keyless and AccountName.objects.filter(key=key).exists():
        return
    AccountName.objects.update_or_create(user=instance, defaults={"key": key})


def shorten_session(sender, request, user, **kwargs) -> None:
    """An account's session lasts two weeks; only anonymous progress keeps a year-long cookie."""
    if request is not None and hasattr(request, "session"):
        request.session.set_expiry(settings.LOGGED_IN_SESSION_AGE)


def connect() -> None:
    post_save.connect(
        keep_account_name, sender=get_user_model(), dispatch_uid="cvm_site.account_name"
    )
    user_logged_in.connect(shorten_session, dispatch_uid="cvm_site.shorten_session")
    from cvm_site.merge import offer_at_login

    user_logged_in.connect(offer_at_login, dispatch_uid="cvm_site.offer_at_login")
    connect_tallies()


def connect_tallies() -> None:
    """A class's per-question counts follow its answers and members (cvm_site/tallies.py)."""
    from cvm_site import tallies
    from cvm_site.models import Membership
    from lessons.models import Answer, Learner

    post_save.connect(tallies.answer_saved, sender=Answer, dispatch_uid="tallies.answer")
    post_save.connect(tallies.membership_saved, sender=Membership, dispatch_uid="tallies.join")
    pre_delete.connect(tallies.membership_deleted, sender=Membership, dispatch_uid="tallies.leave")
    pre_delete.connect(tallies.learner_deleted, sender=Learner, dispatch_uid="tallies.learner")
