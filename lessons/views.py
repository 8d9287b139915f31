from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from lessons import grading, progress, quiz
from lessons.models import GlossaryTerm, Lesson, Question
from simulator import engine, links, messages, units


@require_GET
def outline(request: HttpRequest) -> HttpResponse:
    lessons = list(Lesson.objects.outline())
    read = progress.read_slugs(request)
    next_lesson = next((lesson for lesson in lessons if lesson.slug not in read), None)
    return render(
        request,
        "lessons/outline.html",
        {"lessons": lessons, "read": read, "next_lesson": next_lesson},
    )


# A lesson page is the same for every anonymous reader but for its CSP nonce: it is kept whole
# for a minute, with a placeholder where each response puts its own nonce.
PAGE_CACHE_SECONDS = 60
NONCE_PLACEHOLDER = "cvm-lab-nonce-placeholder"


@require_GET
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Anonymous readers get the page from the cache; a logged-in reader's page is rendered for
    them (its header names them), with the article as a fragment cached by course version."""
    if request.user.is_authenticated:
        context = lesson_context(slug)
        progress.mark_read(request, slug)
        return render(request, "lessons/lesson.html", context)
    page = cache.get(f"lesson-page:{slug}")
    if page is None:
        context = lesson_context(slug) | {"csp_nonce": NONCE_PLACEHOLDER}
        page = render_to_string("lessons/lesson.html", context, request)
        cache.set(f"lesson-page:{slug}", page, PAGE_CACHE_SECONDS)
    progress.mark_read(request, slug)
    return HttpResponse(page.replace(NONCE_PLACEHOLDER, str(get_nonce(request))))


def lesson_context(slug: str) -> dict:
    """What the lesson template needs; most of it loads only if the article must be rendered."""
    lesson = get_object_or_404(
        Lesson.objects.only("slug", "title", "summary", "course_version"), slug=slug
    )
    return {
        "lesson": lesson,
        "neighbours": SimpleLazyObject(lesson.neighbours),
        "simulator_url": SimpleLazyObject(lambda: simulator_link(lesson)),
    }


def simulator_link(lesson: Lesson) -> str:
    if not lesson.simulator_preset:
        return ""
    return links.preset_url(lesson.simulator_preset, lesson.simulator_compare)


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "lessons/glossary.html", {"terms": GlossaryTerm.objects.all()})


@require_GET
def quiz_page(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson, slug=slug)
    # The learner (and the session that finds them) exists before the first answer, so answers
    # sent at once from this page all reach the same learner.
    learner = progress.current_learner(request, create=True)
    return render(request, "lessons/quiz.html", quiz.page_context(lesson, learner))


@require_POST
def answer(request: HttpRequest, slug: str, question: str) -> HttpResponse:
    """Grade one answer. htmx gets the question back with its feedback; a plain form post is
    redirected to the quiz page, which shows the same feedback in place."""
    question = get_object_or_404(
        Question.objects.select_related("lesson"), lesson__slug=slug, slug=question, retired=False
    )
    number = request.POST.get("attempt", "")
    error, status, submission = "", 200, None
    if not (number.isascii() and number.isdigit()) or not 0 < int(number) < 100_000:
        error, status = "This form is missing its attempt number. Reload the page.", 400
    else:
        learner = progress.current_learner(request, create=True)
        try:
            submission = quiz.submit(learner, question, int(number), request.POST)
        except grading.AnswerError as problem:
            error, status = str(problem), 400
        except quiz.QuizClosed as problem:
            error, status = str(problem), 409
    if submission and not submission.saved:
        error, status = "You already answered this in this attempt: your first answer stands.", 409
    if not request.htmx and status == 200:
        return redirect(f"{reverse('lessons:quiz', args=[slug])}#q-{question.slug}")
    answer_shown = submission.answer if submission else None
    learner = progress.current_learner(request)
    if request.htmx:
        context = quiz.question_context(question, learner, answer_shown, error)
        return render(request, "lessons/quiz.html#question", context, status=status)
    context = quiz.page_context(question.lesson, learner)
    for item in context["questions"]:
        if item.question.pk == question.pk:
            item.error = error
    return render(request, "lessons/quiz.html", context, status=status)


@require_GET
def challenge_preview(request: HttpRequest, slug: str, question: str) -> HttpResponse:
    """What the stack chosen so far in a challenge costs, as the simulator works it out: shown
    beside the challenge while the learner builds, never a verdict (that comes on submit)."""
    question = get_object_or_404(
        Question, lesson__slug=slug, slug=question, kind=Question.Kind.CHALLENGE, retired=False
    )
    try:
        stack = grading.challenge_stack(request.GET)
    except grading.AnswerError as problem:
        return render(request, "lessons/preview.html", {"message": str(problem)}, status=400)
    spec = question.spec
    result = engine.simulate(
        stack, instances=spec["instances"], host_memory_mb=spec["host_memory_mb"]
    )
    context = {"result": result, "no_application": messages.NO_APPLICATION}
    if result.metrics is not None and result.complete:
        context |= {
            "startup": units.seconds(result.metrics.startup_ms),
            "memory": units.megabytes(result.metrics.memory_per_instance_mb),
        }
    return render(request, "lessons/preview.html", context)


@require_POST
def retry(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson, slug=slug)
    quiz.start_new_attempt(progress.current_learner(request, create=True), lesson)
    return redirect("lessons:quiz", slug=slug)


@require_GET
def progress_page(request: HttpRequest) -> HttpResponse:
    learner = progress.current_learner(request)
    lessons = list(Lesson.objects.outline())
    context = progress.overview(lessons, progress.read_slugs(request), learner)
    return render(request, "lessons/progress.html", context)
