from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from lessons import progress
from lessons.models import GlossaryTerm, Lesson
from simulator.workspace import preset_url


@require_GET
def outline(request: HttpRequest) -> HttpResponse:
    lessons = list(Lesson.objects.outline())
    read = progress.read_slugs(request.session)
    next_lesson = next((lesson for lesson in lessons if lesson.slug not in read), None)
    return render(
        request,
        "lessons/outline.html",
        {"lessons": lessons, "read": read, "next_lesson": next_lesson},
    )


@require_GET
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The article is a cached fragment keyed by the course version: a cache hit costs one small
    query, and the rest of the lesson loads only when the fragment must be rendered."""
    lesson = get_object_or_404(
        Lesson.objects.only("slug", "title", "summary", "course_version"), slug=slug
    )
    progress.mark_read(request.session, lesson.slug)
    return render(
        request,
        "lessons/lesson.html",
        {
            "lesson": lesson,
            "neighbours": SimpleLazyObject(lesson.neighbours),
            "simulator_url": SimpleLazyObject(lambda: simulator_link(lesson)),
        },
    )


def simulator_link(lesson: Lesson) -> str:
    if not lesson.simulator_preset:
        return ""
    return preset_url(lesson.simulator_preset, lesson.simulator_compare)


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "lessons/glossary.html", {"terms": GlossaryTerm.objects.all()})
