"""Quizzes: graded on the server only, each answer saved once, tampering refused with words."""

import re
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains

from lessons.models import Answer, Attempt, Choice, Question
from tests.lessons.fixtures import architecture_quiz  # noqa: F401

pytestmark = pytest.mark.usefixtures("architecture_quiz")
WALKTHROUGHS = yaml.safe_load((Path(__file__).parent / "walkthroughs.yaml").read_text())
HTMX = {"HX-Request": "true"}


def quiz_url(lesson: str = "architecture") -> str:
    return reverse("lessons:quiz", args=[lesson])


def answer_url(question: str, lesson: str = "architecture") -> str:
    return reverse("lessons:answer", args=[lesson, question])


def form_for(step: dict, attempt: int = 1) -> dict:
    """A step of a walkthrough as the form the page would send."""
    data: dict = {"attempt": str(attempt)}
    question = step["question"]
    if "choice" in step:
        data["choice"] = (
            step["choice"]
            if step["choice"] in ("true", "false")
            else f"{question}-{step['choice']}"
        )
    if "choices" in step:
        data["choices"] = [f"{question}-{letter}" for letter in step["choices"]]
    if "order" in step:
        data |= {f"position-{n}": slug for n, slug in enumerate(step["order"], start=1)}
    if "stack" in step:
        data |= {f"layer-{n}": slug for n, slug in enumerate(step["stack"], start=1)}
    return data


def answer(client, step: dict, attempt: int = 1, htmx: bool = False, lesson: str = "architecture"):
    headers = HTMX if htmx else {}
    return client.post(
        answer_url(step["question"], lesson), form_for(step, attempt), headers=headers
    )


RIGHT = WALKTHROUGHS[0]["steps"]
WRONG = WALKTHROUGHS[1]["steps"]


@pytest.mark.parametrize("walkthrough", WALKTHROUGHS, ids=[w["name"] for w in WALKTHROUGHS])
def test_walkthroughs_get_every_mark_and_total(client, course, walkthrough):
    for step in walkthrough["steps"]:
        response = answer(client, step)
        assert response.status_code == 302, response.content
        saved = Answer.objects.get(question__slug=step["question"])
        assert saved.mark == step["mark"], step["question"]
    attempt = Attempt.objects.get()
    assert attempt.score == walkthrough["total"]
    assert attempt.answered == len(walkthrough["steps"])
    assert (attempt.finished_at is not None) == walkthrough["finished"]
    assert sum(Answer.objects.values_list("mark", flat=True)) == walkthrough["total"]


class TestQuizPage:
    def test_each_question_is_a_fieldset_with_its_prompt_as_legend(self, client, course):
        response = client.get(quiz_url())
        questions = Question.objects.filter(lesson__slug="architecture")
        assert response.text.count("<fieldset") == questions.count()
        for question in questions:
            hint = f' <span class="muted">({question.hint})</span>' if question.hint else ""
            assertContains(
                response,
                f'<legend id="q-{question.slug}-legend" hx-disable>{question.prompt_html}{hint}'
                "</legend>",
                html=True,
            )

    def test_every_lesson_has_a_quiz_of_at_least_five_questions(self, client, course):
        for lesson in course:
            assert lesson.questions.count() >= 5, lesson.slug
            assert client.get(quiz_url(lesson.slug)).status_code == 200

    def test_the_page_never_holds_the_answer_key(self, client, course):
        """Flip every answer in the key: the page must not change at all."""
        before = client.get(quiz_url()).text
        for choice in Choice.objects.all():
            choice.correct = not choice.correct
            choice.save()
        for question in Question.objects.filter(kind=Question.Kind.TRUE_FALSE):
            question.spec["answer"] = not question.spec["answer"]
            question.save()
        for question in Question.objects.filter(kind=Question.Kind.ORDERING):
            question.spec["items"] = question.spec["items"][::-1]
            question.save()
        after = client.get(quiz_url()).text
        strip = re.compile(r'(nonce|value)="[^"]*"')
        normal = sorted(re.findall(r"<option value=\"[^\"]*\">[^<]*</option>", before))
        assert strip.sub("", before).count("<option") == strip.sub("", after).count("<option")
        assert normal == sorted(re.findall(r"<option value=\"[^\"]*\">[^<]*</option>", after))
        # Apart from the ordering's (shuffled) option order, the pages are identical.
        options = re.compile(r"<option[^>]*>[^<]*</option>")
        assert options.sub("", strip.sub("", before)) == options.sub("", strip.sub("", after))

    def test_ordering_items_are_never_shown_in_their_right_order(self, client, course):
        text = client.get(quiz_url()).text
        select = text[text.index('id="q-order-vm-stack-position-1"') :]
        select = select[: select.index("</select>")]
        shown = re.findall(r'<option value="([a-z-]+)">', select)
        assert sorted(shown) == sorted(RIGHT[0]["order"])
        assert shown != RIGHT[0]["order"]


class TestFeedback:
    """Feedback comes right after each answer: through htmx, or by a redirect without JS."""

    def test_htmx_gets_the_question_back_with_its_feedback(self, client, course):
        response = answer(client, RIGHT[1], htmx=True)
        assert response.status_code == 200
        assert "<html" not in response.text
        assert "Right." in response.text
        question = Question.objects.get(slug=RIGHT[1]["question"])
        assert question.explanation_html in response.text

    def test_a_wrong_answer_links_the_section_to_reread_and_the_simulator(self, client, course):
        response = answer(client, WRONG[1], htmx=True)
        assert "Not quite." in response.text
        question = Question.objects.get(slug=WRONG[1]["question"])
        assert f'href="/lessons/architecture/#{question.reread}"' in response.text
        assert 'href="/simulator/?stack=' in response.text

    def test_a_failed_challenge_names_each_constraint_and_by_how_much(self, client, course):
        response = answer(client, WRONG[4], htmx=True)
        assert re.search(
            r"Instances that fit: \d+ instances, needs at least 100 instances "
            r"\(\d+ instances short\)",
            response.text,
        )
        assert re.search(r"Startup per instance: [\d,]+ ms, needs at most 5,000 ms", response.text)

    def test_a_wrong_choice_gets_feedback_on_its_misconception_and_a_simulator_link(
        self, client, course
    ):
        Choice.objects.filter(key="container-boundary-a").update(
            misconception="A container runs on virtual hardware",
            feedback_html="<p>A container calls the host kernel directly.</p>",
            simulator_url="/simulator/?stack=hardware,host-os,container-runtime,app",
        )
        step = {"question": "container-boundary", "choice": "a"}
        response = answer(client, step, htmx=True)
        assertContains(
            response,
            '<div class="feedback__misconception" hx-disable>'
            '<p class="feedback__label"><span class="muted">The idea behind this answer:</span> '
            "A container runs on virtual hardware</p>"
            "<p>A container calls the host kernel directly.</p>"
            '<p><a href="/simulator/?stack=hardware,host-os,container-runtime,app">'
            "See the counterexample in the simulator</a></p></div>",
            html=True,
        )
        assert Answer.objects.get().misconceptions == ["A container runs on virtual hardware"]

    def test_a_right_answer_reveals_no_misconception(self, client, course):
        Choice.objects.filter(key="container-boundary-a").update(misconception="Something")
        response = answer(client, RIGHT[1], htmx=True)
        assert "feedback__misconception" not in response.text
        assert Answer.objects.get().misconceptions == []

    def test_htmx_feedback_takes_keyboard_focus_through_autofocus(self, client, course):
        """htmx focuses an `autofocus` element it swaps in; a full page load steals no focus."""
        response = answer(client, RIGHT[1], htmx=True)
        assert re.search(
            r'<div [^>]*id="q-container-boundary-feedback"[^>]*autofocus', response.text
        )
        assert 'tabindex="-1"' in response.text
        page = client.get(quiz_url())
        assert "autofocus" not in page.text

    def test_an_htmx_error_takes_keyboard_focus(self, client, course):
        response = client.post(answer_url("container-boundary"), {"attempt": "1"}, headers=HTMX)
        assertContains(
            response,
            '<p class="layer__problem" id="q-container-boundary-error" role="alert" '
            'tabindex="-1" autofocus>Choose one of the answers, then check it.</p>',
            status_code=400,
            html=True,
        )

    def test_a_select_all_prompt_that_does_not_say_so_gets_the_words_beside_it(
        self, client, course
    ):
        Question.objects.filter(slug="shared-layers-vms").update(
            prompt="Which layers?", prompt_html="Which layers?"
        )
        assertContains(
            client.get(quiz_url()),
            '<legend id="q-shared-layers-vms-legend" hx-disable>Which layers? '
            '<span class="muted">(select all that apply)</span></legend>',
            html=True,
        )

    def test_without_javascript_the_quiz_page_shows_the_feedback_in_place(self, client, course):
        response = answer(client, RIGHT[1])
        assert response.status_code == 302
        assert response["Location"] == quiz_url() + "#q-container-boundary"
        page = client.get(response["Location"])
        assert 'id="q-container-boundary-feedback"' in page.text


class TestIntegrity:
    """Tampering gets 400 with words, a double submit is applied once, a finished attempt stays."""

    @pytest.mark.parametrize(
        ("question", "data", "words"),
        [
            (
                "container-boundary",
                {"attempt": "1", "choice": "container-boundary-z"},
                "not one of this question",
            ),
            (
                "container-boundary",
                {"attempt": "1", "choice": "why-vm-memory-multiplies-d"},
                "not one of this question",
            ),
            ("container-boundary", {"attempt": "1"}, "Choose one of the answers"),
            (
                "container-boundary",
                {"choice": "container-boundary-b"},
                "missing its attempt number",
            ),
            (
                "container-boundary",
                {"attempt": "banana", "choice": "container-boundary-b"},
                "missing its attempt number",
            ),
            (
                "shared-layers-vms",
                {"attempt": "1", "choices": ["shared-layers-vms-a", "fit-a-hundred-a"]},
                "not this question",
            ),
            ("docker-desktop-kernel", {"attempt": "1", "choice": "maybe"}, "Choose true or false"),
            (
                "order-vm-stack",
                {"attempt": "1", "position-1": "hardware"},
                "Choose a layer for position 2",
            ),
            (
                "order-vm-stack",
                {"attempt": "1"} | {f"position-{n}": "hardware" for n in range(1, 6)},
                "Use each layer once",
            ),
            (
                "fit-a-hundred",
                {"attempt": "1", "layer-1": "teleporter"},
                "not a layer this simulator knows",
            ),
            ("fit-a-hundred", {"attempt": "1"}, "Build a stack first"),
        ],
    )
    def test_a_tampered_form_gets_400_and_saves_nothing(
        self, client, course, question, data, words
    ):
        for headers in ({}, HTMX):
            response = client.post(answer_url(question), data, headers=headers)
            assert response.status_code == 400
            assert words in response.text.replace("&#x27;", "'")
        assert not Answer.objects.exists()
        assert not Attempt.objects.exists()

    def test_a_tampered_form_loses_no_earlier_answer(self, client, course):
        answer(client, RIGHT[0])
        client.post(answer_url("container-boundary"), {"attempt": "1", "choice": "nope"})
        assert Answer.objects.count() == 1
        assert Attempt.objects.get().answered == 1

    def test_an_unknown_question_is_404(self, client, course):
        assert client.post(answer_url("no-such-question"), {"attempt": "1"}).status_code == 404

    def test_a_question_from_another_lesson_is_404(self, client, course):
        url = answer_url("container-boundary", lesson="containers")
        assert client.post(url, form_for(RIGHT[1])).status_code == 404

    def test_a_double_submit_is_applied_once(self, client, course):
        first = answer(client, RIGHT[1], htmx=True)
        second = answer(client, WRONG[1], htmx=True)
        assert first.status_code == 200
        assert second.status_code == 409
        assert "your first answer stands" in second.text
        assert Answer.objects.count() == 1
        assert Answer.objects.get().correct
        attempt = Attempt.objects.get()
        assert (attempt.answered, attempt.score) == (1, 1)

    def test_a_finished_attempt_cannot_change(self, client, course):
        for step in RIGHT:
            answer(client, step)
        Answer.objects.filter(question__slug="container-boundary").delete()  # as if it were new
        response = answer(client, RIGHT[1], htmx=True)
        assert response.status_code == 409
        assert "Attempt 1 is finished" in response.text

    def test_a_stale_attempt_number_is_refused(self, client, course):
        response = answer(client, RIGHT[1], attempt=7, htmx=True)
        assert response.status_code == 409
        assert "out of date" in response.text
        assert not Attempt.objects.exists()

    def test_get_on_the_answer_endpoint_is_refused(self, client, course):
        assert client.get(answer_url("container-boundary")).status_code == 405

    def test_a_post_without_a_csrf_token_is_refused(self, course):
        strict = Client(enforce_csrf_checks=True)
        assert strict.post(answer_url("container-boundary"), form_for(RIGHT[1])).status_code == 403


class TestRetry:
    def test_a_learner_retries_and_keeps_the_best_score(self, client, course):
        for step in RIGHT:
            answer(client, step)
        assert client.post(reverse("lessons:retry", args=["architecture"])).status_code == 302
        client.post(reverse("lessons:retry", args=["architecture"]))  # a double click
        assert Attempt.objects.count() == 2
        answer(client, WRONG[1], attempt=2)
        page = client.get(quiz_url()).text
        assert "Attempt 2: 0 of 6 right, 1 of 6 answered so far" in page
        assert "Best score: 6 of 6 (attempt 1)" in page
        assert Answer.objects.filter(attempt__number=1).count() == 6

    def test_a_retry_before_finishing_keeps_the_open_attempt(self, client, course):
        answer(client, RIGHT[1])
        client.post(reverse("lessons:retry", args=["architecture"]))
        assert Attempt.objects.count() == 1


SLUGS = [
    "container-boundary",
    "shared-layers-vms",
    "order-vm-stack",
    "fit-a-hundred",
    "docker-desktop-kernel",
]
FIELD_NAMES = [
    "attempt",
    "choice",
    "choices",
    "position-1",
    "position-2",
    "layer-1",
    "layer-2",
    "x",
]
form_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["1", "0", "-1", "hardware", "container-boundary-b", "true"]),
)
forms = st.dictionaries(
    st.sampled_from(FIELD_NAMES),
    st.one_of(form_values, st.lists(form_values, max_size=3)),
    max_size=6,
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(question=st.sampled_from(SLUGS), data=forms, htmx=st.booleans())
def test_arbitrary_forms_never_get_a_500(client, course, question, data, htmx):
    client.cookies.clear()
    response = client.post(answer_url(question), data, headers=HTMX if htmx else {})
    assert response.status_code in {200, 302, 400, 409}


def test_an_attempt_number_in_other_digits_is_refused_with_words(client, course):
    response = client.post(answer_url("container-boundary"), {"attempt": "²", "choice": "x"})
    assert response.status_code == 400
    assert "missing its attempt number" in response.text


class TestChallengePreview:
    """While building a challenge's stack, the learner sees what it costs, never a verdict."""

    def test_it_shows_what_the_stack_costs_on_the_challenges_host(self, client, course):
        from simulator import engine

        stack = ["hardware", "host-os", "container-runtime", "app"]
        data = {f"layer-{n}": slug for n, slug in enumerate(stack, start=1)}
        response = client.get(
            reverse("lessons:preview", args=["architecture", "fit-a-hundred"]), data
        )
        result = engine.simulate(stack, instances=100, host_memory_mb=16384)
        assert response.status_code == 200
        assert f"fits {result.metrics.density} instances" in response.text
        assert "Right" not in response.text

    def test_it_explains_a_stack_that_cannot_run(self, client, course):
        data = {"layer-1": "hardware", "layer-2": "guest-os"}
        response = client.get(
            reverse("lessons:preview", args=["architecture", "fit-a-hundred"]), data
        )
        assert "A guest OS needs a hypervisor beneath it" in response.text

    def test_an_unknown_layer_gets_400(self, client, course):
        url = reverse("lessons:preview", args=["architecture", "fit-a-hundred"])
        assert client.get(url, {"layer-1": "teleporter"}).status_code == 400

    def test_only_challenges_have_a_preview(self, client, course):
        url = reverse("lessons:preview", args=["architecture", "container-boundary"])
        assert client.get(url, {"layer-1": "hardware"}).status_code == 404
