"""The cast: Alice teaches (class "Alice's group"), Trudy teaches too (and must never see
Alice's class), Bob is a learner with an account and no teaching permission."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils.timezone import now

from cvm_site.classes import fresh_code_fields
from cvm_site.models import Classroom, Membership
from lessons.models import Answer, Attempt, Learner, Question

PASSWORD = "a-long-pass-phrase-42"


def make_teacher(username: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    call_command("createteacher", username, "--no-input", stdout=io.StringIO())
    return User.objects.get(pk=user.pk)


@pytest.fixture
def alice(db):
    return make_teacher("alice")


@pytest.fixture
def trudy(db):
    return make_teacher("trudy")


@pytest.fixture
def bob(db):
    return User.objects.create_user("bob", password=PASSWORD)


@pytest.fixture
def room(alice):
    return Classroom.objects.create(teacher=alice, name="Alice's group", **fresh_code_fields())


def member(room: Classroom, name: str, user: User | None = None) -> Membership:
    learner = Learner.objects.create(user=user)
    return Membership.objects.create(classroom=room, learner=learner, display_name=name)


def single_choice_questions(count: int = 2) -> list[Question]:
    return list(
        Question.objects.filter(kind=Question.Kind.SINGLE, retired=False)
        .prefetch_related("choices")
        .order_by("lesson__order", "order")[:count]
    )


def answer(learner: Learner, question: Question, correct: bool, number: int = 1) -> Answer:
    """Save an answer as the quiz would: the right choice, or the first wrong one."""
    choice = next(c for c in question.choices.all() if c.correct == correct)
    attempt, _ = Attempt.objects.get_or_create(
        learner=learner,
        lesson=question.lesson,
        number=number,
        # Finished at once: a learner has one open attempt per quiz, and these build history.
        defaults={"question_count": question.lesson.questions.count(), "finished_at": now()},
    )
    attempt.answered += 1
    attempt.score += int(correct)
    attempt.save()
    return Answer.objects.create(
        attempt=attempt,
        question=question,
        response={"choice": choice.key},
        correct=correct,
        mark=int(correct),
    )


@pytest.fixture(autouse=True)
def fresh_cache():
    """The dashboard caches class figures by class id, which test databases reuse."""
    from django.core.cache import cache

    cache.clear()
