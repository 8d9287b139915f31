"""Taking a quiz: attempts, answers and what the quiz page shows.

Each answer is saved once: the database refuses a second answer to the same question in the same
attempt, and a second attempt at the same number. Counters move in the same transaction.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lessons import grading
from lessons.models import Answer, Attempt, Choice, Learner, Lesson, Question
from simulator import engine
from simulator.links import preset_url, simulator_url


class QuizClosed(Exception):
    """The submission targets an attempt that is finished or out of date (409)."""


@dataclass(frozen=True)
class Submission:
    answer: Answer
    saved: bool  # False: this question already had an answer in this attempt, which stands


def active_questions(lesson: Lesson):
    return lesson.questions.filter(retired=False).prefetch_related("choices")


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
                attempt = Attempt.objects.create(
                    learner=learner,
                    lesson=lesson,
                    number=1,
                    question_count=active_questions(lesson).count(),
                )
        except IntegrityError:  # a simultaneous first answer started it
            attempt = Attempt.objects.get(learner=learner, lesson=lesson, number=1)
    if attempt.finished_at is not None:
        raise QuizClosed(
            f"Attempt {attempt.number} is finished, so it cannot change. Start a new attempt "
            "to answer again."
        )
    return attempt


def submit(learner: Learner, question: Question, number: int, data) -> Submission:
    """Grade and save one answer. Raises AnswerError (400) or QuizClosed (409), saving nothing."""
    choices = list(question.choices.all())
    response = grading.read_response(question, choices, data)
    result = grading.grade(question, choices, response)
    with transaction.atomic():
        attempt = _open_attempt(learner, question.lesson, number)
        try:
            with transaction.atomic():
                answer = Answer.objects.create(
                    attempt=attempt,
                    question=question,
                    response=response,
                    correct=result.correct,
                    mark=result.mark,
                    feedback=result.feedback,
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
                return Attempt.objects.create(
                    learner=learner,
                    lesson=lesson,
                    number=(latest.number if latest else 0) + 1,
                    question_count=active_questions(lesson).count(),
                )
        except IntegrityError:
            return Attempt.objects.filter(learner=learner, lesson=lesson).latest("number")


@dataclass
class QuestionView:
    """A question as the page shows it: choices in display order, never the answer key."""

    question: Question
    choices: list[Choice]
    answer: Answer | None
    items: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""

    @property
    def anchor(self) -> str:
        return f"q-{self.question.slug}"

    @property
    def simulator_url(self) -> str:
        return preset_url(self.question.simulator_preset) if self.question.simulator_preset else ""

    @property
    def challenge_url(self) -> str:
        """The simulator set to this challenge's host and instance count, to experiment in."""
        spec = self.question.spec
        return simulator_url(instances=spec["instances"], host_memory_mb=spec["host_memory_mb"])

    @property
    def given_answer(self) -> str:
        """What the learner answered, in words."""
        response = self.answer.response
        texts = {choice.key: choice.text for choice in self.choices}
        if "choices" in response:
            return "; ".join(texts.get(key, key) for key in response["choices"])
        if "choice" in response:
            return texts.get(response["choice"], response["choice"].capitalize())
        layers = response.get("order") or response.get("stack") or []
        return " → ".join(engine.LAYERS[slug].name for slug in layers if slug in engine.LAYERS)


def _shuffled(slug: str, items: list[str]) -> list[str]:
    """A stable order that is not the answer: the same for every learner and every request."""
    order = sorted(items, key=lambda item: hashlib.sha256(f"{slug}:{item}".encode()).digest())
    return order if order != items else order[1:] + order[:1]


def question_view(question: Question, answer: Answer | None, error: str = "") -> QuestionView:
    items = []
    if question.kind == Question.Kind.ORDERING:
        items = [
            (s, engine.LAYERS[s].name) for s in _shuffled(question.slug, question.spec["items"])
        ]
    return QuestionView(question, list(question.choices.all()), answer, items, error)


FORM_CONTEXT = {
    "layers": list(engine.LAYERS.values()),
    "challenge_slots": range(1, engine.CHALLENGE_SLOTS + 1),
}


def question_context(question: Question, learner: Learner | None, answer, error: str) -> dict:
    """What the page's `question` partial needs for one question, answered or not."""
    latest = (
        learner.attempts.filter(lesson=question.lesson).order_by("-number").first()
        if learner
        else None
    )
    return {
        "lesson": question.lesson,
        "item": question_view(question, answer, error),
        "attempt_number": latest.number if latest else 1,
        **FORM_CONTEXT,
    }


def page_context(lesson: Lesson, learner: Learner | None) -> dict:
    attempts = list(learner.attempts.filter(lesson=lesson).order_by("number")) if learner else []
    latest = attempts[-1] if attempts else None
    answers = {a.question_id: a for a in latest.answers.all()} if latest else {}
    questions = [question_view(q, answers.get(q.pk)) for q in active_questions(lesson)]
    best = max(attempts, key=lambda a: (a.score, -a.number)) if attempts else None
    return {
        "lesson": lesson,
        "questions": questions,
        "attempt": latest,
        "attempt_number": latest.number if latest else 1,
        "best": best,
        "attempt_count": len(attempts),
        **FORM_CONTEXT,
    }
