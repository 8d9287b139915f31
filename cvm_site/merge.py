"""Logging in never merges a browser's anonymous progress silently: it is offered, and added only
if the account holder says so. (A session cookie planted on a shared computer must not pour
someone else's attempts into the account that logs in next.)"""

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from lessons import progress
from lessons.models import Learner

OFFER = "merge_offer"


def offer_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: remember the browser's anonymous learner, if it did anything; merge
    nothing yet. A learner with nothing to offer is simply let go."""
    if request is None or not hasattr(request, "session"):
        return
    learner_id = request.session.pop(progress.LEARNER_ID, None)
    anonymous = Learner.objects.filter(pk=learner_id, user=None).first() if learner_id else None
    if anonymous is not None and summary(anonymous)["any"]:
        request.session[OFFER] = anonymous.pk


def summary(learner: Learner) -> dict:
    counts = {
        "read": learner.readings.count(),
        "attempts": learner.attempts.count(),
        "classes": learner.memberships.count(),
    }
    return {**counts, "any": any(counts.values())}


def pending_offer(request: HttpRequest) -> Learner | None:
    learner_id = request.session.get(OFFER)
    return Learner.objects.filter(pk=learner_id, user=None).first() if learner_id else None


class AskingLoginView(LoginView):
    """Django's login; when the browser has progress to offer, the next page asks about it."""

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if OFFER in self.request.session:
            return f"{reverse('merge')}?{self.redirect_field_name}={url}"
        return url


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("lessons:progress")


@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    anonymous = pending_offer(request) if request.user.is_authenticated else None
    if anonymous is None:
        request.session.pop(OFFER, None)
        return redirect(_next(request))
    if request.method == "POST":
        choice = request.POST.get("choice")
        if choice not in ("add", "discard"):
            context = {"offer": summary(anonymous), "next": _next(request), "error": True}
            return render(request, "registration/merge.html", context, status=400)
        if choice == "add":
            progress.merge_learner(anonymous, request.user)
        else:
            progress.forget_learner(anonymous)
        request.session.pop(OFFER, None)
        return redirect(_next(request))
    context = {"offer": summary(anonymous), "next": _next(request)}
    return render(request, "registration/merge.html", context)
