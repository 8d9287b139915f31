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
