"""A quiz is a pool: an attempt asks one question per objective; a retry asks other variants
where there are some; choices are shuffled per attempt and stay put within it."""

import re

import pytest
from django.urls import reverse

from lessons import pool
from lessons.models import Attempt, Question
from tests.lessons.fixtures import architecture_quiz  # noqa: F401
from tests.lessons.test_quiz import HTMX, answer_url, quiz_url

pytestmark = pytest.mark.usefixtures("architecture_quiz")

# The architecture quiz's six questions as three objectives of two variants each.
OBJECTIVES = {
    "order-vm-stack": "read-a-stack",
    "container-boundary": "read-a-stack",
    "shared-layers-vms": "boundary",
    "why-vm-memory-multiplies": "boundary",
    "fit-a-hundred": "shared",
    "docker-desktop-kernel": "shared",
}


@pytest.fixture
def pooled(course):
    for slug, objective in OBJECTIVES.items():
        Question.objects.filter(lesson__slug="architecture", slug=slug).update(objective=objective)
    return course


def shown(client) -> list[str]:
    return re.findall(r'<section class="question" id="q-([a-z0-9-]+)"', client.get(quiz_url()).text)


def option_ids(client) -> list[str]:
    return re.findall(
        r'<input type="(?:radio|checkbox)"[^>]* id="([^"]+)"', client.get(quiz_url()).text
    )


def first_answer(question: Question, attempt: int) -> dict:
    """A valid (right or wrong) answer to `question`, as its form would send it."""
    data = {"attempt": str(attempt)}
    if question.kind in ("single", "multiple"):
        data["choice" if question.kind == "single" else "choices"] = question.choices.first().key
    elif question.kind == "truefalse":
        data["choice"] = "true"
    elif question.kind == "ordering":
        data |= {f"position-{n}": s for n, s in enumerate(question.spec["items"], start=1)}
    else:
        data |= {"layer-1": "hardware", "layer-2": "host-os", "layer-3": "app"}
    return data


def answer_all(client, slugs: list[str], attempt: int) -> None:
    for slug in slugs:
        question = Question.objects.get(lesson__slug="architecture", slug=slug)
        response = client.post(answer_url(slug), first_answer(question, attempt), headers=HTMX)
        assert response.status_code == 200, response.text


class TestDraw:
    def test_an_attempt_asks_one_question_per_objective(self, client, pooled):
        slugs = shown(client)
        assert len(slugs) == 3
        assert {OBJECTIVES[slug] for slug in slugs} == {"read-a-stack", "boundary", "shared"}

    def test_a_reload_shows_the_same_questions_with_choices_in_the_same_order(self, client, pooled):
        answer_all(client, shown(client)[:1], attempt=1)
        assert shown(client) == shown(client)
        assert option_ids(client) == option_ids(client)

    def test_the_attempt_counts_only_the_questions_it_drew(self, client, pooled):
        slugs = shown(client)
        answer_all(client, slugs, attempt=1)
        attempt = Attempt.objects.get()
        assert (attempt.question_count, attempt.answered) == (3, 3)
        assert attempt.finished

    def test_a_retry_asks_the_other_variants(self, client, pooled):
        first = shown(client)
        answer_all(client, first, attempt=1)
        client.post(reverse("lessons:retry", args=["architecture"]))
        second = shown(client)
        assert len(second) == 3
        assert not set(first) & set(second)
        assert {OBJECTIVES[slug] for slug in second} == {"read-a-stack", "boundary", "shared"}

    def test_an_answer_to_a_question_the_attempt_did_not_draw_is_refused(self, client, pooled):
        left_out = next(slug for slug in OBJECTIVES if slug not in shown(client))
        question = Question.objects.get(lesson__slug="architecture", slug=left_out)
        response = client.post(answer_url(left_out), first_answer(question, 1), headers=HTMX)
        assert response.status_code == 409
        assert "does not ask this question" in response.text
        assert not Attempt.objects.exists() or Attempt.objects.get().answered == 0

    def test_without_objectives_every_question_is_asked(self, client, course):
        assert len(shown(client)) == Question.objects.filter(lesson__slug="architecture").count()


class TestUnits:
    def questions(self, *objectives: str) -> list[Question]:
        return [
            Question(pk=n, slug=f"q{n}", order=n, objective=objective)
            for n, objective in enumerate(objectives, start=1)
        ]

    def test_a_draw_is_the_same_for_the_same_seed(self):
        questions = self.questions("a", "a", "b", "b", "c", "c")
        assert pool.draw(questions, 7) == pool.draw(questions, 7)

    def test_a_draw_avoids_what_it_is_told_to_while_it_can(self):
        questions = self.questions("a", "a", "b")
        picked = pool.draw(questions, 1, avoid=[1, 3])
        assert [q.pk for q in picked] == [2, 3]

    def test_the_first_attempt_has_one_seed_per_lesson_and_retries_get_fresh_ones(self, course):
        lesson = course[0]
        assert pool.seed_of(lesson, 1) == pool.seed_of(lesson, 1)
        assert len({pool.seed_of(lesson, 2) for _ in range(5)}) > 1

    def test_shuffling_never_keeps_the_files_order_and_varies_with_the_seed(self):
        items = ["a", "b", "c", "d"]
        orders = {tuple(pool.shuffled(items, seed, "q")) for seed in range(40)}
        assert tuple(items) not in orders
        assert len(orders) > 10
        assert pool.shuffled(items, 3, "q") == pool.shuffled(items, 3, "q")
