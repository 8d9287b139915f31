"""The page's "Watch it boot" section: each stack's start, step by step, and the host filling up.

The server draws the whole timeline (a list a learner can read without JavaScript, with every
step's duration, source and year); boot.js replays it in real time or ten times faster, races two
stacks against each other, and starts instances one after another until the host is full. The
numbers it needs travel as data attributes; it computes nothing but the clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator import boot, units
from simulator.tower import Tower

SPEEDS = (1, 10)
"""How much faster than real time the replay may run."""


@dataclass(frozen=True)
class Lane:
    """One stack's start. ``steps`` lines up with the timeline; ``scale_ms`` is the longest
    start shown, so that two stacks racing are drawn on the same time scale."""

    id: str
    name: str
    total_ms: float
    steps: tuple[dict, ...]
    memory_each_mb: float
    memory_shared_mb: float
    host_memory_mb: int
    density: int | None
    instances: int

    @property
    def total(self) -> str:
        return units.seconds(self.total_ms)

    @property
    def running(self) -> int:
        """How many instances "Start N instances" ends with: N, or as many as fit."""
        return self.instances if self.density is None else min(self.instances, self.density)

    @property
    def memory_end_mb(self) -> float:
        return self.memory_shared_mb + self.memory_each_mb * self.running

    @property
    def fill(self) -> str:
        """What "Start N instances" ends with, in words (also the text shown without motion)."""
        if self.density is None or self.instances <= self.density:
            return f"{units.count(self.instances)} instances running"
        return (
            f"{units.count(self.density)} of {units.count(self.instances)} started: "
            "the host is full"
        )


def _basis(step: boot.Step) -> str:
    if step.source is None:
        return "estimate" if step.duration_ms else "not measured: it depends on the application"
    return f"{step.source.id}, {step.year}" + (", estimate" if step.estimate else "")


def _time(ms: float) -> str:
    return units.seconds(ms) if ms else "0 ms"


def _steps(steps: tuple[boot.Step, ...]) -> tuple[dict, ...]:
    return tuple(
        {
            "name": step.name,
            "layer": step.layer_name,
            "start_ms": step.start_ms,
            "duration_ms": step.duration_ms,
            "start": _time(step.start_ms),
            "duration": _time(step.duration_ms),
            "basis": _basis(step),
            "note": step.note,
        }
        for step in steps
    )


def lanes(towers: list[Tower], image_cached: bool) -> list[Lane]:
    """A lane per stack that can run, in the towers' order."""
    found = []
    for tower in towers:
        metrics = tower.result.metrics
        steps = boot.boot_timeline(tower.result.stack, image_cached) if metrics else ()
        if not steps:
            continue
        found.append(
            Lane(
                id=f"boot-{tower.side}",
                name=tower.name or tower.title,
                total_ms=steps[-1].end_ms,
                steps=_steps(steps),
                memory_each_mb=metrics.memory_per_instance_mb,
                memory_shared_mb=metrics.memory_shared_mb,
                host_memory_mb=tower.result.host_memory_mb,
                density=metrics.density,
                instances=tower.result.instances,
            )
        )
    return found


def section(towers: list[Tower], image_cached: bool) -> dict:
    """Everything the section shows; ``scale_ms`` is the common time scale of the lanes."""
    found = lanes(towers, image_cached)
    scale = max((lane.total_ms for lane in found), default=0.0)
    # The engine says which stacks start from an image pulled from a registry.
    offers_pull = any(
        len(boot.boot_timeline(t.result.stack, False)) > len(boot.boot_timeline(t.result.stack))
        for t in towers
        if t.result.metrics
    )
    return {
        "lanes": found,
        "race": len(found) > 1,
        "scale_ms": max(scale, 1.0),
        "image_cached": image_cached,
        "offers_pull": offers_pull,
        "speeds": SPEEDS,
        "instances": towers[0].result.instances,
    }
