"""The CVM Lab simulator: check a stack of layers and work out what running it costs.

A *stack* is a sequence of layer slugs, bottom first: ``("hardware", "host-os",
"container-runtime", "app")``. ``validate`` says what is wrong with it, in a learner's words;
``simulate`` adds up the catalogue's figures for a number of instances on one host;
``explain_change`` says what moved between two results.

The *instance boundary* is the topmost layer that creates instances (a hypervisor, a container
runtime…). It and everything above it are created once per instance; the layers below are
shared, already running, and counted once. With no such layer, instances are plain processes
on the topmost OS.

Standard library only: this module knows nothing of Django.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

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

__all__ = [
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
    "Change",
    "Figure",
    "Layer",
    "Ledger",
    "LedgerEntry",
    "Note",
    "Preset",
    "Problem",
    "Result",
    "Source",
    "counterpart_of",
    "explain_change",
    "simulate",
    "sources",
    "validate",
]

MAX_LAYERS = 12
MIN_INSTANCES, MAX_INSTANCES = 1, 100_000
MIN_HOST_MEMORY_MB, MAX_HOST_MEMORY_MB = 1024, 4_194_304
MIN_HOST_CORES, MAX_HOST_CORES = 1, 1024
MIN_IO_INTENSITY, MAX_IO_INTENSITY = 0.0, 1.0


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a stack cannot run, and how to fix it.

    ``index`` is the position of the layer at fault (0 = bottom), or ``None`` for the stack as a
    whole; ``layer`` is the slug found there.
    """

    index: int | None
    layer: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Note:
    """Something worth knowing about a stack that runs: a caveat, not a problem."""

    index: int | None
    layer: str | None
    message: str


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One layer's contribution to a metric, and the figure it comes from.

    ``per_instance`` is True when the contribution is paid by every instance (and so already
    multiplied by the number of instances), False when it is paid once per host.
    """

    slug: str
    name: str
    contribution: float
    per_instance: bool
    figure: Figure


@dataclass(frozen=True, slots=True)
class Ledger:
    """Where each metric comes from. The contributions of each tuple add up to the metric:
    ``startup_ms`` to ``Result.startup_ms``, ``memory_mb`` to ``Result.memory_total_mb``,
    ``disk_mb`` to ``Result.disk_total_mb``, and the overheads to ``Result.compute_overhead``
    and ``Result.io_overhead`` (each layer's share of the throughput lost, bottom up)."""

    startup_ms: tuple[LedgerEntry, ...]
    memory_mb: tuple[LedgerEntry, ...]
    disk_mb: tuple[LedgerEntry, ...]
    compute_overhead: tuple[LedgerEntry, ...]
    io_overhead: tuple[LedgerEntry, ...]


@dataclass(frozen=True, slots=True)
class Result:
    """What a stack costs on one host. Every metric is ``None`` when the stack is not valid.

    ``layers`` lines up with ``stack`` (``None`` for a slug the catalogue does not know), and
    ``per_instance`` says which of them are created for each instance. ``instancer`` is the
    slug of the layer that creates the instances (``None``: plain processes on an OS).
    ``complete`` is False while the stack has no application yet; its metrics are still
    worked out. Memory and disk come per instance, shared (once per host) and in total for
    ``instances``. ``throughput`` is relative to native (1.0). ``density`` is how many
    instances fit on the host: ``density_by_memory`` limited by ``density_cap`` (a platform
    limit, with its source); ``None`` when nothing is paid per instance and no cap applies.
    ``fits`` says whether ``instances`` fit.
    """

    stack: tuple[str, ...]
    layers: tuple[Layer | None, ...]
    problems: tuple[Problem, ...]
    notes: tuple[Note, ...]
    valid: bool
    complete: bool
    instances: int
    host_memory_mb: int
    host_cores: int
    io_intensity: float
    per_instance: tuple[bool, ...] | None = None
    instancer: str | None = None
    hypervisor_type: int | None = None
    startup_ms: float | None = None
    memory_per_instance_mb: float | None = None
    memory_shared_mb: float | None = None
    memory_total_mb: float | None = None
    disk_per_instance_mb: float | None = None
    disk_shared_mb: float | None = None
    disk_total_mb: float | None = None
    compute_overhead: float | None = None
    io_overhead: float | None = None
    throughput: float | None = None
    isolation: int | None = None
    isolation_label: str | None = None
    isolation_shares: str | None = None
    density: int | None = None
    density_by_memory: int | None = None
    density_cap: Figure | None = None
    fits: bool | None = None
    ledger: Ledger | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One metric that moved between two results, with a sentence for the learner."""

    metric: str
    delta: float
    text: str


# --- Validation ---------------------------------------------------------------------------------

_HARDWARE = "hardware"
_APP = "app"
_OSES = frozenset(slug for slug, layer in LAYERS.items() if layer.kind in {"host-os", "guest-os"})
_LINUX_KERNELS = frozenset(slug for slug in _OSES if LAYERS[slug].family == "linux")
_GUESTS = frozenset(slug for slug in _OSES if LAYERS[slug].kind == "guest-os")
_HOSTS = _OSES - _GUESTS
_VMMS = frozenset({"hypervisor", "microvm"})
_CONTAINER_RUNTIMES = frozenset({"container-runtime", "gvisor", "kata"})
_APP_PLATFORMS = _OSES | _CONTAINER_RUNTIMES | {"wasm-runtime"}
_INSTANCERS = frozenset(slug for slug, layer in LAYERS.items() if layer.creates_instances)
_VM_LIKE = frozenset({"hypervisor", "microvm", "kata", "unikernel"})
_EMPTY = "The stack is empty: start with Hardware."


def _name(slug: str) -> str:
    return LAYERS[slug].name


def _misplaced(slug: str, below: str) -> str | None:
    """What is wrong with ``slug`` sitting directly on ``below`` (both known), if anything."""
    name, below_name = _name(slug), _name(below)
    if below == _APP:
        return f"Nothing can sit on top of the Application: move {name} below it, or remove it."
    if below == "unikernel":
        return (
            "A unikernel already contains its OS and its application, so nothing can sit on top "
            f"of it: remove {name}."
        )
    if slug in _HOSTS:
        if below == _HARDWARE:
            return None
        if below in _VMMS:
            return (
                f"An OS on top of the {below_name} is a guest OS: replace {name} with a guest OS."
            )
        return f"A host OS runs directly on the Hardware: move {name} down to just above Hardware."
    if slug == "hypervisor":
        if below == _HARDWARE or below in _OSES:
            return None
        return (
            "A hypervisor runs directly on the Hardware (type 1) or on a host OS (type 2): "
            f"move it down, or put an OS between {below_name} and {name}."
        )
    if slug in _GUESTS:
        if below == "hypervisor" or (below == "microvm" and slug == "guest-os-minimal"):
            return None
        if below == "microvm":
            return (
                "A microVM monitor boots only a minimal Linux guest: replace "
                f"{name} with {_name('guest-os-minimal')}."
            )
        return f"A guest OS needs a hypervisor beneath it: add one between {below_name} and {name}."
    if slug == "microvm":
        if below == "host-os":
            return None
        return (
            f"The {name} (Firecracker-class) needs Linux with KVM beneath it: put "
            f"{_name('host-os')} directly below it."
        )
    if slug in _CONTAINER_RUNTIMES:
        if below in _LINUX_KERNELS:  # in a guest too; Kata then needs nested virtualization
            return None
        if below == "host-os-windows":
            if slug == "container-runtime":
                return (
                    "Linux containers need a Linux kernel, and Windows has none: add a Hypervisor "
                    f"and a Linux guest OS between {below_name} and {name}, as Docker Desktop does."
                )
            return f"The {name} needs Linux beneath it, not Windows: use {_name('host-os')}."
        if below == "guest-os-windows":
            return f"The {name} needs a Linux kernel: use a Linux guest OS instead of {below_name}."
        return (
            f"The {name} needs a Linux kernel directly beneath it: add a Linux OS between "
            f"{below_name} and {name}."
        )
    if slug == "unikernel":
        if below in _VMMS:
            return None
        if below in _GUESTS:
            return (
                "A unikernel replaces the guest OS: put it directly on the hypervisor, without "
                f"{below_name}."
            )
        return (
            "A unikernel boots directly on a hypervisor or a microVM monitor: put one between "
            f"{below_name} and {name}."
        )
    if slug == "wasm-runtime":
        if below in _OSES or below in _CONTAINER_RUNTIMES:
            return None
        return (
            f"The {name} is an ordinary program: it needs an OS or a container runtime directly "
            f"beneath it, not {below_name}."
        )
    if slug == _APP:
        if below in _APP_PLATFORMS:
            return None
        if below == _HARDWARE:
            return (
                "An application needs an operating system: add a host OS between Hardware and "
                "Application."
            )
        if below in _VMMS:
            guest = "a guest OS" if below == "hypervisor" else _name("guest-os-minimal")
            return (
                f"An application can't run on the {below_name} directly: add {guest} between them."
            )
        return f"An application needs an OS or a runtime directly beneath it, not {below_name}."
    return None  # pragma: no cover - every slug in the catalogue is handled above


def _placement_note(slug: str, below: str) -> str | None:
    """A caveat about ``slug`` on ``below``, for placements that are valid."""
    if slug == "hypervisor" and below in _GUESTS:
        return (
            "A hypervisor inside a VM needs nested virtualization, which the outer hypervisor must "
            "allow; it costs speed."
        )
    if slug == "hypervisor" and below == "host-os":
        return (
            "Type 2 here, because it runs on a host OS, so the simulator uses type-2 figures. In "
            "practice Linux with KVM counts as type 1: KVM is part of the Linux kernel."
        )
    if slug == "hypervisor" and below == "host-os-windows":
        return (
            "Type 2 here, because it runs on a host OS, so the simulator uses type-2 figures. In "
            "practice Hyper-V slips beneath Windows once enabled and behaves as type 1."
        )
    if slug == "kata" and below in _GUESTS:
        return (
            "Kata starts a VM for each container, so inside a guest OS it needs nested "
            "virtualization, which the outer hypervisor must allow; it costs speed."
        )
    if slug == "gvisor" and below in _GUESTS:
        return (
            "Inside a VM, run gVisor with its systrap platform: its KVM platform wants bare metal, "
            "and nested virtualization performs poorly."
        )
    if slug == "container-runtime" and below in _GUESTS:
        return (
            "The containers share this guest's kernel with each other; the VM around them "
            "separates them from the host, not from each other."
        )
    if slug == _APP and below == "wasm-runtime":
        return "The application must be compiled to WebAssembly (a JavaScript engine can be)."
    return None


def _unknown(slug: object) -> str:
    text = str(slug)
    if len(text) > 40:
        text = text[:39] + "…"
    return f"“{text}” is not a layer this simulator knows. Pick one from the palette."


@lru_cache(maxsize=4096)
def _check(stack: tuple[str, ...]) -> tuple[tuple[Problem, ...], tuple[Note, ...]]:
    """The problems with a stack and the notes on it, bottom up, one problem per layer at most.

    Cached: a stack's verdict never changes, and learners revisit the same few stacks."""
    if not stack:
        return (Problem(None, None, _EMPTY),), ()
    problems: list[Problem] = []
    notes: list[Note] = []
    if len(stack) > MAX_LAYERS:
        problems.append(
            Problem(
                None,
                None,
                f"A stack has at most {MAX_LAYERS} layers and this one has {len(stack)}: "
                f"remove {len(stack) - MAX_LAYERS}.",
            )
        )
    below: str | None = None  # the known layer directly beneath, None if unknown
    apps = 0
    for index, slug in enumerate(stack):
        if slug not in LAYERS:
            problems.append(Problem(index, slug, _unknown(slug)))
            below = None
            continue
        message = None
        if index == 0:
            if slug != _HARDWARE:
                message = f"Every stack starts from Hardware: add Hardware below {_name(slug)}."
        elif slug == _HARDWARE:
            message = "Hardware can only be the bottom layer: remove this one."
        elif slug == _APP and apps:
            message = "A stack runs one application: remove this second one."
        elif below is not None:  # on an unknown layer there is nothing to judge
            message = _misplaced(slug, below)
            if message is None and (note := _placement_note(slug, below)):
                notes.append(Note(index, slug, note))
        if message:
            problems.append(Problem(index, slug, message))
        apps += slug == _APP
        below = slug
    return tuple(problems), tuple(notes)


def validate(stack: Sequence[str]) -> tuple[Problem, ...]:
    """Everything wrong with ``stack`` (bottom layer first); empty when it can run."""
    return _check(tuple(stack))[0]


# --- Composition --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Charge:
    """A memory or disk figure of one layer, paid once per instance or once per host."""

    slug: str
    name: str
    per_instance: bool
    figure: Figure


@dataclass(frozen=True, slots=True)
class _Plan:
    """Everything about a valid stack that does not depend on the settings."""

    layers: tuple[Layer, ...]
    per_instance: tuple[bool, ...]
    instancer: Layer | None
    hypervisor_type: int | None
    complete: bool
    startup_ms: float
    startup: tuple[LedgerEntry, ...]
    memory_each: float
    memory_once: float
    memory: tuple[_Charge, ...]
    disk_each: float
    disk_once: float
    disk: tuple[_Charge, ...]
    compute_left: float
    compute: tuple[LedgerEntry, ...]
    io_left: float
    io: tuple[LedgerEntry, ...]
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
        if stack[index] in _OSES:
            return index + 1
    return len(stack)


@lru_cache(maxsize=4096)
def _plan(stack: tuple[str, ...]) -> _Plan:
    """Add up a valid stack's figures, per instance and shared (cached, like ``_check``)."""
    layers = []
    hypervisor_type = None
    for index, slug in enumerate(stack):
        layer = LAYERS[slug]
        if slug == "hypervisor":
            hypervisor_type = 1 if stack[index - 1] == _HARDWARE else 2
            layer = HYPERVISOR_TYPES[hypervisor_type]
        layers.append(layer)
    boundary = _boundary(stack)
    instancer = (
        layers[boundary] if boundary < len(stack) and layers[boundary].creates_instances else None
    )
    # All instances run one read-only image: the disk of the layers above it is paid once.
    image_above = instancer is not None and instancer.copy_on_write

    startup = memory_each = memory_once = disk_each = disk_once = 0.0
    compute_left = io_left = 1.0
    startup_entries, compute_entries, io_entries = [], [], []
    memory: list[_Charge] = []
    disk: list[_Charge] = []
    for index, layer in enumerate(layers):
        figures, slug, name = layer.figures, layer.slug, layer.name
        each = index >= boundary
        if (figure := figures.startup_ms) is not None:
            amount = figure.value if each else 0.0  # a shared layer is already running
            startup += amount
            startup_entries.append(LedgerEntry(slug, name, amount, each, figure))
        if (figure := figures.memory_mb) is not None:
            memory.append(_Charge(slug, name, each, figure))
            if each:
                memory_each += figure.value
            else:
                memory_once += figure.value
        if (figure := figures.shared_memory_mb) is not None:
            memory.append(_Charge(slug, name, False, figure))
            memory_once += figure.value
        if (figure := figures.disk_mb) is not None:
            disk_per_instance = each and not (image_above and index > boundary)
            disk.append(_Charge(slug, name, disk_per_instance, figure))
            if disk_per_instance:
                disk_each += figure.value
            else:
                disk_once += figure.value
        if (figure := figures.shared_disk_mb) is not None:
            disk.append(_Charge(slug, name, False, figure))
            disk_once += figure.value
        if (figure := figures.compute_overhead) is not None:
            amount = compute_left * figure.value  # this layer's share of what is lost
            compute_left -= amount
            compute_entries.append(LedgerEntry(slug, name, amount, each, figure))
        if (figure := figures.io_overhead) is not None:
            amount = io_left * figure.value
            io_left -= amount
            io_entries.append(LedgerEntry(slug, name, amount, each, figure))

    if instancer is not None:
        isolation, shares = instancer.isolation, instancer.shares
    else:  # plain processes on an OS
        isolation, shares = (1 if any(slug in _OSES for slug in stack) else None), ""
    level = ISOLATION_LEVELS[isolation] if isolation is not None else None
    return _Plan(
        layers=tuple(layers),
        per_instance=tuple(index >= boundary for index in range(len(stack))),
        instancer=instancer,
        hypervisor_type=hypervisor_type,
        complete=_APP in stack or "unikernel" in stack,
        startup_ms=startup,
        startup=tuple(startup_entries),
        memory_each=memory_each,
        memory_once=memory_once,
        memory=tuple(memory),
        disk_each=disk_each,
        disk_once=disk_once,
        disk=tuple(disk),
        compute_left=compute_left,
        compute=tuple(compute_entries),
        io_left=io_left,
        io=tuple(io_entries),
        isolation=isolation,
        isolation_label=level.label if level is not None else None,
        isolation_shares=(shares or level.shares) if level is not None else None,
    )


def _scaled(charges: tuple[_Charge, ...], instances: int) -> tuple[LedgerEntry, ...]:
    """Ledger entries for memory or disk: per-instance figures times the instances."""
    return tuple(
        LedgerEntry(
            charge.slug,
            charge.name,
            charge.figure.value * instances if charge.per_instance else charge.figure.value,
            charge.per_instance,
            charge.figure,
        )
        for charge in charges
    )


def _check_int(name: str, value: int, low: int, high: int) -> None:
    try:
        number = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}") from None
    if isinstance(value, bool) or not low <= number <= high:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, not {value!r}")


def _check_settings(
    instances: int, host_memory_mb: int, host_cores: int, io_intensity: float
) -> None:
    _check_int("instances", instances, MIN_INSTANCES, MAX_INSTANCES)
    _check_int("host_memory_mb", host_memory_mb, MIN_HOST_MEMORY_MB, MAX_HOST_MEMORY_MB)
    _check_int("host_cores", host_cores, MIN_HOST_CORES, MAX_HOST_CORES)
    if (
        isinstance(io_intensity, bool)
        or not isinstance(io_intensity, int | float)
        or not MIN_IO_INTENSITY <= io_intensity <= MAX_IO_INTENSITY
    ):
        raise ValueError(f"io_intensity must be a number from 0 to 1, not {io_intensity!r}")


def simulate(
    stack: Sequence[str],
    instances: int = 1,
    host_memory_mb: int = 16384,
    host_cores: int = 8,
    io_intensity: float = 0.3,
) -> Result:
    """What running ``instances`` copies of the application on ``stack`` costs on one host.

    Never raises for a bad stack: the result then has ``valid=False``, the problems, and no
    metrics. Raises ``ValueError`` for a setting outside the ``MIN_*``/``MAX_*`` bounds.
    ``host_cores`` is checked and recorded; no figure in the catalogue depends on it yet.
    """
    _check_settings(instances, host_memory_mb, host_cores, io_intensity)
    stack = tuple(stack)
    problems, notes = _check(stack)
    if problems:
        return Result(
            stack=stack,
            layers=tuple(LAYERS.get(slug) for slug in stack),
            problems=problems,
            notes=notes,
            valid=False,
            complete=_APP in stack or "unikernel" in stack,
            instances=instances,
            host_memory_mb=host_memory_mb,
            host_cores=host_cores,
            io_intensity=io_intensity,
        )
    plan = _plan(stack)
    instancer = plan.instancer
    memory_each, memory_once = plan.memory_each, plan.memory_once

    cap = instancer.figures.density_cap if instancer is not None else None
    spare = host_memory_mb - memory_once
    if spare < 0:
        by_memory: int | None = 0
    elif memory_each > 0:
        by_memory = math.floor(spare / memory_each)
    else:
        by_memory = None  # nothing is paid per instance: memory sets no limit
    density = by_memory
    if cap is not None:
        density = int(cap.value) if density is None else min(density, int(cap.value))
    fits = density is None or instances <= density
    if not fits:
        notes += (_crowded(instances, host_memory_mb, memory_once, memory_each, by_memory, cap),)
    if not plan.complete:
        notes += (Note(None, None, "No application yet: add one on top to run something."),)

    return Result(
        stack=stack,
        layers=plan.layers,
        problems=(),
        notes=notes,
        valid=True,
        complete=plan.complete,
        instances=instances,
        host_memory_mb=host_memory_mb,
        host_cores=host_cores,
        io_intensity=io_intensity,
        per_instance=plan.per_instance,
        instancer=instancer.slug if instancer is not None else None,
        hypervisor_type=plan.hypervisor_type,
        startup_ms=plan.startup_ms,
        memory_per_instance_mb=memory_each,
        memory_shared_mb=memory_once,
        memory_total_mb=memory_once + memory_each * instances,
        disk_per_instance_mb=plan.disk_each,
        disk_shared_mb=plan.disk_once,
        disk_total_mb=plan.disk_once + plan.disk_each * instances,
        compute_overhead=1.0 - plan.compute_left,
        io_overhead=1.0 - plan.io_left,
        throughput=plan.compute_left ** (1.0 - io_intensity) * plan.io_left**io_intensity,
        isolation=plan.isolation,
        isolation_label=plan.isolation_label,
        isolation_shares=plan.isolation_shares,
        density=density,
        density_by_memory=by_memory,
        density_cap=cap,
        fits=fits,
        ledger=Ledger(
            startup_ms=plan.startup,
            memory_mb=_scaled(plan.memory, instances),
            disk_mb=_scaled(plan.disk, instances),
            compute_overhead=plan.compute,
            io_overhead=plan.io,
        ),
    )


def _crowded(
    instances: int,
    host_memory_mb: int,
    mem_once: float,
    mem_each: float,
    by_memory: int | None,
    cap: Figure | None,
) -> Note:
    """Why ``instances`` do not fit on the host: memory, or the platform's cap."""
    if by_memory is not None and by_memory < instances:
        need = mem_once + mem_each * instances
        return Note(
            None,
            None,
            f"{instances:,} instances need {_number(need)} MB of memory but the host has "
            f"{host_memory_mb:,} MB: at most {by_memory:,} fit.",
        )
    assert cap is not None  # density was limited by memory or by the cap
    return Note(None, None, f"At most {int(cap.value):,} instances per host: {cap.note}")


def sources(result: Result) -> tuple[Source, ...]:
    """The distinct sources behind a result's figures, in numeric order (S1, S2, … S35)."""
    if result.ledger is None:
        return ()
    ledger = result.ledger
    found = {
        entry.figure.source.id: entry.figure.source
        for entries in (
            ledger.startup_ms,
            ledger.memory_mb,
            ledger.disk_mb,
            ledger.compute_overhead,
            ledger.io_overhead,
        )
        for entry in entries
        if entry.figure.source is not None
    }
    if result.density_cap is not None and result.density_cap.source is not None:
        found[result.density_cap.source.id] = result.density_cap.source
    return tuple(sorted(found.values(), key=lambda source: source.number))


# --- Comparing ----------------------------------------------------------------------------------

_COUNTERPARTS = {preset.layers: PRESETS[preset.counterpart].layers for preset in PRESETS.values()}


def counterpart_of(stack: Sequence[str]) -> tuple[str, ...]:
    """The stack to chart next to ``stack``: a preset's own counterpart, otherwise the container
    preset for anything with a VM in it and the VM preset for anything without."""
    stack = tuple(stack)
    if stack in _COUNTERPARTS:
        return _COUNTERPARTS[stack]
    vm_like = any(slug in _VM_LIKE for slug in stack)
    return PRESETS["container"].layers if vm_like else PRESETS["vm"].layers


_MINUS = "\u2212"


def _number(value: float) -> str:
    """A non-negative amount as a learner reads it: 8,000 · 131 · 2.5 · 0.005."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}".removesuffix(".0")
    return f"{value:.2g}"


def _signed(delta: float, unit: str) -> str:
    sign = "+" if delta > 0 else _MINUS
    size = abs(delta)
    if unit == "ms" and size >= 1000:
        return f"{sign}{size / 1000:.1f} s"
    return f"{sign}{_number(size)} {unit}"


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _settings_changed(before: Result, after: Result) -> list[str]:
    changes = []
    if before.instances != after.instances:
        changes.append(f"instances {before.instances:,} → {after.instances:,}")
    if before.host_memory_mb != after.host_memory_mb:
        changes.append(f"host memory {before.host_memory_mb:,} → {after.host_memory_mb:,} MB")
    if before.io_intensity != after.io_intensity:
        changes.append(f"I/O intensity {before.io_intensity:.0%} → {after.io_intensity:.0%}")
    return changes


def _by_layer(entries: tuple[LedgerEntry, ...], each_only: bool) -> dict[str, float]:
    """Contributions summed by layer; with ``each_only``, only what each instance pays."""
    totals: dict[str, float] = {}
    for entry in entries:
        if entry.per_instance or not each_only:
            totals[entry.slug] = totals.get(entry.slug, 0.0) + entry.contribution
    return totals


def _placed(result: Result) -> dict[str, tuple[str, bool]]:
    """Each layer's name and whether it is created per instance, by slug."""
    return {
        layer.slug: (layer.name, each)
        for layer, each in zip(result.layers, result.per_instance or (), strict=True)
        if layer is not None
    }


def _cause(before: Result, after: Result, ledgers: tuple[str, ...], each_only: bool) -> str:
    """Which layers (or settings) moved a metric, judged from the ledgers named."""
    old_place, new_place = _placed(before), _placed(after)
    changed = set()
    for ledger in ledgers:
        old = _by_layer(getattr(before.ledger, ledger), each_only)
        new = _by_layer(getattr(after.ledger, ledger), each_only)
        changed.update(
            slug
            for slug in old.keys() | new.keys()
            if not math.isclose(old.get(slug, 0.0), new.get(slug, 0.0), abs_tol=1e-12)
        )
    added = [new_place[slug][0] for slug in new_place if slug in changed - old_place.keys()]
    removed = [old_place[slug][0] for slug in old_place if slug in changed - new_place.keys()]
    parts = []
    if added:
        parts.append(f"{_joined(added)} added")
    if removed:
        parts.append(f"{_joined(removed)} removed")
    by_settings = False
    now: dict[bool, list[str]] = {True: [], False: []}
    for slug in new_place:
        if slug not in changed or slug not in old_place:
            continue
        (old_name, old_each), (new_name, new_each) = old_place[slug], new_place[slug]
        if old_name != new_name:
            parts.append(f"{old_name} became {new_name}")
        elif old_each != new_each:
            now[new_each].append(new_name)
        else:
            by_settings = True
    if now[False]:
        parts.append(f"{_joined(now[False])} now shared by all instances")
    if now[True]:
        parts.append(f"{_joined(now[True])} now created per instance")
    if by_settings or not parts:
        parts.extend(_settings_changed(before, after) or ([] if parts else ["layers moved"]))
    return "; ".join(parts)


_AMOUNTS = (
    # metric, unit, what it is, the ledger that explains it, per-instance entries only
    ("startup_ms", "ms", "startup", "startup_ms", False),
    ("memory_per_instance_mb", "MB", "memory per instance", "memory_mb", True),
    ("memory_total_mb", "MB", "memory in total", "memory_mb", False),
    ("disk_total_mb", "MB", "disk in total", "disk_mb", False),
)


def _layers_changed(before: Result, after: Result) -> Change:
    """The layers added and removed, for two stacks whose metrics cannot be compared."""
    added, removed = list(after.stack), []
    for slug in before.stack:
        if slug in added:
            added.remove(slug)
        else:
            removed.append(slug)

    def names(slugs: list[str]) -> str:
        return _joined([LAYERS[slug].name if slug in LAYERS else f"“{slug}”" for slug in slugs])

    parts = [f"{names(added)} added"] if added else []
    parts += [f"{names(removed)} removed"] if removed else []
    text = "; ".join(parts) or "layers moved"
    if after.valid:
        text += ": the stack runs now"
    elif before.valid:
        text += ": the stack cannot run like this"
    return Change("stack", len(after.stack) - len(before.stack), text)


def explain_change(before: Result | None, after: Result) -> tuple[Change, ...]:
    """What changed from ``before`` to ``after``, one sentence per metric that moved, such as
    "+8.0 s startup: Guest OS (Linux) added" or "Isolation 2 → 4". When either stack cannot
    run there are no metrics to compare, so a single ``stack`` change names the layers added
    and removed. Empty when there is no previous result or nothing changed."""
    if before is None:
        return ()
    if before.ledger is None or after.ledger is None:
        return () if before.stack == after.stack else (_layers_changed(before, after),)
    changes = []
    for metric, unit, label, ledger, each_only in _AMOUNTS:
        old, new = getattr(before, metric), getattr(after, metric)
        delta = new - old
        if not math.isclose(old, new, rel_tol=1e-9, abs_tol=1e-9):
            cause = _cause(before, after, (ledger,), each_only)
            text = f"{_signed(delta, unit)} {label}: {cause}"
            changes.append(Change(metric, delta, text))
    old, new = before.throughput, after.throughput
    if not math.isclose(old, new, rel_tol=1e-9, abs_tol=1e-9):
        digits = 0 if round(old * 100) != round(new * 100) else 1
        cause = _cause(before, after, ("compute_overhead", "io_overhead"), False)
        text = f"Throughput {old:.{digits}%} → {new:.{digits}%} of native: {cause}"
        changes.append(Change("throughput", new - old, text))
    if before.isolation != after.isolation and None not in (before.isolation, after.isolation):
        text = f"Isolation {before.isolation} → {after.isolation}: {after.isolation_label}"
        changes.append(Change("isolation", after.isolation - before.isolation, text))
    if before.density != after.density and None not in (before.density, after.density):
        text = f"Density {before.density:,} → {after.density:,} instances per host"
        changes.append(Change("density", after.density - before.density, text))
    if before.hypervisor_type != after.hypervisor_type and None not in (
        before.hypervisor_type,
        after.hypervisor_type,
    ):
        text = f"Hypervisor type {before.hypervisor_type} → {after.hypervisor_type}"
        changes.append(
            Change("hypervisor_type", after.hypervisor_type - before.hypervisor_type, text)
        )
    return tuple(changes)
