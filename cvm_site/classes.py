"""Classes from the learner's side: join with a link and a display name, see them, leave."""

import secrets
import unicodedata
from datetime import timedelta

from django import forms
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cvm_site.models import DISPLAY_NAME_MAX, Classroom, Membership
from lessons.progress import current_learner

# No 0/O, 1/I/L: a code read aloud or copied from a board is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(days=120)  # about a school term; the teacher can rotate it any time

UNKNOWN_CODE = (
    "No class has this join code. Check the link with your teacher: codes change when a teacher "
    "makes a new one."
)
EXPIRED_CODE = "This join link has expired. Ask your teacher for the class's new link."
ARCHIVED_CLASS = "This class is closed: its teacher archived it."
ALREADY_IN = "You are already in this class."


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def fresh_code_fields() -> dict:
    return {"code": new_code(), "code_expires_at": timezone.now() + CODE_LIFETIME}


def clean_display_name(value: str) -> str:
    """The name as a teacher will read it: normalised, no control characters, single spaces."""
    value = unicodedata.normalize("NFKC", value)
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    return " ".join(value.split())


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label="Your name in this class",
        max_length=DISPLAY_NAME_MAX,
        help_text=(
            f"What your teacher will see beside your progress: up to {DISPLAY_NAME_MAX} "
            "characters. A first name or a nickname is enough."
        ),
    )

    def clean_display_name(self) -> str:
        name = clean_display_name(self.cleaned_data["display_name"])
        if not name:
            raise forms.ValidationError("Write a name your teacher will recognise.")
        return name


def join_problem(classroom: Classroom | None) -> tuple[str, int] | None:
    """Why this code cannot be used to join, with the status that says so; None when it can."""
    if classroom is None:
        return UNKNOWN_CODE, 404
    if classroom.archived:
        return ARCHIVED_CLASS, 410
    if classroom.code_expires_at <= timezone.now():
        return EXPIRED_CODE, 410
    return None


def suggested_name(request: HttpRequest, learner) -> str:
    """The name the learner used last time, or their username: an account keeps it."""
    if learner is not None:
        last = learner.memberships.exclude(display_name="").order_by("-joined_at").first()
        if last is not None:
            return last.display_name
    return request.user.get_username() if request.user.is_authenticated else ""


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    classroom = Classroom.objects.select_related("teacher").filter(code=code.upper()).first()
    if problem := join_problem(classroom):
        message, status = problem
        return render(request, "teach/join.html", {"problem": message}, status=status)
    learner = current_learner(request)
    if learner is not None and learner.memberships.filter(classroom=classroom).exists():
        context = {"problem": ALREADY_IN, "classroom": classroom, "member": True}
        return render(request, "teach/join.html", context, status=409)
    form = JoinForm(
        request.POST or None, initial={"display_name": suggested_name(request, learner)}
    )
    if request.method == "POST" and form.is_valid():
        learner = current_learner(request, create=True)
        try:
            with transaction.atomic():
                Membership.objects.create(
                    classroom=classroom,
                    learner=learner,
                    display_name=form.cleaned_data["display_name"],
                )
        except IntegrityError:  # a second tab joined first
            context = {"problem": ALREADY_IN, "classroom": classroom, "member": True}
            return render(request, "teach/join.html", context, status=409)
        return redirect("lessons:progress")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "classroom": classroom}
    return render(request, "teach/join.html", context, status=status)


@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    learner = current_learner(request)
    if learner is None:
        raise Http404("You are not in this class.")
    membership = get_object_or_404(Membership, classroom_id=pk, learner=learner)
    membership.delete()
    return redirect("lessons:progress")


def learner_classes(request: HttpRequest) -> list[Membership]:
    """The classes this request's learner is in, for the progress page."""
    learner = current_learner(request)
    if learner is None:
        return []
    return list(learner.memberships.select_related("classroom__teacher"))
