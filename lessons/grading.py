"""Reading and grading quiz answers. Only the server sees the answer key.

`read_response` turns a submitted form into a response, or raises AnswerError with words for the
learner (a tampered or incomplete form: nothing is saved). `grade` marks a response and explains.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lessons.models import Choice, Question
from simulator import engine, messages
from simulator.metrics import CONSTRAINTS


class AnswerError(ValueError):
    """A submission that cannot be graded; the message tells the learner what to do."""


@dataclass(frozen=True)
class Grade:
    correct: bool
    mark: int
    feedback: list[str] = field(default_factory=list)


def _one(data: Mapping, name: str, message: str) -> str:
    values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
    values = [v for v in values if v not in (None, "")]
    if not values:
        raise AnswerError(message)
    if len(values) > 1:
        raise AnswerError("Send one answer for this question, not several.")
    return values[0]


def read_response(question: Question, choices: Sequence[Choice], data: Mapping) -> dict:
    keys = {choice.key for choice in choices}
    kind = question.kind
    if kind == Question.Kind.SINGLE:
        key = _one(data, "choice", "Choose one of the answers, then check it.")
        if key not in keys:
            raise AnswerError("That answer is not one of this question's choices. Reload the page.")
        return {"choice": key}
    if kind == Question.Kind.MULTIPLE:
        picked = data.getlist("choices") if hasattr(data, "getlist") else data.get("choices", [])
        if not picked:
            raise AnswerError("Select at least one answer, then check it.")
        if not set(picked) <= keys or len(set(picked)) != len(picked):
            raise AnswerError(
                "Some of those answers are not this question's choices: reload the page."
            )
        return {"choices": sorted(picked)}
    if kind == Question.Kind.TRUE_FALSE:
        value = _one(data, "choice", "Choose true or false, then check it.")
        if value not in ("true", "false"):
            raise AnswerError("Choose true or false.")
        return {"choice": value}
    if kind == Question.Kind.ORDERING:
        items = question.spec["items"]
        order = [
            _one(data, f"position-{n}", f"Choose a layer for position {n}.")
            for n in range(1, len(items) + 1)
        ]
        if not set(order) <= set(items):
            raise AnswerError(
                "Those positions name a layer this question does not have. Reload the page."
            )
        if len(set(order)) != len(order):
            raise AnswerError("Use each layer once: two positions hold the same layer.")
        return {"order": order}
    return {"stack": challenge_stack(data)}


def challenge_stack(data: Mapping) -> list[str]:
    """The stack a challenge's layer-1… selects describe, bottom first, empty slots skipped."""
    stack = []
    for n in range(1, engine.CHALLENGE_SLOTS + 1):
        value = data.get(f"layer-{n}", "")
        if value:
            if value not in engine.LAYERS:
                raise AnswerError(messages.unknown_layer(value))
            stack.append(value)
    if not stack:
        raise AnswerError("Build a stack first: choose at least Hardware for layer 1.")
    return stack


def grade(question: Question, choices: Sequence[Choice], response: dict) -> Grade:
    kind = question.kind
    if kind == Question.Kind.SINGLE:
        correct = any(c.key == response["choice"] and c.correct for c in choices)
    elif kind == Question.Kind.MULTIPLE:
        correct = set(response["choices"]) == {c.key for c in choices if c.correct}
    elif kind == Question.Kind.TRUE_FALSE:
        correct = (response["choice"] == "true") == question.spec["answer"]
    elif kind == Question.Kind.ORDERING:
        correct = response["order"] == question.spec["items"]
    else:
        return grade_challenge(question.spec, response["stack"])
    return Grade(correct=correct, mark=int(correct))


def grade_challenge(spec: dict, stack: Sequence[str]) -> Grade:
    """Any stack that meets every constraint passes; feedback names each miss and by how much."""
    result = engine.simulate(
        stack, instances=spec["instances"], host_memory_mb=spec["host_memory_mb"]
    )
    if result.metrics is None:
        return Grade(False, 0, [messages.cannot_run(p.message) for p in result.problems])
    if (reason := engine.application_problem(result.stack)) is not None:
        return Grade(False, 0, [reason])
    feedback = [
        miss
        for name, limit in spec["constraints"].items()
        if (
            miss := CONSTRAINTS[name].miss(
                result.metrics.value(CONSTRAINTS[name].metric.name), limit
            )
        )
    ]
    return Grade(not feedback, int(not feedback), feedback)
