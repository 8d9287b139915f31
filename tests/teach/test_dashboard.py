"""The class dashboard: per learner, per question (with misconceptions), per lesson (chart and
table); the CSV export, streamed and safe to open in a spreadsheet; a bounded number of
queries whatever the size of the class."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cvm_site import dashboard
from cvm_site.models import Membership
from lessons.models import Attempt, Lesson, Reading
from tests.teach.conftest import answer, member, single_choice_questions


def page(client, room):
    return client.get(reverse("teach:classroom", args=[room.pk]))


def test_each_learner_shows_lessons_read_best_score_attempts_and_last_activity(client, alice, room):
    first, second = single_choice_questions(2)
    ann = member(room, "Ann").learner
    Reading.objects.create(learner=ann, lesson=first.lesson)
    answer(ann, first, correct=False, number=1)
    answer(ann, first, correct=True, number=2)
    member(room, "Ben")
    rows = {
        row["name"]: row
        for row in dashboard.learner_rows(
            list(room.memberships.all()), list(Lesson.objects.outline())
        )
    }
    assert rows["Ann"]["read"] == 1 and rows["Ann"]["attempts"] == 2
    assert rows["Ann"]["scores"][first.lesson.order - 1]["best"] == 1
    assert rows["Ann"]["last_activity"] is not None
    assert (rows["Ben"]["read"], rows["Ben"]["attempts"], rows["Ben"]["last_activity"]) == (
        0,
        0,
        None,
    )
    client.force_login(alice)
    text = page(client, room).text
    assert "Ann" in text and "Ben" in text and "never" in text


def test_each_question_shows_the_share_correct_and_the_wrong_choices_with_their_misconception(
    client, alice, room
):
    question = single_choice_questions(1)[0]
    wrong = next(c for c in question.choices.all() if not c.correct)
    for name, correct in [("Ann", True), ("Ben", False), ("Cy", False), ("Di", True)]:
        answer(member(room, name).learner, question, correct=correct)
    row = next(r for r in dashboard.question_rows(room) if r["question"] == question)
    assert (row["answers"], row["correct"]) == (4, 50)
    assert row["wrong"][0]["text"] == wrong.text and row["wrong"][0]["times"] == 2
    assert row["wrong"][0]["misconception"] == dashboard._misconception(question, wrong)
    client.force_login(alice)
    assert "×2" in page(client, room).text


def test_each_lesson_shows_read_and_pass_rates_in_a_chart_and_a_table(client, alice, room):
    question = single_choice_questions(1)[0]
    ann = member(room, "Ann").learner
    Reading.objects.create(learner=ann, lesson=question.lesson)
    member(room, "Ben")
    rates = dashboard.build(room)["rates"]
    rate = next(r for r in rates if r["lesson"] == question.lesson)
    assert rate["read"] == 50
    client.force_login(alice)
    text = page(client, room).text
    assert 'id="chart-rates" data-figure="' in text
    assert "<td>50%</td>" in text


def test_a_learner_passes_a_lesson_when_their_best_attempt_reaches_the_pass_share(room):
    lesson = Lesson.objects.outline().first()
    scores = {"At the line": [4], "Below": [3], "Better later": [1, 5], "Never tried": []}
    for name, attempts in scores.items():
        learner = member(room, name).learner
        for number, score in enumerate(attempts, 1):
            Attempt.objects.create(
                learner=learner,
                lesson=lesson,
                number=number,
                question_count=5,
                score=score,
                finished_at=timezone.now(),
            )
    assert dashboard.PASS_SHARE == 0.8  # 4 of 5 is "at the line"
    rate = next(r for r in dashboard.lesson_rates(room, [lesson]) if r["lesson"] == lesson)
    assert rate["passed"] == 50


def test_a_learner_who_deleted_their_data_shows_as_removed(client, alice, room):
    ann = member(room, "Ann")
    ann.learner.delete()
    Membership.objects.filter(pk=ann.pk).update(display_name="")
    client.force_login(alice)
    assert "removed learner" in page(client, room).text


def test_the_dashboards_query_count_does_not_grow_with_the_class(client, alice, room):
    questions = single_choice_questions(2)
    client.force_login(alice)

    def grow_to(size):
        for i in range(room.memberships.count(), size):
            learner = member(room, f"Learner {i}").learner
            for n, question in enumerate(questions):
                answer(learner, question, correct=bool((i + n) % 2))
        with CaptureQueriesContext(connection) as queries:
            assert page(client, room).status_code == 200
        return len(queries)

    assert grow_to(3) == grow_to(dashboard.PAGE_SIZE + 20)


def test_the_csv_query_count_grows_by_chunks_not_by_learners(client, alice, room):
    client.force_login(alice)
    for i in range(30):
        member(room, f"Learner {i}")
    with CaptureQueriesContext(connection) as small:
        read_csv(client.get(reverse("teach:csv", args=[room.pk])))
    for i in range(30, 150):
        member(room, f"Learner {i}")
    with CaptureQueriesContext(connection) as large:
        assert len(read_csv(client.get(reverse("teach:csv", args=[room.pk])))) == 151
    assert len(large) == len(small)


def test_the_learner_table_is_paged_and_every_page_is_reachable(client, alice, room):
    for i in range(dashboard.PAGE_SIZE + 5):
        member(room, f"Learner {i:03}")
    client.force_login(alice)
    first = page(client, room).text
    assert "Learner 000" in first and f"Learner {dashboard.PAGE_SIZE:03}" not in first
    assert "?page=2" in first
    second = client.get(reverse("teach:classroom", args=[room.pk]), {"page": "2"}).text
    assert f"Learner {dashboard.PAGE_SIZE + 4:03}" in second
    assert client.get(reverse("teach:classroom", args=[room.pk]), {"page": "x"}).status_code == 200


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_export_streams_one_row_per_learner(client, alice, room):
    question = single_choice_questions(1)[0]
    answer(member(room, "Ann").learner, question, correct=True)
    member(room, "Ben")
    client.force_login(alice)
    response = client.get(reverse("teach:csv", args=[room.pk]))
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0][:2] == ["Learner", "Lessons read"]
    assert [row[0] for row in rows[1:]] == ["Ann", "Ben"]
    assert "1/" in ",".join(rows[1])


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(client, alice, room):
    member(room, '=HYPERLINK("http://evil.example","x")')
    client.force_login(alice)
    rows = read_csv(client.get(reverse("teach:csv", args=[room.pk])))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'


def test_the_class_figures_are_fresh_after_every_new_answer(client, alice, room):
    question = single_choice_questions(1)[0]
    client.force_login(alice)
    ann = member(room, "Ann").learner
    answer(ann, question, correct=True)
    assert "<td>1</td><td>100%</td>" in page(client, room).text  # answers, share correct
    answer(member(room, "Ben").learner, question, correct=False)
    assert "<td>2</td><td>50%</td>" in page(client, room).text
