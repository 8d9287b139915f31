"""A teacher's class of 500 learners with full history: the dashboard's server time and the time
to stream the whole CSV export, measured in one process on the SQLite file `make bench` made.

Run by bench/run.py (SQLITE_PATH set to a migrated database with the course loaded). Every
learner has read every lesson and taken every quiz twice, answering every question.

The figure that matters most is the first view after one more answer: a teacher watching a class
at work sees it on every reload, and it recomputes the class-wide figures.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cvm_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from cvm_site import tallies  # noqa: E402
from cvm_site.classes import fresh_code_fields  # noqa: E402
from cvm_site.models import Classroom, Membership  # noqa: E402
from lessons import quiz  # noqa: E402
from lessons.forms import answer_form  # noqa: E402
from lessons.models import Answer, Attempt, Learner, Lesson, Reading  # noqa: E402

LEARNERS = int(os.environ.get("BENCH_CLASS_SIZE", "500"))
ATTEMPTS_PER_QUIZ = 2
RUNS = 15


def build_class() -> Classroom:
    """The class and its history, inserted in bulk."""
    teacher = User.objects.create_user("bench-teacher", password="bench-teacher-password-1")
    call_command("createteacher", "bench-teacher", "--no-input", stdout=io.StringIO())
    room = Classroom.objects.create(teacher=teacher, name="Bench class", **fresh_code_fields())
    lessons = list(Lesson.objects.prefetch_related("questions__choices"))
    learners = Learner.objects.bulk_create([Learner() for _ in range(LEARNERS)], batch_size=500)
    Reading.objects.bulk_create(
        [Reading(learner=learner, lesson=lesson) for learner in learners for lesson in lessons],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [
            Membership(classroom=room, learner=learner, display_name=f"Learner {i}")
            for i, learner in enumerate(learners)
        ],
        batch_size=500,
    )
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                learner=learner,
                lesson=lesson,
                number=number,
                question_count=len(lesson.questions.all()),
                finished_at=now,
            )
            for learner in learners
            for lesson in lessons
            for number in range(1, ATTEMPTS_PER_QUIZ + 1)
        ],
        batch_size=2000,
    )
    answers = []
    for index, attempt in enumerate(attempts):
        lesson = next(lesson for lesson in lessons if lesson.pk == attempt.lesson_id)
        for q_index, question in enumerate(lesson.questions.all()):
            choices = list(question.choices.all())
            correct = (index + q_index) % 3 != 0
            pick = next((c for c in choices if c.correct == correct), None)
            response = {"choice": pick.key} if pick else {"choice": "true"}
            answers.append(
                Answer(
                    attempt=attempt,
                    question=question,
                    response=response,
                    correct=correct,
                    mark=int(correct),
                )
            )
    Answer.objects.bulk_create(answers, batch_size=5000)
    tallies.rebuild([room.pk])  # rows inserted in bulk send no signal: count them once
    return room


def one_more_answer(room: Classroom, index: int) -> float:
    """A member starts a third attempt at the first quiz and answers its first question through
    the quiz's own save path; the time that save took, in ms (the class's counts included)."""
    member = room.memberships.order_by("pk")[index]
    lesson = Lesson.objects.order_by("order").first()
    questions = list(lesson.questions.filter(retired=False).prefetch_related("choices"))
    Attempt.objects.create(
        learner_id=member.learner_id,
        lesson=lesson,
        number=ATTEMPTS_PER_QUIZ + 1,
        question_count=len(questions),
        draw={"questions": [q.pk for q in questions], "seed": index},
    )
    question = next(q for q in questions if q.kind in ("single", "truefalse"))
    choice = next((c.key for c in question.choices.all() if not c.correct), "false")
    form = answer_form(question, question.choices.all(), {"attempt": "3", "choice": choice}, 3)
    assert form.is_valid(), form.errors
    learner = Learner.objects.get(pk=member.learner_id)
    start = time.perf_counter()
    assert quiz.submit(learner, form).saved
    return (time.perf_counter() - start) * 1000


def timed(client: Client, url: str, stream: bool = False) -> tuple[float, float]:
    """Wall time and this process's CPU time (the database is SQLite, in-process), in ms: on a
    shared machine the CPU time says what the view costs, the wall time what it waited too."""
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    if stream:
        assert response.streaming
        size = sum(len(chunk) for chunk in response.streaming_content)
        assert size > LEARNERS * 20
    assert response.status_code == 200, response.status_code
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def summary(times: list[tuple[float, float]]) -> str:
    wall, cpu = zip(*times, strict=True)
    return (
        f"p50 {statistics.median(wall):.0f} ms wall ({statistics.median(cpu):.0f} ms CPU), "
        f"max {max(wall):.0f} ms"
    )


def main() -> None:
    room = build_class()
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(room.teacher)
    page = reverse("teach:classroom", args=[room.pk])
    export = reverse("teach:csv", args=[room.pk])
    timed(client, page)  # warm up: templates, connection
    # The class-wide figures are cached until the class changes: time each path.
    after_answer, saves = [], []
    for index in range(RUNS):
        saves.append(one_more_answer(room, index))
        after_answer.append(timed(client, page))
    cold = []
    for _ in range(RUNS):
        cache.clear()
        cold.append(timed(client, page))
    warm = [timed(client, page) for _ in range(RUNS)]
    exports = [timed(client, export, stream=True) for _ in range(5)]
    answers = Answer.objects.filter(attempt__learner__memberships__classroom=room).count()
    print(
        f"  class of {LEARNERS} learners, {answers:,} answers; server time per view, {RUNS} views"
    )
    print(
        f"  dashboard, first view after one more answer  {summary(after_answer)} (goal <= 200 ms)"
    )
    print(f"  dashboard, cache emptied (e.g. a restart)   {summary(cold)} (goal <= 200 ms)")
    print(f"  dashboard, nothing changed                  {summary(warm)} (goal <= 200 ms)")
    print(f"  CSV export, streamed whole                  {summary(exports)} (goal <= 2 s)")
    print(
        f"  saving that answer (grading, the class's counts)  p50 "
        f"{statistics.median(saves):.1f} ms, max {max(saves):.1f} ms"
    )
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores during the run)")


if __name__ == "__main__":
    main()
