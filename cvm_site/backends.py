"""Login: throttled by django-axes, and usernames found however they are typed."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from cvm_site.usernames import canonical


class ThrottledBackend(AxesStandaloneBackend):
    """django-axes' check, for logins that come with a request (every login over HTTP).

    Code that authenticates without one (the test client's `login`) has no client to throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class UsernameBackend(ModelBackend):
    """Finds the account by its name as typed, else by its folded key, so "Ada", "ADA" and
    "ａda" log in to one account."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        username = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        # The exact name first: an account older than the rule whose name reads as another's
        # (migration cvm_site 0001 leaves it without a key) still logs in by its own name.
        user = (
            User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
            or User._default_manager.filter(account_name__key=canonical(username)).first()
        )
        if user is None:
            User().set_password(password)  # as slow as a real check: timing tells nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
