"""A class's answers counted per question and outcome as they are saved (QuestionTally), so the
dashboard's per-question figures cost a few hundred small rows, not one row per answer ever given.

The counts are derived data, kept exact by every path that changes what a class has answered:

- an answer saved (the quiz, or anything else that creates one): `answer_saved`;
- a learner joins a class, leaves it, or is removed by the teacher: `membership_saved` and
  `membership_deleted` add or take away that learner's whole history;
- a learner deleted by any path (their own data deletion, `purge`, the admin deleting the user):
  `learner_deleted` takes their history out of their classes;
- code that moves memberships or attempts between learners, or detaches a membership from its
  learner, with a queryset update (merging anonymous progress into an account, deleting one's
  data, `purge`) runs inside `recounted(learners)`: their counts go out before and come back, as
  the rows then stand, after.

`from_answers` recounts a class from scratch: the tests compare it with the kept counts after
random sequences of all of these (tests/teach/test_tallies.py). Answers are never edited (the admin
shows them read-only), and questions that have answers are retired, never deleted. Should counts
still be found out of step (a count missing or going below zero), the change that found it goes
through and the class is recounted from its answers when the transaction commits.
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, QuerySet

from cvm_site.models import Classroom, Membership, QuestionTally
from lessons.models import Answer

logger = logging.getLogger(__name__)
ANSWERED = "answered"
CORRECT = "correct"
WRONG = "wrong:"

# Learners whose counts `recounted` has taken out: the signals leave them alone meanwhile.
_recounting: ContextVar[frozenset[int]] = ContextVar("recounting", default=frozenset())


class TalliesOutOfStep(RuntimeError):
    """A count would go below zero or is missing: a path changed answers without telling us."""


def outcomes(correct: bool, response: dict) -> list[str]:
    """What one answer adds to its question's counts: always "answered"; then "correct", or one
    "wrong:<key>" per wrong choice picked ("wrong:" alone for kinds without choices)."""
    if correct:
        return [ANSWERED, CORRECT]
    keys = response.get("choices") or [response.get("choice") or ""]
    return [ANSWERED, *(WRONG + key for key in keys)]


def _history(learner_ids: Iterable[int]) -> Iterator[tuple[int, int, str, int]]:
    """(learner id, question id, outcome, times) over everything these learners answered."""
    rows = (
        Answer.objects.filter(attempt__learner_id__in=learner_ids)
        .order_by()
        .values_list("attempt__learner_id", "question_id", "correct", "response")
        .annotate(times=Count("pk"))
    )
    for learner_id, question_id, correct, response, times in rows:
        for outcome in outcomes(correct, response):
            yield learner_id, question_id, outcome, times


def _deltas(learner_ids: Iterable[int], sign: int, classroom_id: int | None = None) -> Counter:
    """The counts these learners add to their classes (or to one class), times `sign`."""
    members = Membership.objects.filter(learner_id__in=learner_ids)
    if classroom_id is not None:
        members = members.filter(classroom_id=classroom_id)
    classes: dict[int, list[int]] = defaultdict(list)
    for learner_id, room in members.values_list("learner_id", "classroom_id"):
        classes[learner_id].append(room)
    deltas: Counter = Counter()
    if classes:
        for learner_id, question_id, outcome, times in _history(list(classes)):
            for room in classes[learner_id]:
                deltas[room, question_id, outcome] += sign * times
    return deltas


def _apply(deltas: Counter) -> None:
    """Add `deltas` to the stored counts. Rows are made first (a conflict means another request
    made it), then locked in one order, so concurrent updates neither lose counts nor deadlock;
    the new counts go back in one statement."""
    deltas = Counter({key: value for key, value in deltas.items() if value})
    if not deltas:
        return
    keys = sorted(deltas)
    with transaction.atomic():
        QuestionTally.objects.bulk_create(
            [
                QuestionTally(classroom_id=room, question_id=question, outcome=outcome)
                for room, question, outcome in keys
                if deltas[room, question, outcome] > 0
            ],
            ignore_conflicts=True,
        )
        rooms, questions = {key[0] for key in keys}, {key[1] for key in keys}
        rows = (
            QuestionTally.objects.select_for_update()
            .filter(classroom_id__in=rooms, question_id__in=questions)
            .order_by("pk")
            .values_list("classroom_id", "question_id", "outcome", "times")
        )
        counts = {
            (room, question, outcome): times + deltas[room, question, outcome]
            for room, question, outcome, times in rows
            if (room, question, outcome) in deltas
        }
        if len(counts) != len(deltas) or min(counts.values()) < 0:
            raise TalliesOutOfStep(f"class tallies do not match the answers for {keys[:5]}")
        QuestionTally.objects.bulk_create(
            [
                QuestionTally(classroom_id=room, question_id=question, outcome=outcome, times=n)
                for (room, question, outcome), n in sorted(counts.items())
            ],
            update_conflicts=True,
            unique_fields=["classroom", "question", "outcome"],
            update_fields=["times"],
        )
        if 0 in counts.values():
            QuestionTally.objects.filter(
                classroom_id__in=rooms, question_id__in=questions, times=0
            ).delete()


def _keep(deltas: Counter) -> None:
    """Apply `deltas`; counts found out of step (something changed answers without telling us)
    are logged and their classes recounted once this transaction commits: the learner's answer
    or the teacher's change goes through, and the figures come right."""
    try:
        _apply(deltas)  # its own savepoint: a refusal rolls back only the counts
    except TalliesOutOfStep:
        logger.exception("class tallies out of step: recounting after commit")
        rooms = sorted({room for room, _, _ in deltas})
        transaction.on_commit(lambda: rebuild(rooms))


@contextmanager
def recounted(learner_ids: Iterable[int | None]):
    """Take these learners' counts out of their classes, run the block, put back what the rows
    then say: for changes made with queryset updates, which send no signals."""
    ids = frozenset(pk for pk in learner_ids if pk is not None)
    with transaction.atomic():
        _keep(_deltas(ids, -1))
        token = _recounting.set(_recounting.get() | ids)
        try:
            yield
        finally:
            _recounting.reset(token)
        _keep(_deltas(ids, +1))


def _tracked(learner_id: int | None) -> bool:
    return learner_id is not None and learner_id not in _recounting.get()


def answer_saved(sender, instance: Answer, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of Answer: a new answer counts in each class its learner is in."""
    learner_id = instance.attempt.learner_id
    if not created or raw or not _tracked(learner_id):
        return
    rooms = Membership.objects.filter(learner_id=learner_id).values_list("classroom_id", flat=True)
    _keep(
        Counter(
            (room, instance.question_id, outcome)
            for room in rooms
            for outcome in outcomes(instance.correct, instance.response)
        )
    )


def membership_saved(sender, instance: Membership, created: bool, raw=False, **kwargs) -> None:
    """post_save of Membership: a learner who joins brings their whole history into the class."""
    if created and not raw and _tracked(instance.learner_id):
        _keep(_deltas([instance.learner_id], +1, instance.classroom_id))


def membership_deleted(sender, instance: Membership, origin=None, **kwargs) -> None:
    """pre_delete of Membership: a learner who leaves (or is removed) takes theirs away."""
    if _tracked(instance.learner_id) and not _class_goes_too(instance, origin):
        _keep(_deltas([instance.learner_id], -1, instance.classroom_id))


def _class_goes_too(membership: Membership, origin) -> bool:
    """Whether the deletion that takes this membership takes its class too (the class deleted,
    or its teacher's account): the class's counts go with it, so nothing needs taking out, which
    for a class of hundreds would take seconds."""
    rooms = Classroom.objects.filter(pk=membership.classroom_id)
    user_model = get_user_model()
    if isinstance(origin, Classroom):
        return origin.pk == membership.classroom_id
    if isinstance(origin, user_model):
        return rooms.filter(teacher_id=origin.pk).exists()
    if isinstance(origin, QuerySet) and origin.model is Classroom:
        return rooms.filter(pk__in=origin.values("pk")).exists()
    if isinstance(origin, QuerySet) and origin.model is user_model:
        return rooms.filter(teacher__in=origin.values("pk")).exists()
    return False


def learner_deleted(sender, instance, **kwargs) -> None:
    """pre_delete of Learner (before deletion detaches their memberships): out of every class."""
    if _tracked(instance.pk):
        _keep(_deltas([instance.pk], -1))


def class_counts(classroom_id: int) -> dict[tuple[int, str], int]:
    """(question id, outcome) → times, as kept."""
    rows = QuestionTally.objects.filter(classroom_id=classroom_id, times__gt=0)
    return {
        (question_id, outcome): times
        for question_id, outcome, times in rows.values_list("question_id", "outcome", "times")
    }


def from_answers(classroom_id: int) -> dict[tuple[int, str], int]:
    """(question id, outcome) → times, recounted from every answer of the class's learners."""
    learners = Membership.objects.filter(classroom_id=classroom_id).exclude(learner=None)
    counts: Counter = Counter()
    for _, question_id, outcome, times in _history(learners.values("learner_id")):
        counts[question_id, outcome] += times
    return dict(counts)


def rebuild(classroom_ids: Iterable[int]) -> None:
    """Recount these classes from their answers (rows inserted in bulk send no signal)."""
    with transaction.atomic():
        for room in classroom_ids:
            QuestionTally.objects.filter(classroom_id=room).delete()
            QuestionTally.objects.bulk_create(
                QuestionTally(classroom_id=room, question_id=q, outcome=outcome, times=times)
                for (q, outcome), times in from_answers(room).items()
            )
