"""Accounts: sign-up, login throttling hooks, and who the client is."""

import ipaddress
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cvm_site import merge
from cvm_site.models import AccountName, SignupRecord
from cvm_site.usernames import canonical, mixes_scripts
from lessons.progress import merge_learner

USERNAME_TAKEN = "That username is taken (or looks just like one that is). Choose another."
MIXED_SCRIPTS = "Use the letters of one alphabet: this name mixes look-alike letters of several."
TOO_MANY_SIGNUPS = (
    "Too many accounts were created from your network in the last hour. Try again later: "
    "you can keep learning without an account meanwhile."
)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the socket's, or, behind our own TLS proxy, the one it forwarded.

    The proxy appends the address it saw to X-Forwarded-For, so only the last entry is trusted;
    anything before it came from the client and could be forged."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def throttled_username(request: HttpRequest, credentials: dict | None) -> str:
    """django-axes counts failures per folded username: "Ada" and "ADA" share one count."""
    source = credentials if credentials is not None else request.POST
    username = source.get("username")
    return canonical(username) if isinstance(username, str) else ""


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The login page again, with 429 and a message saying why and for how long."""
    form = AuthenticationForm(request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"form": form, "locked_out_minutes": minutes}
    return render(request, "registration/login.html", context, status=429)


def check_username(username: str, account=None) -> None:
    """Raise the sign-up form's ValidationError when `username` mixes look-alike letters of
    several alphabets, or reads as another account's name (case, width, look-alikes). `account`
    is the user being renamed, whose own name is no clash. Every form that names an account
    (sign-up, the admin's add and change forms) and `manage.py renameuser` ask this."""
    if mixes_scripts(username):
        raise forms.ValidationError(MIXED_SCRIPTS, code="mixed_scripts")
    others = get_user_model()._default_manager.all()
    if account is not None and account.pk is not None:
        others = others.exclude(pk=account.pk)
    taken = AccountName.objects.filter(key=canonical(username), user__in=others).exists()
    if taken or others.filter(username__iexact=username).exists():
        raise forms.ValidationError(USERNAME_TAKEN, code="unique")


class ChecksUsername:
    """For a ModelForm of the user model: its username goes through `check_username`, when it is
    new or changed (an account may keep the name it has)."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if self.instance.pk is None or "username" in self.changed_data:
            check_username(username, self.instance)
        return username


class SignupForm(ChecksUsername, BaseUserCreationForm):
    """A username, an optional email (for password resets) and a password twice."""

    email = forms.EmailField(
        required=False,
        max_length=254,
        help_text="Optional. Only used to send you a link if you forget your password.",
    )

    class Meta(BaseUserCreationForm.Meta):
        fields = ("username", "email")


def signups_left(request: HttpRequest) -> bool:
    since = timezone.now() - timedelta(hours=1)
    count = SignupRecord.objects.filter(address=client_ip(request), created_at__gte=since).count()
    return count < settings.SIGNUP_LIMIT_PER_HOUR


def create_account(request: HttpRequest, form: SignupForm):
    """The user, its folded name and the sign-up record, all or none. A race for one name ends in
    the database's unique constraint, answered as the form's message."""
    try:
        with transaction.atomic():
            user = form.save()
            SignupRecord.objects.create(address=client_ip(request))
    except IntegrityError:
        form.add_error("username", forms.ValidationError(USERNAME_TAKEN, code="unique"))
        return None
    return user


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and log in; the progress made so far moves into it (see lessons.apps)."""
    form = SignupForm(request.POST or None)
    context = {"form": form, "refused": None}
    status = 200
    if request.method == "POST":
        status = 400
        if not signups_left(request):
            context["refused"], status = TOO_MANY_SIGNUPS, 429
        elif form.is_valid() and (user := create_account(request, form)) is not None:
            login(request, user, backend="cvm_site.backends.UsernameBackend")
            # A new account takes what this browser did: its owner made it moments ago.
            if (anonymous := merge.pending_offer(request)) is not None:
                merge_learner(anonymous, user)
            request.session.pop(merge.OFFER, None)
            return redirect("lessons:progress")
    return render(request, "registration/signup.html", context, status=status)


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The account's page: its name and email, the password, the learner's data."""
    return render(request, "registration/account.html")
