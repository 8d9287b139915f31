"""Teachers' pages under /teach/: their classes, each class's join link, roster and dashboard.

Every class is looked up among the classes the logged-in teacher owns, so another teacher's class
is a 404, never a 403 that would confirm it exists."""

from functools import wraps

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cvm_site import dashboard
from cvm_site.classes import fresh_code_fields
from cvm_site.models import Classroom, Membership

TEACH_PERMISSION = "cvm_site.teach"


def teacher_required(view):
    """Anonymous visitors are sent to log in; accounts without the teach permission get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(TEACH_PERMISSION):
            raise PermissionDenied("Only teachers can open this page.")
        return view(request, *args, **kwargs)

    return wrapper


def own_class(request: HttpRequest, pk: int) -> Classroom:
    return get_object_or_404(Classroom.objects.taught_by(request.user), pk=pk)


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name"]
        labels = {"name": "Name of the class"}
        help_texts = {"name": "As your learners know it, e.g. “Year 12 computing, group B”."}


@require_http_methods(["GET", "POST"])
@teacher_required
def index(request: HttpRequest) -> HttpResponse:
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        classroom = Classroom.objects.create(
            teacher=request.user, name=form.cleaned_data["name"], **fresh_code_fields()
        )
        return redirect("teach:classroom", pk=classroom.pk)
    classes = Classroom.objects.taught_by(request.user)
    status = 400 if request.method == "POST" else 200
    return render(request, "teach/index.html", {"form": form, "classes": classes}, status=status)


@require_GET
@teacher_required
def classroom(request: HttpRequest, pk: int) -> HttpResponse:
    room = own_class(request, pk)
    join_url = request.build_absolute_uri(reverse("classes:join", args=[room.code]))
    context = {
        "classroom": room,
        "join_url": join_url,
        "code_expired": room.code_expires_at <= timezone.now(),
        **dashboard.build(room, request.GET.get("page")),
    }
    return render(request, "teach/classroom.html", context)


@require_POST
@teacher_required
def rotate_code(request: HttpRequest, pk: int) -> HttpResponse:
    """A new code and link; the old one stops working at once."""
    room = own_class(request, pk)
    for field, value in fresh_code_fields().items():
        setattr(room, field, value)
    room.save(update_fields=["code", "code_expires_at"])
    return redirect("teach:classroom", pk=room.pk)


@require_POST
@teacher_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Closes the class to new learners; its roster and results stay readable."""
    room = own_class(request, pk)
    if room.archived_at is None:
        room.archived_at = timezone.now()
        room.save(update_fields=["archived_at"])
    return redirect("teach:classroom", pk=room.pk)


@require_POST
@teacher_required
def remove(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    room = own_class(request, pk)
    get_object_or_404(Membership, classroom=room, pk=member).delete()
    return redirect("teach:classroom", pk=room.pk)


@require_GET
@teacher_required
def learners_csv(request: HttpRequest, pk: int) -> HttpResponse:
    room = own_class(request, pk)
    return dashboard.csv_response(room)
