"""Taking a quiz: attempts, answers and what the quiz page shows.

Each answer is saved once: the database refuses a second answer to the same question in the same
attempt, and a second attempt at the same number. Counters move in the same transaction.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html_join

from lessons import grading, pool
from lessons.forms import AnswerForm, answer_form
from lessons.models import Answer, Attempt, Learner, Lesson, Question
from simulator import engine
from simulator.links import preset_url


class QuizClosed(Exception):
    """The submission targets an attempt that is finished or out of date (409)."""


@dataclass(frozen=True)
class Submission:
    answer: Answer
    saved: bool  # False: this question already had an answer in this attempt, which stands

    @property
    def errors(self) -> list[str]:
        if self.saved:
            return []
        return ["You already answered this in this attempt: your first answer stands."]


def _open_attempt(learner: Learner, lesson: Lesson, number: int) -> Attempt:
    attempt = (
        Attempt.objects.select_for_update()
        .filter(learner=learner, lesson=lesson, number=number)
        .first()
    )
    if attempt is None:
        if number != 1 or Attempt.objects.filter(learner=learner, lesson=lesson).exists():
            raise QuizClosed("This quiz page is out of date. Reload it to see your latest attempt.")
        try:
            with transaction.atomic():
                attempt = _create_attempt(learner, lesson, 1, previous=None)
        except IntegrityError:  # a simultaneous first answer started it
            attempt = Attempt.objects.get(learner=learner, lesson=lesson, number=1)
    if attempt.finished_at is not None:
        raise QuizClosed(
            f"Attempt {attempt.number} is finished, so it cannot change. Start a new attempt "
            "to answer again."
        )
    return attempt


def _create_attempt(
    learner: Learner, lesson: Lesson, number: int, previous: Attempt | None
) -> Attempt:
    draw = pool.new_draw(lesson, number, previous)
    return Attempt.objects.create(
        learner=learner,
        lesson=lesson,
        number=number,
        question_count=len(draw["questions"]),
        draw=draw,
    )


def submit(learner: Learner, form: AnswerForm) -> Submission:
    """Grade and save the answer in a valid form. Raises QuizClosed (409), saving nothing."""
    question, response = form.question, form.response()
    number = form.cleaned_data["attempt"]
    result = grading.grade(question, form.choices, response)
    with transaction.atomic():
        attempt = _open_attempt(learner, question.lesson, number)
        if not pool.in_draw(attempt, question):
            raise QuizClosed(
                f"Attempt {attempt.number} does not ask this question. Reload the page to see "
                "the questions it asks."
            )
        try:
            with transaction.atomic():
                answer = Answer.objects.create(
                    attempt=attempt,
                    question=question,
                    response=response,
                    correct=result.correct,
                    mark=result.mark,
                    feedback=result.feedback,
                    misconceptions=[
                        found.label
                        for found in grading.misconceptions(
                            question, form.choices, response, result.correct
                        )
                    ],
                )
        except IntegrityError:
            return Submission(Answer.objects.get(attempt=attempt, question=question), saved=False)
        Attempt.objects.filter(pk=attempt.pk).update(
            answered=F("answered") + 1, score=F("score") + result.mark
        )
        Attempt.objects.filter(
            pk=attempt.pk, finished_at=None, answered__gte=F("question_count")
        ).update(finished_at=timezone.now())
    return Submission(answer, saved=True)


def start_new_attempt(learner: Learner, lesson: Lesson) -> Attempt:
    """The next attempt, once the latest is finished; a repeated request gets the same one."""
    with transaction.atomic():
        latest = (
            Attempt.objects.select_for_update()
            .filter(learner=learner, lesson=lesson)
            .order_by("-number")
            .first()
        )
        if latest is not None and latest.finished_at is None:
            return latest
        try:
            with transaction.atomic():
                number = (latest.number if latest else 0) + 1
                return _create_attempt(learner, lesson, number, previous=latest)
        except IntegrityError:
            return Attempt.objects.filter(learner=learner, lesson=lesson).latest("number")


@dataclass
class QuestionView:
    """A question as the page shows it: its answer form (choices in display order, never the
    answer key) or, once answered, the answer and its feedback."""

    question: Question
    form: AnswerForm
    answer: Answer | None
    # Keyboard focus goes to this question's feedback or error once htmx has swapped it in.
    focus: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.form.anchor

    @property
    def simulator_url(self) -> str:
        return preset_url(self.question.simulator_preset) if self.question.simulator_preset else ""

    @property
    def given_answer(self) -> str:
        """What the learner answered, in words."""
        response = self.answer.response
        shown = {choice.key: choice.shown for choice in self.form.choices}
        keys = response.get("choices") or ([response["choice"]] if "choice" in response else [])
        if keys:
            return format_html_join("; ", "{}", ((shown.get(k, k.capitalize()),) for k in keys))
        layers = response.get("order") or response.get("stack") or []
        return " → ".join(engine.LAYERS[slug].name for slug in layers if slug in engine.LAYERS)

    @property
    def revealed(self) -> list[grading.Misconception]:
        """The misconceptions this answer revealed, each with the feedback that answers it."""
        answer = self.answer
        return grading.misconceptions(
            self.question, self.form.choices, answer.response, answer.correct
        )


def question_view(
    question: Question,
    answer: Answer | None = None,
    *,
    attempt: int = 1,
    seed: int = 0,
    errors: list[str] | None = None,
    focus: bool = False,
) -> QuestionView:
    form = answer_form(question, list(question.choices.all()), attempt=attempt, seed=seed)
    return QuestionView(question, form, answer, focus=focus, errors=errors or [])


def _latest(learner: Learner | None, lesson: Lesson) -> Attempt | None:
    if learner is None:
        return None
    return learner.attempts.filter(lesson=lesson).order_by("-number").first()


def question_context(
    question: Question, learner: Learner | None, answer: Answer | None, errors: list[str]
) -> dict:
    """The page's `question` partial for one question just answered (or refused), to be swapped
    in by htmx: keyboard focus moves to its feedback or error."""
    latest = _latest(learner, question.lesson)
    number = latest.number if latest else 1
    seed = pool.seed_of_attempt(question.lesson, latest)
    item = question_view(question, answer, attempt=number, seed=seed, errors=errors, focus=True)
    return {"lesson": question.lesson, "item": item}


def page_context(lesson: Lesson, learner: Learner | None, errors: dict | None = None) -> dict:
    """The whole quiz page: the questions the latest attempt drew (or a first attempt would);
    `errors` maps a question's id to the errors to show beside it."""
    latest = _latest(learner, lesson)
    number = latest.number if latest else 1
    answers = {a.question_id: a for a in latest.answers.all()} if latest else {}
    errors = errors or {}
    drawn, seed = pool.drawn_questions(lesson, latest)
    questions = [
        question_view(q, answers.get(q.pk), attempt=number, seed=seed, errors=errors.get(q.pk))
        for q in drawn
    ]
    best = None
    if latest and latest.number > 1:
        best = learner.attempts.filter(lesson=lesson).best_first().first()
    return {"lesson": lesson, "questions": questions, "attempt": latest, "best": best}
