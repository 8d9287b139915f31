"""Learner-facing sentences that more than one part of the site says, each worded once here.

A rule's own reason (why a layer cannot sit where it is) lives with the rule in ``rules.py``;
what changed between two steps lives in ``explain.py``.

Standard library only.
"""

from __future__ import annotations

from simulator.limits import MAX_LAYERS
from simulator.units import number

ECHO_CHARS = 40
"""The most of a learner's own text a message quotes back."""

EMPTY_STACK = "The stack is empty: start with Hardware."
NO_APPLICATION = "No application yet: add one on top to run something."
TOWER_FULL = f"The tower is full: a stack holds at most {MAX_LAYERS} layers. Remove one first."
STACK_TEXT_TOO_LONG = f"That stack is too long: a stack holds at most {MAX_LAYERS} layers."
CANNOT_RUN = "This stack cannot run: {reason}"


def echo(value: object) -> str:
    """What the learner typed, cut to ``ECHO_CHARS`` characters."""
    text = str(value)
    return text if len(text) <= ECHO_CHARS else text[: ECHO_CHARS - 1] + "…"


def unknown_layer(value: object) -> str:
    return f"“{echo(value)}” is not a layer this simulator knows. Pick one from the palette."


def too_many_layers(count: int) -> str:
    return (
        f"A stack holds at most {MAX_LAYERS} layers and this one has {count:,}: "
        f"remove {count - MAX_LAYERS:,}."
    )


def cannot_run(reason: str) -> str:
    return CANNOT_RUN.format(reason=reason)


def out_of_range(label: str, low: float, high: float) -> str:
    """A setting outside its bounds, in the words the form and the engine both use."""
    return f"{label} must be a whole number from {low:,} to {high:,}."


def does_not_fit(instances: int, need_mb: float, host_mb: int, fit: int) -> str:
    return (
        f"{instances:,} instances need {number(need_mb)} MB of memory but the host has "
        f"{host_mb:,} MB: at most {fit:,} fit."
    )


def capped(cap: int, why: str) -> str:
    return f"At most {cap:,} instances per host: {why}"
