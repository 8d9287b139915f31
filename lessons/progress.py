"""A learner's progress: lessons read and quiz attempts, with no login needed.

Everything is kept on the Learner row (its `readings` and `attempts`). The session holds nothing
but that row's id, for an anonymous learner; a learner with an account is found through it.
Whoever logs in is asked whether to add what this browser did before (cvm_site/merge.py).

Rows are made only where a caller asks for them (`create=True`): reading a lesson can be
recorded on a learner who already exists without making one for a bare page view.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cvm_site import tallies
from lessons import charts
from lessons.models import Learner, Lesson, Reading

LEARNER_ID = "learner_id"
# Whether opening a lesson makes a learner for a visitor who has none yet. It does not: a learner
# (and the session that finds it) is made by the first answer, never by a page view.
READING_MAKES_A_LEARNER = False
# How long a new learner can be found by its browser key: long enough for answers sent at once.
BROWSER_KEY_SECONDS = 30
READ_MEMO_SECONDS = 60 * 60


def current_learner(request: HttpRequest, create: bool = False) -> Learner | None:
    """The learner behind this request; made on first need when `create` is set."""
    if request.user.is_authenticated:
        if create:
            return _account_learner(request.user)
        return Learner.objects.filter(user=request.user).first()
    learner_id = request.session.get(LEARNER_ID)
    learner = Learner.objects.filter(pk=learner_id, user=None).first() if learner_id else None
    if learner is None and create:
        learner = _new_learner(request)
        request.session[LEARNER_ID] = learner.pk
    return learner


def _new_learner(request: HttpRequest) -> Learner:
    """The learner this browser's first answer makes, or the one another answer sent at the same
    moment made: both carry the browser's CSRF cookie, whose keyed hash is unique in the table."""
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not csrf:
        return Learner.objects.create()
    key = salted_hmac("lessons.learner.browser", csrf, algorithm="sha256").hexdigest()
    since = timezone.now() - timedelta(seconds=BROWSER_KEY_SECONDS)
    # A key from an earlier visit (a learner whose session has gone) is not this one.
    Learner.objects.filter(browser_key=key, created_at__lt=since).update(browser_key=None)
    try:
        with transaction.atomic():
            return Learner.objects.get_or_create(browser_key=key, user=None)[0]
    except IntegrityError:  # made by the other answer a moment ago
        return Learner.objects.get(browser_key=key)


def reader(request: HttpRequest) -> dict | None:
    """A filter that finds this request's learner's rows (Reading, Attempt) without fetching
    the learner first, or None when the request has no learner to look for."""
    if request.user.is_authenticated:
        return {"learner__user_id": request.user.pk}
    value = request.session.get(LEARNER_ID)
    return {"learner_id": value} if isinstance(value, int) else None


def _account_learner(user) -> Learner:
    try:
        with transaction.atomic():
            return Learner.objects.get_or_create(user=user)[0]
    except IntegrityError:  # another request made it first
        return Learner.objects.get(user=user)


def read_slugs(request: HttpRequest) -> frozenset[str]:
    learner = current_learner(request)
    return learner.read_slugs() if learner else frozenset()


def record_read(request: HttpRequest, lesson_id: int) -> None:
    """Record, once, that this request's learner opened a lesson.

    A Reading, once made, never changes, so the cache remembers that it exists: a returning
    reader costs no query here (a lesson page is otherwise served without touching the database
    but for the session). The rows stay the only record; the cache only saves asking again.
    """
    found = reader(request)
    if found is not None:
        memo = "read:" + ",".join(f"{key}={value}" for key, value in found.items())
        memo += f":{lesson_id}"
        if cache.get(memo):
            return
        if Reading.objects.filter(lesson_id=lesson_id, **found).exists():
            cache.set(memo, True, READ_MEMO_SECONDS)
            return
    # An account's one learner row may be made by reading; a visitor's only by an answer.
    make = READING_MAKES_A_LEARNER or request.user.is_authenticated
    learner = current_learner(request, create=make)
    if learner is not None:
        Reading.objects.bulk_create(
            [Reading(learner=learner, lesson_id=lesson_id)], ignore_conflicts=True
        )


def merge_learner(anonymous: Learner, user) -> None:
    """Move an anonymous learner's readings, attempts and class memberships into the account's
    learner (asked first: see cvm_site/merge.py), then delete the anonymous row. A class's
    counts follow (cvm_site/tallies.py).

    Attempts keep their answers and scores; they are renumbered after the account's own. Where
    both have an unfinished attempt at the same quiz, the anonymous one is closed as it stands.
    Afterwards each quiz's unfinished attempt, if any, is its latest, so the quiz page shows it
    and "Try again" always starts a new one.
    """
    account = _account_learner(user)
    with tallies.recounted([anonymous.pk, account.pk]):
        Reading.objects.bulk_create(
            [
                Reading(learner=account, lesson_id=lesson_id)
                for lesson_id in anonymous.readings.values_list("lesson_id", flat=True)
            ],
            ignore_conflicts=True,
        )
        for attempt in anonymous.attempts.order_by("lesson_id", "number"):
            theirs = account.attempts.filter(lesson_id=attempt.lesson_id)
            last = theirs.aggregate(last=Max("number"))["last"] or 0
            if attempt.finished_at is None and theirs.filter(finished_at=None).exists():
                attempt.finished_at = attempt.started_at
            attempt.learner = account
            attempt.number = last + 1
            attempt.save(update_fields=["learner", "number", "finished_at"])
        _open_attempts_last(account)
        joined = set(account.memberships.values_list("classroom_id", flat=True))
        anonymous.memberships.exclude(classroom_id__in=joined).update(learner=account)
        # A class both were in keeps the account's row: the browser's attempts now count there
        # through it, and nobody left the class.
        anonymous.memberships.filter(classroom_id__in=joined).delete()
        anonymous.delete()


def _open_attempts_last(learner: Learner) -> None:
    """An unfinished attempt numbered below a finished one would hide from the quiz page (which
    shows the latest) and block "Try again" (one unfinished attempt per quiz): move it on top."""
    for attempt in learner.attempts.filter(finished_at=None):
        last = learner.attempts.filter(lesson_id=attempt.lesson_id).aggregate(last=Max("number"))
        if attempt.number < last["last"]:
            attempt.number = last["last"] + 1
            attempt.save(update_fields=["number"])


def forget_learner(anonymous: Learner) -> None:
    """Delete an anonymous learner the account holder chose not to add; class rosters keep a
    "removed learner" row."""
    with tallies.recounted([anonymous.pk]):
        anonymous.memberships.update(learner=None, display_name="")
        anonymous.delete()


def overview(lessons: list[Lesson], learner: Learner | None) -> dict:
    """Each lesson's read state and best quiz score, a chart of the scores, and what to do next."""
    read = learner.read_slugs() if learner else frozenset()
    best = learner.attempts.best_by_lesson() if learner else {}
    counts = learner.attempts.counts_by_lesson() if learner else {}
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
    """The first unread lesson; else the first quiz not taken; else the weakest quiz below full.
    In words: what comes before the link, the link and its text, and what comes after."""

    def step(lead: str, lesson: Lesson, page: str, tail: str) -> dict:
        url = reverse(f"lessons:{page}", args=[lesson.slug])
        return {"lead": lead, "url": url, "title": lesson.title, "tail": tail}

    for row in rows:
        if not row["read"]:
            return step("Read ", row["lesson"], "lesson", ".")
    for row in rows:
        if row["best"] is None:
            return step("Take the quiz on ", row["lesson"], "quiz", ".")
    weakest = min(rows, key=lambda r: r["best"].percent, default=None)
    if weakest and weakest["best"].score < weakest["best"].question_count:
        return step(
            "Your lowest score is on ",
            weakest["lesson"],
            "quiz",
            ": reread the lesson and try its quiz again.",
        )
    return None
