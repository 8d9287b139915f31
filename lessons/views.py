from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from lessons import pages, progress, quiz
from lessons.forms import ChallengeForm, answer_form
from lessons.models import GlossaryTerm, Lesson, Question
from simulator import engine, messages, units


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


@require_GET
def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = pages.lesson_page(request, slug)
    progress.record_read(request, page.lesson_id)
    return HttpResponse(pages.fill(page, request))


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "lessons/glossary.html", {"terms": GlossaryTerm.objects.all()})


@require_GET
def quiz_page(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson, slug=slug)
    # No learner (and no session) for a page view: the first answer makes them.
    learner = progress.current_learner(request)
    return render(request, "lessons/quiz.html", quiz.page_context(lesson, learner))


@require_POST
def answer(request: HttpRequest, slug: str, question: str) -> HttpResponse:
    """Grade one answer. htmx gets the question back with its feedback; a plain form post is
    redirected to the quiz page, which shows the same feedback in place."""
    question = get_object_or_404(
        Question.objects.select_related("lesson"), lesson__slug=slug, slug=question, retired=False
    )
    form = answer_form(question, question.choices.all(), request.POST)
    if not form.is_valid():
        return _answered(request, question, None, form.messages(), status=400)
    learner = progress.current_learner(request, create=True)
    try:
        submission = quiz.submit(learner, form)
    except quiz.QuizClosed as problem:
        return _answered(request, question, None, [str(problem)], status=409)
    if not submission.saved:
        return _answered(request, question, submission.answer, submission.errors, status=409)
    if not request.htmx:
        return redirect(f"{reverse('lessons:quiz', args=[slug])}#q-{question.slug}")
    return _answered(request, question, submission.answer, [], status=200)


def _answered(request, question: Question, answer, errors: list[str], status: int):
    """The question with its feedback or errors: alone for htmx, else in the whole quiz page."""
    learner = progress.current_learner(request)
    if request.htmx:
        context = quiz.question_context(question, learner, answer, errors)
        return render(request, "lessons/quiz.html#question", context, status=status)
    context = quiz.page_context(question.lesson, learner, errors={question.pk: errors})
    return render(request, "lessons/quiz.html", context, status=status)


@require_GET
def challenge_preview(request: HttpRequest, slug: str, question: str) -> HttpResponse:
    """What the stack chosen so far in a challenge costs, as the simulator works it out: shown
    beside the challenge while the learner builds, never a verdict (that comes on submit)."""
    question = get_object_or_404(
        Question, lesson__slug=slug, slug=question, kind=Question.Kind.CHALLENGE, retired=False
    )
    form = ChallengeForm.preview(question, request.GET)
    if not form.is_valid():
        return render(request, "lessons/preview.html", {"message": form.messages()[0]}, status=400)
    spec = question.spec
    result = engine.simulate(
        form.stack(), instances=spec["instances"], host_memory_mb=spec["host_memory_mb"]
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
    context = progress.overview(lessons, learner)
    return render(request, "lessons/progress.html", context)
