"""A class's per-question counts are kept as answers are saved (cvm_site/tallies.py), and stay
exactly what a recount from the answers gives through every path that changes what a class has
answered: answering, joining, leaving, a teacher removing a learner, deleting one's data, merging
a browser's progress into an account, `purge`, the admin deleting a user, `loadcontent`."""

import io
import itertools
import shutil
import threading
from collections import Counter
from datetime import timedelta

import pytest
import yaml
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvm_site import mydata, tallies
from cvm_site.classes import fresh_code_fields
from cvm_site.models import Classroom, Membership, QuestionTally
from lessons import content, progress
from lessons.models import Answer, Attempt, Learner, Question, Reading
from tests.teach.conftest import PASSWORD, answer, member, single_choice_questions


def assert_counts_match(*rooms: Classroom) -> None:
    for room in rooms:
        assert tallies.class_counts(room.pk) == tallies.from_answers(room.pk), room.name


def test_each_answer_counts_once_in_each_class_its_learner_is_in(alice, room):
    other = Classroom.objects.create(teacher=alice, name="Other", **fresh_code_fields())
    question = single_choice_questions(1)[0]
    ann = member(room, "Ann").learner
    Membership.objects.create(classroom=other, learner=ann, display_name="Ann")
    answer(ann, question, correct=False)
    answer(ann, question, correct=True, number=2)
    wrong = next(c for c in question.choices.all() if not c.correct)
    expected = {
        (question.pk, tallies.ANSWERED): 2,
        (question.pk, tallies.CORRECT): 1,
        (question.pk, tallies.WRONG + wrong.key): 1,
    }
    assert tallies.class_counts(room.pk) == expected
    assert tallies.class_counts(other.pk) == expected


def test_answering_through_the_quiz_page_counts_in_the_class(client, alice, room):
    question = single_choice_questions(1)[0]
    client.post(reverse("classes:join", args=[room.code]), {"display_name": "Ann"})
    learner = Membership.objects.get(classroom=room).learner
    Attempt.objects.create(
        learner=learner,
        lesson=question.lesson,
        number=1,
        question_count=1,
        draw={"questions": [question.pk], "seed": 1},
    )
    wrong = next(c for c in question.choices.all() if not c.correct)
    url = reverse("lessons:answer", args=[question.lesson.slug, question.slug])
    assert client.post(url, {"attempt": "1", "choice": wrong.key}).status_code == 302
    assert tallies.class_counts(room.pk) == {
        (question.pk, tallies.ANSWERED): 1,
        (question.pk, tallies.WRONG + wrong.key): 1,
    }


def test_a_learner_who_joins_brings_their_history_and_takes_it_when_they_leave(client, room):
    question = single_choice_questions(1)[0]
    learner = Learner.objects.create()
    answer(learner, question, correct=True)
    joined = Membership.objects.create(classroom=room, learner=learner, display_name="Ann")
    assert tallies.class_counts(room.pk)[question.pk, tallies.ANSWERED] == 1
    joined.delete()
    assert tallies.class_counts(room.pk) == {}
    assert not QuestionTally.objects.exists()  # no rows left at zero


def test_a_count_the_answers_do_not_support_is_refused_not_stored(room):
    question = single_choice_questions(1)[0]
    with pytest.raises(tallies.TalliesOutOfStep):
        tallies._apply(Counter({(room.pk, question.pk, tallies.ANSWERED): -1}))


def test_counts_kept_before_the_migration_are_rebuilt_from_the_answers(room):
    question = single_choice_questions(1)[0]
    for name in ("Ann", "Ben"):
        answer(member(room, name).learner, question, correct=name == "Ann")
    kept = tallies.class_counts(room.pk)
    QuestionTally.objects.all().delete()
    tallies.rebuild([room.pk])
    assert tallies.class_counts(room.pk) == kept != {}


def test_changing_a_quiz_file_keeps_the_counts_those_of_the_answers(room, tmp_path):
    """loadcontent retires an answered question that left its file and rewrites another's
    choices; answers (and so the counts) stay as they were given."""
    by_objective = Counter(
        Question.objects.filter(retired=False).values_list("lesson_id", "objective")
    )
    gone, kept = [
        q
        for q in Question.objects.filter(kind=Question.Kind.SINGLE, retired=False)
        .select_related("lesson")
        .prefetch_related("choices")
        if by_objective[q.lesson_id, q.objective] >= 3
    ][:2]
    for name, correct in (("Ann", True), ("Ben", False)):
        learner = member(room, name).learner
        answer(learner, gone, correct=correct)
        answer(learner, kept, correct=not correct)
    copy = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, copy)
    for lesson in {gone.lesson.slug, kept.lesson.slug}:
        path = copy / "quizzes" / f"{lesson}.yaml"
        quiz = yaml.safe_load(path.read_text("utf-8"))
        quiz["questions"] = [q for q in quiz["questions"] if q["slug"] != gone.slug]
        for entry in quiz["questions"]:
            if entry["slug"] == kept.slug:
                entry["choices"][0]["text"] += " (reworded)"
        path.write_text(yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False), "utf-8")
    content.sync(copy)
    assert Question.objects.get(pk=gone.pk).retired
    assert "(reworded)" in Question.objects.get(pk=kept.pk).choices.first().text
    assert_counts_match(room)
    assert tallies.class_counts(room.pk)[gone.pk, tallies.ANSWERED] == 2


def test_a_teacher_deleting_their_account_takes_the_class_and_its_counts_without_reading_them(
    client, alice, trudy, room
):
    """The class's counts go with it (no answer is read to take them out one learner at a time);
    the other class its learners are in keeps its own, exact."""
    other = Classroom.objects.create(teacher=trudy, name="Trudy's", **fresh_code_fields())
    question = single_choice_questions(1)[0]
    for name in ("Ann", "Ben", "Cy"):
        learner = member(room, name).learner
        Membership.objects.create(classroom=other, learner=learner, display_name=name)
        answer(learner, question, correct=name == "Ann")
    client.force_login(alice)
    form = {"confirm": "on", "password": PASSWORD}
    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("delete"), form).status_code == 302
    assert not any("lessons_answer" in query["sql"] for query in queries.captured_queries)
    assert not Classroom.objects.filter(pk=room.pk).exists()
    assert not QuestionTally.objects.filter(classroom_id=room.pk).exists()
    assert tallies.class_counts(other.pk)[question.pk, tallies.ANSWERED] == 3
    assert_counts_match(other)


# A random sequence of everything that changes what a class has answered.

LEARNERS = 4
OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "answer",
                "answer",
                "join",
                "leave",
                "remove",
                "erase",
                "merge",
                "forget",
                "purge",
                "delete user",
            ]
        ),
        st.integers(0, LEARNERS - 1),
        st.integers(0, LEARNERS - 1),
        st.integers(0, 2),
        st.integers(0, 10**6),
    ),
    max_size=10,
)


class Cast:
    """Two classes, learners with and without accounts, and the questions they answer."""

    def __init__(self, room: Classroom):
        self.rooms = [
            room,
            Classroom.objects.create(teacher=room.teacher, name="Second", **fresh_code_fields()),
        ]
        self.questions = list(
            Question.objects.filter(
                kind__in=[Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUE_FALSE]
            )
            .prefetch_related("choices")
            .order_by("?")[:4]
        )
        self.numbers = itertools.count(1)
        self.users = itertools.count(1)
        self.learners = [self.new_learner(index % 2 == 0) for index in range(LEARNERS)]
        # Everyone starts in the first class with answers to count, half in both classes.
        for index, learner in enumerate(self.learners):
            for room in self.rooms[: 2 - index % 2]:
                Membership.objects.create(classroom=room, learner=learner, display_name="x")
            self.answer(learner, index)
            self.answer(learner, index + 7)

    def new_learner(self, account: bool) -> Learner:
        user = User.objects.create_user(f"user{next(self.users)}") if account else None
        return Learner.objects.create(user=user)

    def learner(self, index: int) -> Learner:
        """The learner at this place, made afresh if an operation deleted it."""
        learner = Learner.objects.filter(pk=self.learners[index].pk).first()
        if learner is None:
            learner = self.learners[index] = self.new_learner(index % 2 == 0)
        return learner

    def answer(self, learner: Learner, seed: int) -> None:
        question = self.questions[seed % len(self.questions)]
        keys = [c.key for c in question.choices.all()] or ["true", "false"]
        picked = [key for n, key in enumerate(keys) if seed >> n & 1] or keys[:1]
        if question.kind == Question.Kind.MULTIPLE:
            response = {"choices": picked}
        else:
            response = {"choice": picked[0]}
        attempt = Attempt.objects.create(
            learner=learner,
            lesson=question.lesson,
            number=next(self.numbers),
            question_count=1,
            finished_at=timezone.now(),
        )
        correct = bool(seed % 3)
        Answer.objects.create(
            attempt=attempt, question=question, response=response, correct=correct, mark=correct
        )

    def request(self, learner: Learner):
        request = RequestFactory().post("/accounts/me/delete")
        request.user = learner.user or AnonymousUser()
        request.session = SessionStore()
        if learner.user is None:
            request.session[progress.LEARNER_ID] = learner.pk
        return request

    def idle(self, learner: Learner, room: Classroom) -> None:
        """Make an anonymous learner idle for a year, in a class since archived."""
        long_ago = timezone.now() - timedelta(days=400)
        Learner.objects.filter(pk=learner.pk).update(created_at=long_ago)
        Attempt.objects.filter(learner=learner).update(started_at=long_ago)
        Answer.objects.filter(attempt__learner=learner).update(answered_at=long_ago)
        Reading.objects.filter(learner=learner).update(read_at=long_ago)
        Classroom.objects.filter(memberships__learner=learner).update(archived_at=long_ago)

    def run(self, operation, first, second, room_index, seed) -> None:
        room = self.rooms[room_index % 2]
        learner, other = self.learner(first), self.learner(second)
        if operation == "answer":
            self.answer(learner, seed)
        elif operation == "join" and not room.memberships.filter(learner=learner).exists():
            Membership.objects.create(classroom=room, learner=learner, display_name="x")
        elif operation in ("leave", "remove"):
            room.memberships.filter(learner=learner).delete()
        elif operation == "erase":
            mydata.erase(self.request(learner))
        elif operation == "merge" and learner.user is None and other.user is not None:
            progress.merge_learner(learner, other.user)
        elif operation == "forget" and learner.user is None:
            progress.forget_learner(learner)
        elif operation == "purge" and learner.user is None:
            self.idle(learner, room)
            call_command("purge", "--days", "300", stdout=io.StringIO())
            assert not Learner.objects.filter(pk=learner.pk).exists()
        elif operation == "delete user" and learner.user is not None:
            learner.user.delete()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_the_kept_counts_equal_a_recount_after_any_sequence_of_changes(room, operations):
    with transaction.atomic():
        cast = Cast(room)
        for operation in operations:
            cast.run(*operation)
            assert_counts_match(*cast.rooms)
        transaction.set_rollback(True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time (IMMEDIATE transactions); the in-memory test "
    "database cannot take writers from several threads",
)
def test_answers_saved_at_the_same_moment_are_all_counted(transactional_db, room):
    """Eight learners of one class answer one question at once, five times each: every answer
    lands on the same few counts, and none is lost (PostgreSQL, where writers run in parallel)."""
    question = single_choice_questions(1)[0]
    learners = [member(room, f"Learner {i}").learner for i in range(8)]
    start = threading.Barrier(len(learners))
    failures = []

    def answer_five_times(learner: Learner) -> None:
        try:
            start.wait(timeout=30)
            for number in range(1, 6):
                with transaction.atomic():
                    answer(learner, question, correct=number % 2 == 0, number=number)
        except Exception as problem:  # reported below: a thread's exception would be lost
            failures.append(repr(problem))
        finally:
            connection.close()

    threads = [threading.Thread(target=answer_five_times, args=(x,)) for x in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert tallies.class_counts(room.pk)[question.pk, tallies.ANSWERED] == 40
    assert_counts_match(room)


def test_counts_found_out_of_step_do_not_fail_the_teacher_and_are_recounted(
    alice, room, django_capture_on_commit_callbacks, caplog
):
    question = single_choice_questions(1)[0]
    ann, bob = member(room, "Ann"), member(room, "Bob")
    answer(ann.learner, question, correct=True)
    answer(bob.learner, question, correct=False)
    QuestionTally.objects.filter(classroom=room, outcome=tallies.CORRECT).delete()  # drifted
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ann.delete()  # the teacher removes Ann: her "correct" count is not there to take
    assert Membership.objects.filter(pk=ann.pk).count() == 0  # the removal went through
    assert "out of step" in caplog.text
    assert_counts_match(room)
    assert tallies.class_counts(room.pk)[question.pk, tallies.ANSWERED] == 1


def test_recount_finds_and_mends_the_classes_whose_counts_are_out_of_step(alice, room):
    other = Classroom.objects.create(teacher=alice, name="Other", **fresh_code_fields())
    question = single_choice_questions(1)[0]
    answer(member(room, "Ann").learner, question, correct=True)
    answer(member(other, "Ben").learner, question, correct=False)
    QuestionTally.objects.filter(classroom=room).update(times=7)  # no signal: out of step
    out = io.StringIO()
    call_command("recount", stdout=out)
    assert f"Recounted class {room.pk} (" in out.getvalue()
    assert f"class {other.pk} " not in out.getvalue()
    assert "2 classes checked, 1 recounted." in out.getvalue()
    assert_counts_match(room, other)


def test_recount_names_a_class_id_that_does_not_exist(room):
    with pytest.raises(CommandError, match=f"No class has the id {room.pk + 1}"):
        call_command("recount", str(room.pk), str(room.pk + 1))
