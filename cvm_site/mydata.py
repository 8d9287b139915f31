"""A learner's own data: all of it as JSON, and deleting all of it (with the account, if any).

Works for anonymous learners too: their data is the learner this browser's session points at."""

from django import forms
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cvm_site import tallies
from cvm_site.models import Membership
from lessons.progress import current_learner


def _attempts(learner) -> list[dict]:
    attempts = learner.attempts.select_related("lesson").prefetch_related("answers__question")
    return [
        {
            "lesson": attempt.lesson.slug,
            "number": attempt.number,
            "score": attempt.score,
            "questions": attempt.question_count,
            "started_at": attempt.started_at,
            "finished_at": attempt.finished_at,
            "answers": [
                {
                    "question": answer.question.slug,
                    "response": answer.response,
                    "correct": answer.correct,
                    "answered_at": answer.answered_at,
                }
                for answer in attempt.answers.all()
            ],
        }
        for attempt in attempts
    ]


def collect(request: HttpRequest) -> dict:
    """Everything the site keeps about this visitor."""
    data: dict = {"exported_at": timezone.now()}
    if request.user.is_authenticated:
        user = request.user
        data["account"] = {
            "username": user.get_username(),
            "email": user.email,
            "joined": user.date_joined,
            "last_login": user.last_login,
        }
    learner = current_learner(request)
    if learner is not None:
        data["learner"] = {
            "created_at": learner.created_at,
            "lessons_read": sorted(learner.read_slugs()),
            "attempts": _attempts(learner),
            "classes": [
                {
                    "class": m.classroom.name,
                    "teacher": m.classroom.teacher.get_username(),
                    "your_name_in_it": m.display_name,
                    "joined_at": m.joined_at,
                }
                for m in learner.memberships.select_related("classroom__teacher")
            ],
        }
    return data


@require_GET
def export(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(collect(request), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="cvm-lab-my-data.json"'
    return response


class DeleteForm(forms.Form):
    """An account confirms with its password (a shared computer left logged in is not enough);
    a browser's anonymous progress with a tick."""

    confirm = forms.BooleanField(
        label="Yes, delete everything: progress, quiz answers, class memberships"
        " and the account if there is one.",
    )
    password = forms.CharField(widget=forms.PasswordInput, required=False, label="Your password")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None or not user.is_authenticated:
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


def erase(request: HttpRequest) -> None:
    """Delete the learner and the account. Class rosters keep an empty row ("removed learner")
    so a teacher sees that someone left rather than numbers that silently change."""
    learner = current_learner(request)
    with transaction.atomic(), tallies.recounted([learner.pk if learner else None]):
        if learner is not None:
            Membership.objects.filter(learner=learner).update(learner=None, display_name="")
            learner.delete()
        if request.user.is_authenticated:
            request.user.delete()
    logout(request)  # flushes the session, with the anonymous learner's id


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        erase(request)
        return redirect("lessons:outline")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/delete.html", {"form": form}, status=status)
