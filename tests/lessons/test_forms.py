"""Answer forms: one per kind of question, built from the question. Errors come from the form, in
a learner's words; echoes of what was sent are short; the rendered form holds no answer key."""

import pytest
from django import forms as dj_forms
from django.http import QueryDict
from pytest_django.asserts import assertInHTML

from lessons import forms
from lessons.models import Choice, Lesson, Question


def question(kind: str, **spec) -> Question:
    return Question(lesson=Lesson(slug="architecture"), slug="q", kind=kind, prompt="?", spec=spec)


OPTIONS = [
    Choice(key="q-a", text="One", correct=False, order=0),
    Choice(key="q-b", text="Two", correct=True, order=1),
]


def form(kind: str, data: str, **spec) -> forms.AnswerForm:
    return forms.answer_form(question(kind, **spec), OPTIONS, QueryDict(data))


class TestResponses:
    def test_each_kind_reads_its_response(self):
        single = form("single", "attempt=1&choice=q-b")
        assert single.is_valid() and single.response() == {"choice": "q-b"}
        multiple = form("multiple", "attempt=1&choices=q-b&choices=q-a")
        assert multiple.is_valid() and multiple.response() == {"choices": ["q-a", "q-b"]}
        truefalse = form("truefalse", "attempt=2&choice=false", answer=True)
        assert truefalse.is_valid() and truefalse.response() == {"choice": "false"}
        assert truefalse.cleaned_data["attempt"] == 2
        ordering = form(
            "ordering", "attempt=1&position-1=hardware&position-2=app", items=["hardware", "app"]
        )
        assert ordering.is_valid() and ordering.response() == {"order": ["hardware", "app"]}
        challenge = form("challenge", "attempt=1&layer-1=hardware&layer-3=app")
        assert challenge.is_valid() and challenge.response() == {"stack": ["hardware", "app"]}


class TestErrors:
    @pytest.mark.parametrize(
        ("kind", "data", "words"),
        [
            ("single", "attempt=1", "Choose one of the answers, then check it."),
            ("single", "attempt=1&choice=q-z", "not one of this question's choices"),
            ("single", "attempt=1&choice=q-a&choice=q-b", "not several"),
            ("multiple", "attempt=1", "Select at least one answer"),
            ("multiple", "attempt=1&choices=q-a&choices=q-a", "not this question's choices"),
            ("truefalse", "attempt=1&choice=maybe", "Choose true or false."),
            ("single", "choice=q-a", "missing its attempt number"),
            ("single", "attempt=0&choice=q-a", "missing its attempt number"),
            ("single", "attempt=%D9%A3&choice=q-a", "missing its attempt number"),
        ],
    )
    def test_a_bad_answer_is_invalid_with_words(self, kind, data, words):
        answer = form(kind, data, answer=True)
        assert not answer.is_valid()
        assert any(words in message for message in answer.messages())

    def test_an_ordering_names_the_first_empty_position(self):
        answer = form("ordering", "attempt=1&position-1=app", items=["hardware", "app", "host-os"])
        assert answer.messages() == ["Choose a layer for position 2."]

    def test_an_ordering_refuses_a_layer_twice(self):
        answer = form(
            "ordering", "attempt=1&position-1=app&position-2=app", items=["hardware", "app"]
        )
        assert answer.messages() == ["Use each layer once: two positions hold the same layer."]

    def test_an_empty_challenge_asks_for_a_stack(self):
        assert form("challenge", "attempt=1").messages() == [
            "Build a stack first: choose at least Hardware for layer 1."
        ]

    def test_an_echo_of_what_was_sent_is_short(self):
        """A 60 KB layer name is quoted back in at most about 40 characters."""
        answer = form("challenge", "attempt=1&layer-1=" + "x" * 60_000)
        (message,) = answer.messages()
        assert "is not a layer this simulator knows" in message
        assert len(message) < 120


class TestRendering:
    def test_options_have_ids_that_name_their_answer_and_no_required_attribute(self):
        html = str(forms.answer_form(question("single"), OPTIONS))
        assert 'id="q-a"' in html and 'id="q-b"' in html
        assert "required" not in html
        assertInHTML('<label for="q-b" hx-disable>Two</label>', html)

    def test_every_form_renders_through_one_engine_built_once(self):
        first = forms.answer_form(question("single"), OPTIONS)
        second = forms.answer_form(question("multiple"), OPTIONS)
        str(first), str(second)
        # A renderer per form built a template engine per form: every question of every page
        # scanned the template libraries and parsed Django's widget templates again.
        assert first.renderer is second.renderer
        assert first.renderer.engine is second.renderer.engine

    @pytest.mark.parametrize("value", ["", "a", "b"])
    def test_our_select_writes_what_djangos_own_select_writes(self, value):
        choices = [("", "(empty)"), ("a", "Apple & pear"), ("b", "Banana")]
        written = [
            " ".join(
                widget(attrs={"required": True}, choices=choices)
                .render("pick", value, {"id": "id_pick"}, forms.Renderer())
                .split()
            )
            for widget in (forms.FlatSelect, dj_forms.Select)
        ]
        assert written[0] == written[1]  # the same markup, give or take blank lines
        assert f'value="{value}" selected' in written[0]

    def test_true_or_false_ids_carry_the_questions_anchor(self):
        html = str(forms.answer_form(question("truefalse", answer=True), []))
        assert 'id="q-q-true"' in html and 'id="q-q-false"' in html

    def test_the_rendered_form_is_the_same_whatever_the_key(self):
        flipped = [Choice(key=c.key, text=c.text, correct=not c.correct) for c in OPTIONS]
        assert str(forms.answer_form(question("single"), OPTIONS)) == str(
            forms.answer_form(question("single"), flipped)
        )

    def test_a_select_all_question_says_so_once(self):
        assert question("multiple").hint == "select all that apply"
        worded = Question(kind="multiple", prompt="Which? Select all that apply.")
        assert worded.hint == ""
        assert question("single").hint == ""
