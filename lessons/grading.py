"""Grading quiz answers. Only the server sees the answer key.

`grade` marks a response (as lessons.forms reads it from a submitted form) and explains.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from lessons.models import Choice, Question
from simulator import engine, messages
from simulator.metrics import CONSTRAINTS


@dataclass(frozen=True)
class Grade:
    correct: bool
    mark: int
    feedback: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Misconception:
    """What a wrong answer reveals (a label a teacher reads), the feedback that answers it, and
    where the simulator shows the counterexample."""

    label: str
    feedback_html: str
    simulator_url: str = ""


def misconceptions(
    question: Question, choices: Sequence[Choice], response: dict, correct: bool
) -> list[Misconception]:
    """The misconceptions a wrong answer reveals: each wrong choice picked names its own; the
    kinds with one wrong answer (true/false, ordering, challenge) name the question's."""
    if correct:
        return []
    picked = response.get("choices") or [response.get("choice")]
    found = [
        Misconception(choice.misconception, choice.feedback_html, choice.simulator_url)
        for choice in choices
        if choice.key in picked and not choice.correct and choice.misconception
    ]
    spec = question.spec
    if not found and spec.get("misconception"):
        found = [Misconception(spec["misconception"], spec.get("feedback_html", ""))]
    return found


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
