"""One form per kind of question, built from the question: the quiz page renders it, the server
reads an answer through it, and its errors are the words a learner sees for a tampered or
incomplete answer (400, nothing saved). Only the server sees the answer key: no form holds it.
"""

from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.template import loader
from django.urls import reverse

from lessons import pool
from lessons.models import Choice, Question
from simulator import engine, links, messages

SEVERAL = "Send one answer for this question, not several."
NO_ATTEMPT = "This form is missing its attempt number. Reload the page."


class Renderer(DjangoTemplates):
    """Django's own templates for widgets; the site's templates for our forms' layout."""

    def get_template(self, template_name: str):
        if template_name.startswith("lessons/"):
            return loader.get_template(template_name)
        return super().get_template(template_name)


class KeyedOptions:
    """Radio buttons and checkboxes whose ids are their values (after a prefix), so an option's
    id says which answer it is, whatever order the options are shown in."""

    id_prefix = ""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["id"] = f"{self.id_prefix}{value}"
        return option


class KeyedRadios(KeyedOptions, forms.RadioSelect):
    pass


class KeyedCheckboxes(KeyedOptions, forms.CheckboxSelectMultiple):
    pass


class FlatSelect(forms.Select):
    """Django's select, its options written in one template instead of an include each."""

    template_name = "lessons/widgets/select.html"


class OneChoiceField(forms.ChoiceField):
    """A choice whose "not one of the choices" message quotes at most a short piece of input."""

    def validate(self, value) -> None:
        if value and not self.valid_value(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": messages.echo(value)},
            )
        super().validate(value)


class AnswerForm(forms.Form):
    """The fields of one question's answer; `response()` is what grading reads and what is saved.

    Each kind names its own template, so the quiz page renders `{{ form }}` without asking which
    kind it is. No field carries the browser's `required`: the server says what is missing, in
    the same words with or without JavaScript.
    """

    # One renderer for every form: a renderer builds its template engine on first use, so a new
    # one per form (what naming the class does) scanned every template library and parsed
    # Django's widget templates again for each question on every page.
    default_renderer = Renderer()
    use_required_attribute = False
    single_valued: tuple[str, ...] = ()

    # Which attempt the page was showing: an answer to an attempt since finished is refused.
    attempt = forms.RegexField(
        regex=r"\A[0-9]{1,5}\Z",
        widget=forms.HiddenInput,
        error_messages={"required": NO_ATTEMPT, "invalid": NO_ATTEMPT},
    )

    def __init__(
        self,
        question: Question,
        choices: Sequence[Choice],
        data=None,
        attempt: int = 1,
        seed: int = 0,
    ) -> None:
        self.question = question
        self.seed = seed
        # Shown in an order fixed by the attempt's seed: never the file's, the same on a reload.
        self.choices = pool.shuffled(choices, seed, question.slug)
        self.anchor = f"q-{question.slug}"
        super().__init__(data, auto_id=f"{self.anchor}-%s", initial={"attempt": attempt})
        self.build(self.choices)

    def clean_attempt(self) -> int | None:
        value = self.cleaned_data["attempt"]
        if not value and not self.fields["attempt"].required:
            return None
        if int(value) < 1:
            raise ValidationError(NO_ATTEMPT)
        return int(value)

    def build(self, choices: list[Choice]) -> None:
        raise NotImplementedError

    def clean(self) -> dict:
        data = super().clean()
        getlist = getattr(self.data, "getlist", None)
        for name in self.single_valued:
            if getlist and len([value for value in getlist(name) if value]) > 1:
                raise ValidationError(SEVERAL)
        return data

    def response(self) -> dict:
        raise NotImplementedError

    def messages(self) -> list[str]:
        """Every error, in the order the learner should read them, each once."""
        found = [message for errors in self.errors.values() for message in errors]
        return list(dict.fromkeys(found))


class SingleChoiceForm(AnswerForm):
    template_name = "lessons/answers/choices.html"
    single_valued = ("choice",)

    def build(self, choices: list[Choice]) -> None:
        self.fields["choice"] = OneChoiceField(
            choices=[(choice.key, choice.shown) for choice in choices],
            widget=KeyedRadios,
            error_messages={
                "required": "Choose one of the answers, then check it.",
                "invalid_choice": "That answer is not one of this question's choices. "
                "Reload the page.",
            },
        )

    def response(self) -> dict:
        return {"choice": self.cleaned_data["choice"]}


class MultipleChoiceForm(AnswerForm):
    template_name = "lessons/answers/choices.html"
    wrong = "Some of those answers are not this question's choices: reload the page."

    def build(self, choices: list[Choice]) -> None:
        self.fields["choices"] = forms.MultipleChoiceField(
            choices=[(choice.key, choice.shown) for choice in choices],
            widget=KeyedCheckboxes,
            error_messages={
                "required": "Select at least one answer, then check it.",
                "invalid_choice": self.wrong,
            },
        )

    def clean_choices(self) -> list[str]:
        picked = self.cleaned_data["choices"]
        if len(set(picked)) != len(picked):
            raise ValidationError(self.wrong)
        return sorted(picked)

    def response(self) -> dict:
        return {"choices": self.cleaned_data["choices"]}


class TrueFalseForm(AnswerForm):
    template_name = "lessons/answers/choices.html"
    single_valued = ("choice",)

    def build(self, choices: list[Choice]) -> None:
        widget = KeyedRadios()
        widget.id_prefix = f"{self.anchor}-"
        self.fields["choice"] = OneChoiceField(
            choices=[("true", "True"), ("false", "False")],
            widget=widget,
            error_messages={
                "required": "Choose true or false, then check it.",
                "invalid_choice": "Choose true or false.",
            },
        )

    def response(self) -> dict:
        return {"choice": self.cleaned_data["choice"]}


class OrderingForm(AnswerForm):
    """One select per position, bottom first, each offering every item in a shuffled order."""

    template_name = "lessons/answers/ordering.html"

    def build(self, choices: list[Choice]) -> None:
        items = pool.shuffled(self.question.spec["items"], self.seed, self.question.slug)
        options = [("", "Choose a layer…"), *((slug, engine.LAYERS[slug].name) for slug in items)]
        count = len(items)
        self.single_valued = tuple(f"position-{n}" for n in range(1, count + 1))
        for n, name in enumerate(self.single_valued, start=1):
            where = " (bottom)" if n == 1 else " (top)" if n == count else ""
            self.fields[name] = OneChoiceField(
                label=f"Position {n}{where}",
                choices=options,
                required=False,
                widget=FlatSelect(attrs={"required": True}),
                error_messages={
                    "invalid_choice": "Those positions name a layer this question does not "
                    "have. Reload the page."
                },
            )

    def clean(self) -> dict:
        data = super().clean()
        order = [data.get(name) for name in self.single_valued]
        if self.errors:
            return data
        missing = next((n for n, slug in enumerate(order, start=1) if not slug), None)
        if missing:
            raise ValidationError(f"Choose a layer for position {missing}.")
        if len(set(order)) != len(order):
            raise ValidationError("Use each layer once: two positions hold the same layer.")
        return data

    def response(self) -> dict:
        return {"order": [self.cleaned_data[name] for name in self.single_valued]}


class ChallengeForm(AnswerForm):
    """A stack built bottom first from a select per layer; empty slots are skipped."""

    template_name = "lessons/answers/challenge.html"

    def build(self, choices: list[Choice]) -> None:
        options = [("", "(empty)"), *((slug, layer.name) for slug, layer in engine.LAYERS.items())]
        self.single_valued = tuple(f"layer-{n}" for n in range(1, engine.CHALLENGE_SLOTS + 1))
        for n, name in enumerate(self.single_valued, start=1):
            self.fields[name] = OneChoiceField(
                label=f"Layer {n}" + (" (bottom)" if n == 1 else ""),
                choices=options,
                required=False,
                widget=FlatSelect,
                # The value goes in as a parameter, cut short by OneChoiceField.
                error_messages={"invalid_choice": messages.unknown_layer("%(value)s")},
            )

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not self.stack(data):
            raise ValidationError("Build a stack first: choose at least Hardware for layer 1.")
        return data

    def stack(self, data: dict | None = None) -> list[str]:
        data = self.cleaned_data if data is None else data
        return [data[name] for name in self.single_valued if data.get(name)]

    def response(self) -> dict:
        return {"stack": self.stack()}

    @classmethod
    def preview(cls, question: Question, data) -> "ChallengeForm":
        """The stack built so far, to show what it costs: it belongs to no attempt."""
        form = cls(question, [], data)
        form.fields["attempt"].required = False
        return form

    def challenge_url(self) -> str:
        """The simulator set to this challenge's host and instance count, to experiment in."""
        spec = self.question.spec
        return links.simulator_url(
            instances=spec["instances"], host_memory_mb=spec["host_memory_mb"]
        )

    def preview_url(self) -> str:
        return reverse("lessons:preview", args=[self.question.lesson.slug, self.question.slug])


FORMS: dict[str, type[AnswerForm]] = {
    Question.Kind.SINGLE: SingleChoiceForm,
    Question.Kind.MULTIPLE: MultipleChoiceForm,
    Question.Kind.TRUE_FALSE: TrueFalseForm,
    Question.Kind.ORDERING: OrderingForm,
    Question.Kind.CHALLENGE: ChallengeForm,
}


def answer_form(
    question: Question, choices: Sequence[Choice], data=None, attempt: int = 1, seed: int = 0
) -> AnswerForm:
    return FORMS[question.kind](question, choices, data, attempt, seed)
