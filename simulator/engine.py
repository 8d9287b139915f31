"""The CVM Lab simulator's sums: what running a stack of layers costs on one host.

A *stack* is a sequence of layer slugs, bottom first: ``("hardware", "host-os",
"container-runtime", "app")``. ``validate`` says what is wrong with it (the rules and their words
live in ``rules.py``); ``simulate`` adds up the catalogue's figures for a number of instances on
one host and returns a ``Result`` whose ``metrics`` are ``None`` when the stack cannot run.
``explain.py`` says what moved between two results; ``units.py`` writes the numbers.

The *instance boundary* is the topmost layer that creates instances (a hypervisor, a container
runtime…). It and everything above it are created once per instance; the layers below are
shared, already running, and counted once. With no such layer, instances are plain processes
on the topmost OS.

Standard library only: this module knows nothing of Django.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from simulator import messages
from simulator.catalogue import (
    HYPERVISOR_TYPES,
    ISOLATION_CAVEAT,
    ISOLATION_LEVELS,
    LAYERS,
    PRESETS,
    SOURCES,
    Figure,
    Layer,
    Preset,
    Source,
)
from simulator.limits import (
    CHALLENGE_SLOTS,
    DEFAULT_HOST_CORES,
    DEFAULT_HOST_MEMORY_MB,
    DEFAULT_INSTANCES,
    DEFAULT_IO_INTENSITY,
    MAX_HOST_CORES,
    MAX_HOST_MEMORY_MB,
    MAX_INSTANCES,
    MAX_IO_INTENSITY,
    MAX_LAYERS,
    MIN_HOST_CORES,
    MIN_HOST_MEMORY_MB,
    MIN_INSTANCES,
    MIN_IO_INTENSITY,
    check_settings,
)
from simulator.result import Ledger, LedgerEntry, Metrics, Result
from simulator.rules import OS_KINDS, Note, Problem, check

__all__ = [
    "CHALLENGE_SLOTS",
    "DEFAULT_HOST_CORES",
    "DEFAULT_HOST_MEMORY_MB",
    "DEFAULT_INSTANCES",
    "DEFAULT_IO_INTENSITY",
    "HYPERVISOR_TYPES",
    "ISOLATION_CAVEAT",
    "ISOLATION_LEVELS",
    "LAYERS",
    "MAX_HOST_CORES",
    "MAX_HOST_MEMORY_MB",
    "MAX_INSTANCES",
    "MAX_IO_INTENSITY",
    "MAX_LAYERS",
    "MIN_HOST_CORES",
    "MIN_HOST_MEMORY_MB",
    "MIN_INSTANCES",
    "MIN_IO_INTENSITY",
    "PRESETS",
    "SOURCES",
    "Figure",
    "Layer",
    "Ledger",
    "LedgerEntry",
    "Metrics",
    "Note",
    "Preset",
    "Problem",
    "Result",
    "Source",
    "counterpart_of",
    "simulate",
    "sources",
    "validate",
]


def validate(stack: Sequence[str]) -> tuple[Problem, ...]:
    """Everything wrong with ``stack`` (bottom layer first); empty when it can run."""
    return check(tuple(stack))[0]


# --- Composition --------------------------------------------------------------------------------

_INSTANCERS = frozenset(slug for slug, layer in LAYERS.items() if layer.creates_instances)
_COMPLETE = frozenset({"app", "unikernel"})


@dataclass(frozen=True, slots=True)
class _Charge:
    """A memory or disk figure of one layer, paid once per instance or once per host."""

    slug: str
    name: str
    per_instance: bool
    figure: Figure


@dataclass
class _Sums:
    """The running totals of a stack's figures, bottom up, with the entries behind them."""

    startup_ms: float = 0.0
    memory_each: float = 0.0
    memory_once: float = 0.0
    disk_each: float = 0.0
    disk_once: float = 0.0
    compute_left: float = 1.0
    io_left: float = 1.0
    startup: list[LedgerEntry] = field(default_factory=list)
    memory: list[_Charge] = field(default_factory=list)
    disk: list[_Charge] = field(default_factory=list)
    compute: list[LedgerEntry] = field(default_factory=list)
    io: list[LedgerEntry] = field(default_factory=list)

    def add(self, layer: Layer, each: bool, disk_each: bool) -> None:
        """Add one layer's figures; ``each``: it is created per instance; ``disk_each``: so is
        its disk (not when it runs from an image every instance shares)."""
        figures, slug, name = layer.figures, layer.slug, layer.name
        if (figure := figures.startup_ms) is not None:
            amount = figure.value if each else 0.0  # a shared layer is already running
            self.startup_ms += amount
            self.startup.append(LedgerEntry(slug, name, amount, each, figure, amount))
        for figure, per in ((figures.memory_mb, each), (figures.shared_memory_mb, False)):
            if figure is not None:
                self.memory.append(_Charge(slug, name, per, figure))
                if per:
                    self.memory_each += figure.value
                else:
                    self.memory_once += figure.value
        for figure, per in ((figures.disk_mb, disk_each), (figures.shared_disk_mb, False)):
            if figure is not None:
                self.disk.append(_Charge(slug, name, per, figure))
                if per:
                    self.disk_each += figure.value
                else:
                    self.disk_once += figure.value
        if (figure := figures.compute_overhead) is not None:
            amount = self.compute_left * figure.value  # this layer's share of what is lost
            self.compute_left -= amount
            self.compute.append(LedgerEntry(slug, name, amount, each, figure, amount))
        if (figure := figures.io_overhead) is not None:
            amount = self.io_left * figure.value
            self.io_left -= amount
            self.io.append(LedgerEntry(slug, name, amount, each, figure, amount))


@dataclass(frozen=True, slots=True)
class _Plan:
    """Everything about a valid stack that does not depend on the settings."""

    layers: tuple[Layer, ...]
    per_instance: tuple[bool, ...]
    instancer: Layer | None
    hypervisor_type: int | None
    complete: bool
    sums: _Sums
    isolation: int | None
    isolation_label: str | None
    isolation_shares: str | None


def _boundary(stack: tuple[str, ...]) -> int:
    """The index of the lowest layer created per instance (``len(stack)`` if there is none):
    the topmost layer that creates instances or, failing one, whatever sits on the topmost OS."""
    for index in range(len(stack) - 1, -1, -1):
        if stack[index] in _INSTANCERS:
            return index
    for index in range(len(stack) - 1, -1, -1):
        if LAYERS[stack[index]].kind in OS_KINDS:
            return index + 1
    return len(stack)


def _resolved(stack: tuple[str, ...]) -> tuple[tuple[Layer, ...], int | None]:
    """The stack's layers, a hypervisor as its type's variant, and that type."""
    layers = []
    hypervisor_type = None
    for index, slug in enumerate(stack):
        layer = LAYERS[slug]
        if slug == "hypervisor":
            hypervisor_type = 1 if stack[index - 1] == "hardware" else 2
            layer = HYPERVISOR_TYPES[hypervisor_type]
        layers.append(layer)
    return tuple(layers), hypervisor_type


@lru_cache(maxsize=4096)
def _plan(stack: tuple[str, ...]) -> _Plan:
    """Add up a valid stack's figures, per instance and shared (cached, like ``rules.check``)."""
    layers, hypervisor_type = _resolved(stack)
    boundary = _boundary(stack)
    instancer = (
        layers[boundary] if boundary < len(stack) and layers[boundary].creates_instances else None
    )
    # All instances run one read-only image: the disk of the layers above it is paid once.
    image_above = instancer is not None and instancer.copy_on_write
    sums = _Sums()
    for index, layer in enumerate(layers):
        each = index >= boundary
        sums.add(layer, each, each and not (image_above and index > boundary))
    if instancer is not None:
        isolation, shares = instancer.isolation, instancer.shares
    else:  # plain processes on an OS
        isolation = 1 if any(layer.kind in OS_KINDS for layer in layers) else None
        shares = ""
    level = ISOLATION_LEVELS[isolation] if isolation is not None else None
    return _Plan(
        layers=layers,
        per_instance=tuple(index >= boundary for index in range(len(stack))),
        instancer=instancer,
        hypervisor_type=hypervisor_type,
        complete=bool(_COMPLETE & set(stack)),
        sums=sums,
        isolation=isolation,
        isolation_label=level.label if level is not None else None,
        isolation_shares=(shares or level.shares) if level is not None else None,
    )


def _scaled(charges: list[_Charge], instances: int) -> tuple[LedgerEntry, ...]:
    """Ledger entries for memory or disk: per-instance figures times the instances."""
    return tuple(
        LedgerEntry(
            charge.slug,
            charge.name,
            charge.figure.value * instances if charge.per_instance else charge.figure.value,
            charge.per_instance,
            charge.figure,
            charge.figure.value,
        )
        for charge in charges
    )


def _density(plan: _Plan, host_memory_mb: int) -> tuple[int | None, int | None, Figure | None]:
    """How many instances fit: by memory, after the platform's cap, and that cap."""
    sums = plan.sums
    cap = plan.instancer.figures.density_cap if plan.instancer is not None else None
    spare = host_memory_mb - sums.memory_once
    if spare < 0:
        by_memory: int | None = 0
    elif sums.memory_each > 0:
        by_memory = math.floor(spare / sums.memory_each)
    else:
        by_memory = None  # nothing is paid per instance: memory sets no limit
    density = by_memory
    if cap is not None:
        density = int(cap.value) if density is None else min(density, int(cap.value))
    return density, by_memory, cap


def _metrics(plan: _Plan, instances: int, host_memory_mb: int, io_intensity: float) -> Metrics:
    sums = plan.sums
    density, by_memory, cap = _density(plan, host_memory_mb)
    return Metrics(
        per_instance=plan.per_instance,
        instancer=plan.instancer.slug if plan.instancer is not None else None,
        hypervisor_type=plan.hypervisor_type,
        startup_ms=sums.startup_ms,
        memory_per_instance_mb=sums.memory_each,
        memory_shared_mb=sums.memory_once,
        memory_total_mb=sums.memory_once + sums.memory_each * instances,
        disk_per_instance_mb=sums.disk_each,
        disk_shared_mb=sums.disk_once,
        disk_total_mb=sums.disk_once + sums.disk_each * instances,
        compute_overhead=1.0 - sums.compute_left,
        io_overhead=1.0 - sums.io_left,
        throughput=sums.compute_left ** (1.0 - io_intensity) * sums.io_left**io_intensity,
        isolation=plan.isolation,
        isolation_label=plan.isolation_label,
        isolation_shares=plan.isolation_shares,
        density=density,
        density_by_memory=by_memory,
        density_cap=cap,
        fits=density is None or instances <= density,
        ledger=Ledger(
            startup_ms=tuple(sums.startup),
            memory_mb=_scaled(sums.memory, instances),
            disk_mb=_scaled(sums.disk, instances),
            compute_overhead=tuple(sums.compute),
            io_overhead=tuple(sums.io),
        ),
    )


def _crowded(metrics: Metrics, instances: int, host_memory_mb: int) -> Note:
    """Why ``instances`` do not fit on the host: memory, or the platform's cap."""
    by_memory = metrics.density_by_memory
    if by_memory is not None and by_memory < instances:
        return Note(
            None,
            None,
            messages.does_not_fit(instances, metrics.memory_total_mb, host_memory_mb, by_memory),
        )
    cap = metrics.density_cap
    assert cap is not None  # density was limited by memory or by the cap
    return Note(None, None, messages.capped(int(cap.value), cap.note))


def simulate(
    stack: Sequence[str],
    instances: int = DEFAULT_INSTANCES,
    host_memory_mb: int = DEFAULT_HOST_MEMORY_MB,
    host_cores: int = DEFAULT_HOST_CORES,
    io_intensity: float = DEFAULT_IO_INTENSITY,
) -> Result:
    """What running ``instances`` copies of the application on ``stack`` costs on one host.

    Never raises for a bad stack: the result then has the problems and no metrics. Raises
    ``ValueError`` for a setting outside the bounds in ``simulator.limits``. ``host_cores`` is
    checked and recorded; no figure in the catalogue depends on it yet.
    """
    check_settings(instances, host_memory_mb, host_cores, io_intensity)
    stack = tuple(stack)
    problems, notes = check(stack)
    settings = {
        "instances": instances,
        "host_memory_mb": host_memory_mb,
        "host_cores": host_cores,
        "io_intensity": io_intensity,
    }
    if problems:
        layers = tuple(LAYERS.get(slug) for slug in stack)
        complete = bool(_COMPLETE & set(stack))
        return Result(stack, layers, problems, notes, complete, **settings)
    plan = _plan(stack)
    metrics = _metrics(plan, instances, host_memory_mb, io_intensity)
    if not metrics.fits:
        notes += (_crowded(metrics, instances, host_memory_mb),)
    if not plan.complete:
        notes += (Note(None, None, messages.NO_APPLICATION),)
    return Result(stack, plan.layers, (), notes, plan.complete, **settings, metrics=metrics)


def sources(result: Result) -> tuple[Source, ...]:
    """The distinct sources behind a result's figures, in numeric order (S1, S2, … S35)."""
    if result.metrics is None:
        return ()
    figures = [entry.figure for entry in result.metrics.ledger.entries()]
    if result.metrics.density_cap is not None:
        figures.append(result.metrics.density_cap)
    found = {figure.source.id: figure.source for figure in figures if figure.source is not None}
    return tuple(sorted(found.values(), key=lambda source: source.number))


# --- Comparing ----------------------------------------------------------------------------------

_COUNTERPARTS = {preset.layers: PRESETS[preset.counterpart].layers for preset in PRESETS.values()}
_VM_KINDS = frozenset({"hypervisor", "microvm", "vm-runtime", "unikernel"})


def counterpart_of(stack: Sequence[str]) -> tuple[str, ...]:
    """The stack to chart next to ``stack``: a preset's own counterpart, otherwise the container
    preset for anything with a VM in it and the VM preset for anything without."""
    stack = tuple(stack)
    if stack in _COUNTERPARTS:
        return _COUNTERPARTS[stack]
    vm_like = any(slug in LAYERS and LAYERS[slug].kind in _VM_KINDS for slug in stack)
    return PRESETS["container"].layers if vm_like else PRESETS["vm"].layers
