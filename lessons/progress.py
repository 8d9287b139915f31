"""A learner's progress: read lessons and quiz attempts, with no login needed.

An anonymous learner is found through the session; a learner who logs in gets one Learner row
for their account, and whatever they did before logging in is merged into it.
"""

from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest

from lessons import charts
from lessons.models import Attempt, Learner

READ_LESSONS = "read_lessons"
LEARNER_ID = "learner_id"


def read_slugs(request: HttpRequest) -> frozenset[str]:
    read = set(request.session.get(READ_LESSONS, ()))
    learner = current_learner(request)
    if learner is not None:
        read.update(learner.read_lessons)
    return frozenset(read)


def mark_read(request: HttpRequest, slug: str) -> None:
    read = request.session.get(READ_LESSONS, [])
    if slug not in read:
        # Assign a new list: the session saves only when a key is set.
        request.session[READ_LESSONS] = [*read, slug]
        if request.user.is_authenticated:
            learner = current_learner(request, create=True)
            if slug not in learner.read_lessons:
                learner.read_lessons = [*learner.read_lessons, slug]
                learner.save(update_fields=["read_lessons"])


def current_learner(request: HttpRequest, create: bool = False) -> Learner | None:
    """The learner behind this request; made on first need when `create` is set."""
    if request.user.is_authenticated:
        if create:
            return _account_learner(request.user)
        return Learner.objects.filter(user=request.user).first()
    learner_id = request.session.get(LEARNER_ID)
    learner = Learner.objects.filter(pk=learner_id, user=None).first() if learner_id else None
    if learner is None and create:
        learner = Learner.objects.create()
        request.session[LEARNER_ID] = learner.pk
    return learner


def _account_learner(user) -> Learner:
    try:
        with transaction.atomic():
            return Learner.objects.get_or_create(user=user)[0]
    except IntegrityError:  # another request made it first
        return Learner.objects.get(user=user)


def merge_into_account(request: HttpRequest, user) -> None:
    """At login: move the anonymous learner's attempts and reading into the account's learner.

    Attempts keep their answers and scores; they are renumbered after the account's own. Where
    both have an unfinished attempt at the same quiz, the anonymous one is closed as it stands.
    """
    learner_id = request.session.get(LEARNER_ID)
    account = _account_learner(user)
    read = [*account.read_lessons]
    read += [slug for slug in request.session.get(READ_LESSONS, []) if slug not in read]
    with transaction.atomic():
        anonymous = Learner.objects.filter(pk=learner_id, user=None).first() if learner_id else None
        if anonymous is not None:
            read += [slug for slug in anonymous.read_lessons if slug not in read]
            for attempt in anonymous.attempts.order_by("lesson_id", "number"):
                theirs = account.attempts.filter(lesson_id=attempt.lesson_id)
                last = theirs.aggregate(last=Max("number"))["last"] or 0
                if attempt.finished_at is None and theirs.filter(finished_at=None).exists():
                    attempt.finished_at = attempt.started_at
                attempt.learner = account
                attempt.number = last + 1
                attempt.save(update_fields=["learner", "number", "finished_at"])
            anonymous.delete()
        account.read_lessons = read
        account.save(update_fields=["read_lessons"])
    request.session.pop(LEARNER_ID, None)
    request.session[READ_LESSONS] = read


def best_scores(learner: Learner | None) -> dict[int, Attempt]:
    """lesson id → the learner's best attempt (highest score, then earliest)."""
    if learner is None:
        return {}
    best: dict[int, Attempt] = {}
    for attempt in learner.attempts.order_by("-score", "number"):
        best.setdefault(attempt.lesson_id, attempt)
    return best


def overview(lessons: list, read: frozenset[str], learner: Learner | None) -> dict:
    """Each lesson's read state and best quiz score, a chart of the scores, and what to do next."""
    best = best_scores(learner)
    counts = Counter(learner.attempts.values_list("lesson_id", flat=True)) if learner else {}
    rows = [
        {
            "lesson": lesson,
            "read": lesson.slug in read,
            "best": best.get(lesson.pk),
            "attempts": counts.get(lesson.pk, 0),
        }
        for lesson in lessons
    ]
    return {
        "rows": rows,
        "chart": charts.scores_chart(rows),
        "next_step": next_step(rows),
        "learner": learner,
    }


def next_step(rows: list[dict]) -> dict | None:
    """The first unread lesson; else the first quiz not taken; else the weakest quiz below full."""
    for row in rows:
        if not row["read"]:
            return {"kind": "read", "lesson": row["lesson"]}
    for row in rows:
        if row["best"] is None:
            return {"kind": "quiz", "lesson": row["lesson"]}
    weakest = min(
        rows, key=lambda r: r["best"].score / max(1, r["best"].question_count), default=None
    )
    if weakest and weakest["best"].score < weakest["best"].question_count:
        return {"kind": "retry", "lesson": weakest["lesson"]}
    return None
