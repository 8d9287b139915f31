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
from dataclasses import dataclass
from functools import lru_cache

from simulator import messages
from simulator.catalogue import (
    CPU,
    ISOLATION_CAVEAT,
    ISOLATION_LEVELS,
    LAYERS,
    NESTING,
    PRESETS,
    SOURCES,
    WORKLOADS,
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
from simulator.result import Ledger, LedgerEntry, Metrics, Result, Settings
from simulator.rules import OS_KINDS, Note, Problem, application_problem, check
from simulator.sums import Sums, Totals, scaled

__all__ = [
    "CHALLENGE_SLOTS",
    "DEFAULT_HOST_CORES",
    "DEFAULT_HOST_MEMORY_MB",
    "DEFAULT_INSTANCES",
    "DEFAULT_WORKLOAD",
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
    "WORKLOADS",
    "Figure",
    "Layer",
    "Ledger",
    "LedgerEntry",
    "Metrics",
    "Note",
    "Preset",
    "Problem",
    "Result",
    "Settings",
    "Source",
    "application_problem",
    "counterpart_of",
    "simulate",
    "sources",
    "validate",
]


def validate(stack: Sequence[str]) -> tuple[Problem, ...]:
    """Everything wrong with ``stack`` (bottom layer first); empty when it can run."""
    return check(tuple(stack))[0]


# --- Composition --------------------------------------------------------------------------------

DEFAULT_WORKLOAD = next(iter(WORKLOADS))
"""The workload a simulation assumes when none is chosen (the catalogue's first)."""

_INSTANCERS = frozenset(slug for slug, layer in LAYERS.items() if layer.creates_instances)
_COMPLETE = frozenset({"app", "unikernel"})
_VM_INSTANCERS = frozenset({"hypervisor", "hosted-hypervisor", "microvm", "vm-runtime"})
"""Kinds of layer whose instances are VMs, each with its own virtual CPUs."""
_NESTS = frozenset({"hypervisor", "hosted-hypervisor", "microvm", "vm-runtime"})
"""Kinds of layer that need the processor's virtualization, and so nest inside another VM."""
NESTED = "Nested virtualization"


@dataclass(frozen=True, slots=True, eq=False)
class _Plan:
    """Everything about a valid stack that does not depend on the settings."""

    layers: tuple[Layer, ...]
    per_instance: tuple[bool, ...]
    instancer: Layer | None
    hypervisor_type: int | None
    complete: bool
    sums: Totals
    isolation: int | None
    isolation_label: str | None
    isolation_shares: str | None
    density_cap: Figure | None
    nested: int | None


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


def _nested(layers: tuple[Layer, ...]) -> int | None:
    """The index of the lowest layer that virtualizes inside another VM, if any."""
    for index, layer in enumerate(layers):
        if layer.kind in _NESTS and any(below.kind in _NESTS for below in layers[:index]):
            return index
    return None


def _add_nesting(sums: Sums, layers: tuple[Layer, ...], nested: int, boundary: int) -> None:
    """Charge a VM inside a VM: the inner VM's boot takes longer (if it boots per instance),
    and its compute and I/O lose more on top of both VMs' own overheads."""
    layer = layers[nested]
    inner = sum(
        below.figures.startup_ms.value
        for index, below in enumerate(layers)
        if index >= max(nested, boundary) and below.figures.startup_ms is not None
    )
    factor = NESTING.startup_factor
    sums.add_startup(layer.slug, NESTED, factor.value * inner, nested >= boundary, factor)
    sums.add_overheads(
        layer.slug, NESTED, nested >= boundary, NESTING.compute_overhead, NESTING.io_overhead
    )


def _cap(layers: tuple[Layer, ...], instancer: Layer | None) -> Figure | None:
    """The tightest platform limit on the instances, from a layer in the stack that imposes
    one on this kind of instancer (the kubelet on pods, Hyper-V on VMs)."""
    if instancer is None:
        return None
    caps = [
        layer.figures.density_cap
        for layer in layers
        if instancer.kind in layer.caps and layer.figures.density_cap is not None
    ]
    return min(caps, key=lambda figure: figure.value, default=None)


@lru_cache(maxsize=4096)
def _plan(stack: tuple[str, ...]) -> _Plan:
    """Add up a valid stack's figures, per instance and shared (cached, like ``rules.check``)."""
    layers = tuple(LAYERS[slug] for slug in stack)
    boundary = _boundary(stack)
    instancer = (
        layers[boundary] if boundary < len(stack) and layers[boundary].creates_instances else None
    )
    # All instances run one read-only image: the disk of the layers above it is paid once.
    image_above = instancer is not None and instancer.copy_on_write
    sums = Sums()
    for index, layer in enumerate(layers):
        each = index >= boundary
        sums.add(layer, each, each and not (image_above and index > boundary))
    nested = _nested(layers)
    if nested is not None:
        _add_nesting(sums, layers, nested, boundary)
    if instancer is not None:
        isolation, shares = instancer.isolation, instancer.shares
    else:  # plain processes on an OS
        isolation = 1 if any(layer.kind in OS_KINDS for layer in layers) else None
        shares = ""
    level = ISOLATION_LEVELS[isolation] if isolation is not None else None
    types = [layer.hypervisor_type for layer in layers if layer.hypervisor_type is not None]
    return _Plan(
        layers=layers,
        per_instance=tuple(index >= boundary for index in range(len(stack))),
        instancer=instancer,
        hypervisor_type=types[-1] if types else None,
        complete=bool(_COMPLETE & set(stack)),
        sums=sums.totals(),
        isolation=isolation,
        isolation_label=level.label if level is not None else None,
        isolation_shares=(shares or level.shares) if level is not None else None,
        density_cap=_cap(layers, instancer),
        nested=nested,
    )


def _density(plan: _Plan, host_memory_mb: int) -> tuple[int | None, int | None]:
    """How many instances fit, after the platform's cap, and how many memory alone allows."""
    sums = plan.sums
    cap = plan.density_cap
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
    return density, by_memory


def _cpu(plan: _Plan, instances: int, host_cores: int) -> tuple[float, float | None, int | None]:
    """Each busy instance's share of the host's cores, the virtual CPUs that bound it (VMs only),
    and how many VMs the cores allow at the scheduler's default allocation ratio."""
    share = host_cores / instances
    if plan.instancer is None or plan.instancer.kind not in _VM_INSTANCERS:
        return share, None, None  # a process or container may use every core: no per-core cap
    vcpus = CPU.vcpus_per_vm.value
    by_cpu = math.floor(host_cores * CPU.allocation_ratio.value / vcpus)
    return min(share, vcpus), vcpus, by_cpu


@lru_cache(maxsize=4096)
def _ledger(plan: _Plan, instances: int) -> Ledger:
    """A plan's ledger for a number of instances (cached: learners revisit the same states)."""
    sums = plan.sums
    return Ledger(
        startup_ms=sums.startup,
        memory_mb=scaled(sums.memory, instances),
        disk_mb=scaled(sums.disk, instances),
        compute_overhead=sums.compute,
        io_overhead=sums.io,
    )


def _metrics(plan: _Plan, settings: Settings) -> Metrics:
    sums, instances, w = plan.sums, settings.instances, settings.io_intensity
    density, by_memory = _density(plan, settings.host_memory_mb)
    cpu_share, vcpus, by_cpu = _cpu(plan, instances, settings.host_cores)
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
        throughput=sums.compute_left ** (1.0 - w) * sums.io_left**w,
        isolation=plan.isolation,
        isolation_label=plan.isolation_label,
        isolation_shares=plan.isolation_shares,
        density=density,
        density_by_memory=by_memory,
        density_cap=plan.density_cap,
        fits=density is None or instances <= density,
        cpu_per_instance=cpu_share,
        vcpus_per_instance=vcpus,
        density_by_cpu=by_cpu,
        nested=plan.nested is not None,
        ledger=_ledger(plan, instances),
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


def _settings(
    instances: int,
    host_memory_mb: int,
    host_cores: int,
    workload: str,
    io_intensity: float | None,
) -> Settings:
    if workload not in WORKLOADS:
        raise ValueError(f"workload must be one of {', '.join(WORKLOADS)}, not {workload!r}")
    if io_intensity is None:
        io_intensity = WORKLOADS[workload].io_intensity.value
    check_settings(instances, host_memory_mb, host_cores, io_intensity)
    return Settings(instances, host_memory_mb, host_cores, workload, io_intensity)


def simulate(
    stack: Sequence[str],
    instances: int = DEFAULT_INSTANCES,
    host_memory_mb: int = DEFAULT_HOST_MEMORY_MB,
    host_cores: int = DEFAULT_HOST_CORES,
    io_intensity: float | None = None,
    workload: str = DEFAULT_WORKLOAD,
) -> Result:
    """What running ``instances`` copies of the application on ``stack`` costs on one host.

    ``workload`` (a slug of ``WORKLOADS``) sets how much of the application's time goes to I/O;
    ``io_intensity`` overrides it with a number from 0 to 1. Never raises for a bad stack: the
    result then has the problems and no metrics. Raises ``ValueError`` for a setting outside the
    bounds in ``simulator.limits`` or an unknown workload.
    """
    settings = _settings(instances, host_memory_mb, host_cores, workload, io_intensity)
    stack = tuple(stack)
    problems, notes = check(stack)
    if problems:
        layers = tuple(LAYERS.get(slug) for slug in stack)
        complete = bool(_COMPLETE & set(stack))
        return Result(stack, layers, problems, notes, complete, settings)
    plan = _plan(stack)
    metrics = _metrics(plan, settings)
    if not metrics.fits:
        notes += (_crowded(metrics, instances, host_memory_mb),)
    if not plan.complete:
        notes += (Note(None, None, messages.NO_APPLICATION),)
    return Result(stack, plan.layers, (), notes, plan.complete, settings, metrics)


def cited(result: Result) -> tuple[Figure, ...]:
    """Every catalogue figure a valid result's metrics rest on."""
    if result.metrics is None:
        return ()
    metrics = result.metrics
    figures = [entry.figure for entry in metrics.ledger.entries()]
    if metrics.density_cap is not None:
        figures.append(metrics.density_cap)
    if metrics.vcpus_per_instance is not None:
        figures += [CPU.vcpus_per_vm, CPU.allocation_ratio]
    figures.append(WORKLOADS[result.workload].io_intensity)
    return tuple(figures)


def sources(result: Result) -> tuple[Source, ...]:
    """The distinct sources behind a result's figures, in numeric order (S1, S2, …)."""
    found = {figure.source.id: figure.source for figure in cited(result) if figure.source}
    return tuple(sorted(found.values(), key=lambda source: source.number))


# --- Comparing ----------------------------------------------------------------------------------

_COUNTERPARTS = {preset.layers: PRESETS[preset.counterpart].layers for preset in PRESETS.values()}
_VM_KINDS = _VM_INSTANCERS | {"unikernel"}


def counterpart_of(stack: Sequence[str]) -> tuple[str, ...]:
    """The stack to chart next to ``stack``: a preset's own counterpart, otherwise the container
    preset for anything with a VM in it and the VM preset for anything without."""
    stack = tuple(stack)
    if stack in _COUNTERPARTS:
        return _COUNTERPARTS[stack]
    vm_like = any(slug in LAYERS and LAYERS[slug].kind in _VM_KINDS for slug in stack)
    return PRESETS["container"].layers if vm_like else PRESETS["vm"].layers
