"""What happens, step by step, while one instance of a stack starts: the boot timeline.

``boot_timeline(stack)`` lists the steps of the layers created for each instance, bottom up,
each with when it starts, how long it takes and the source of that figure. The catalogue splits
a layer's startup into phases where a source allows (a VM's firmware, boot loader, kernel and
init; a container's runtime chain and runc); a layer without phases is one step. The steps add
up to the engine's startup figure, plus the image pull in front when ``image_cached`` is False
and the instances are containers.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.catalogue import LAYERS, Figure, Layer, Source
from simulator.engine import NESTED, simulate

__all__ = ["Step", "boot_timeline"]

PULL = "Image pull (the image is not on this host yet)"
_PULLED_BY = frozenset({"container-runtime", "sandbox-runtime", "vm-runtime"})
"""Kinds of instancer that start from an image pulled from a registry."""


@dataclass(frozen=True, slots=True)
class Step:
    """One step of an instance's start: ``layer`` is the slug of the layer it belongs to."""

    layer: str
    layer_name: str
    name: str
    start_ms: float
    duration_ms: float
    source: Source | None
    estimate: bool
    note: str

    @property
    def end_ms(self) -> float:
        return self.start_ms + self.duration_ms

    @property
    def year(self) -> int | None:
        return self.source.year if self.source else None


def _phases(layer: Layer, figure: Figure) -> list[tuple[str, Figure]]:
    if layer.phases:
        return [(phase.name, phase.duration) for phase in layer.phases]
    return [(f"{layer.name} starts", figure)]


def boot_timeline(stack: Sequence[str], image_cached: bool = True) -> tuple[Step, ...]:
    """The steps of starting one instance of ``stack``; empty when the stack cannot run."""
    result = simulate(stack, instances=1)
    if result.metrics is None:
        return ()
    parts: list[tuple[Layer, str, Figure, float]] = []
    instancer = LAYERS.get(result.metrics.instancer or "")
    app = LAYERS["app"]
    if (
        not image_cached
        and instancer is not None
        and instancer.kind in _PULLED_BY
        and "app" in result.stack
        and app.figures.pull_ms is not None
    ):
        parts.append((app, PULL, app.figures.pull_ms, app.figures.pull_ms.value))
    for entry in result.metrics.ledger.startup_ms:
        if not entry.per_instance:
            continue  # already running when the instance starts
        layer = LAYERS[entry.slug]
        if entry.name == NESTED:
            parts.append((layer, NESTED, entry.figure, entry.contribution))
            continue
        parts += [
            (layer, name, figure, figure.value) for name, figure in _phases(layer, entry.figure)
        ]
    steps, start = [], 0.0
    for layer, name, figure, duration in parts:
        steps.append(
            Step(
                layer=layer.slug,
                layer_name=layer.name,
                name=name,
                start_ms=start,
                duration_ms=duration,
                source=figure.source,
                estimate=figure.estimate,
                note=figure.note,
            )
        )
        start += duration
    return tuple(steps)
