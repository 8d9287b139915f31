"""The towers the simulator page draws, and what their buttons do.

A tower is one stack drawn as an ordered list, bottom layer first. The page draws one tower, or two
side by side when it compares stacks; both can be edited. Every layer's buttons (move up, move
down, remove) submit the page's one state form with ``edit=<side>:<operation>:<index>``, for
example ``compare:up:2``: the state travels once per page, not once per button, and the view
works out the state an edit leads to (``edited``), as it does for the palette's buttons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from simulator import engine

SIDES = {"stack": "Your stack", "compare": "Compared stack"}
OPERATIONS = {"up": "Move up", "down": "Move down", "remove": "Remove"}
_EDIT = re.compile(r"(stack|compare):(up|down|remove):(\d{1,2})")


@dataclass(frozen=True)
class Edit:
    """One press of a layer's button: which tower, what to do, and to which layer."""

    side: str
    operation: str
    index: int

    @property
    def value(self) -> str:
        return f"{self.side}:{self.operation}:{self.index}"

    @classmethod
    def parse(cls, text: str) -> Edit | None:
        match = _EDIT.fullmatch(text)
        return cls(match[1], match[2], int(match[3])) if match else None

    def possible(self, stack: tuple[str, ...]) -> bool:
        """Whether the layer is there and can move that way."""
        if self.index >= len(stack):
            return False
        if self.operation == "up":
            return self.index < len(stack) - 1
        if self.operation == "down":
            return self.index > 0
        return True

    def apply(self, stack: tuple[str, ...]) -> tuple[str, ...]:
        i = self.index
        if self.operation == "up":
            return stack[:i] + stack[i + 1 : i + 2] + (stack[i],) + stack[i + 2 :]
        if self.operation == "down":
            return stack[: i - 1] + (stack[i], stack[i - 1]) + stack[i + 1 :]
        return stack[:i] + stack[i + 1 :]


@dataclass(frozen=True)
class Button:
    id: str
    label: str
    value: str
    disabled: bool


@dataclass
class TowerLayer:
    index: int
    layer: engine.Layer
    per_instance: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)


@dataclass
class Tower:
    """One stack as the page draws it. ``heading_id`` labels its list; ``name`` is the preset's
    name when the stack is one."""

    side: str
    heading_id: str
    title: str
    name: str
    result: engine.Result
    layers: list[TowerLayer]
    problems: list[str]


def preset_name(stack: tuple[str, ...]) -> str:
    return next((p.name for p in engine.PRESETS.values() if p.layers == stack), "")


def build(side: str, result: engine.Result) -> Tower:
    stack = result.stack
    prefix = "" if side == "stack" else "compare-"
    per_instance = result.metrics.per_instance if result.metrics else (False,) * len(stack)
    layers = []
    for index, slug in enumerate(stack):
        buttons = []
        for operation, label in OPERATIONS.items():
            edit = Edit(side, operation, index)
            buttons.append(
                Button(f"{prefix}{operation}-{index}", label, edit.value, not edit.possible(stack))
            )
        layers.append(
            TowerLayer(
                index=index,
                layer=engine.LAYERS[slug],
                per_instance=per_instance[index],
                problems=[p.message for p in result.problems if p.index == index],
                notes=[n.message for n in result.notes if n.index == index],
                buttons=buttons,
            )
        )
    return Tower(
        side=side,
        heading_id=f"{prefix}tower-heading",
        title=SIDES[side],
        name=preset_name(stack),
        result=result,
        layers=layers,
        problems=[p.message for p in result.problems if p.index is None and stack],
    )
