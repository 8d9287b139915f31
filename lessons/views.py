from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
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
    lesson = get_object_or_404(Lesson, slug=slug)
    outline = list(Lesson.objects.outline())
    position = next(i for i, item in enumerate(outline) if item.pk == lesson.pk)
    progress.mark_read(request.session, lesson.slug)
    return render(
        request,
        "lessons/lesson.html",
        {
            "lesson": lesson,
            "position": position + 1,
            "total": len(outline),
            "previous": outline[position - 1] if position > 0 else None,
            "next": outline[position + 1] if position + 1 < len(outline) else None,
            "simulator_url": preset_url(lesson.simulator_preset, lesson.simulator_compare)
            if lesson.simulator_preset
            else "",
        },
    )


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "lessons/glossary.html", {"terms": GlossaryTerm.objects.all()})
