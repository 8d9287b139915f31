"""The shapes of the catalogue's data: sources, figures, layers, boot phases, presets.

``catalogue.py`` reads ``catalogue.toml`` into these and checks it; the engine adds them up.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Source:
    """Where a figure comes from: an id (``S1``…), a title, a year and a link."""

    id: str
    title: str
    year: int
    url: str

    @property
    def number(self) -> int:
        """The numeric part of the id, for sorting S2 before S10."""
        return int(self.id.removeprefix("S"))


@dataclass(frozen=True, slots=True)
class Figure:
    """One number the simulator uses, with where it comes from and how it was measured."""

    value: float
    source: Source | None
    estimate: bool
    note: str


@dataclass(frozen=True, slots=True)
class Figures:
    """A layer's figures; ``None`` where a figure does not apply to the layer.

    ``startup_ms``, ``memory_mb`` and ``disk_mb`` are the cost of one copy of the layer. The
    ``shared_*`` figures are paid once per host however many instances run. Overheads are the
    fraction of throughput lost in the layer. ``density_cap`` is a platform's limit on how many
    instances one host may run (see ``Layer.caps``). ``pull_ms`` is the time to download the
    layer's image when the host does not have it yet.
    """

    startup_ms: Figure | None = None
    memory_mb: Figure | None = None
    disk_mb: Figure | None = None
    shared_memory_mb: Figure | None = None
    shared_disk_mb: Figure | None = None
    compute_overhead: Figure | None = None
    io_overhead: Figure | None = None
    density_cap: Figure | None = None
    pull_ms: Figure | None = None


FIGURE_NAMES = tuple(f.name for f in fields(Figures))
OVERHEADS = frozenset({"compute_overhead", "io_overhead"})


@dataclass(frozen=True, slots=True)
class Phase:
    """One step of starting a layer (firmware, kernel, init…): its name and how long it takes,
    as a figure with its source."""

    name: str
    duration: Figure


@dataclass(frozen=True, slots=True)
class Layer:
    """One block a learner can put in a stack.

    ``creates_instances``: the layer makes a new instance (a VM, a container…) for each copy of
    the workload; it and the layers above it are paid per instance. ``copy_on_write``: all
    instances run one shared read-only image, so disk above the layer is counted once.
    ``isolation`` is the level (see ``ISOLATION_LEVELS``) the instances get from each other, and
    ``shares`` says what they still share. ``hypervisor_type`` is 1 or 2 for a hypervisor.
    ``caps`` names the kinds of instancer whose count this layer's ``density_cap`` limits.
    ``phases`` split ``startup_ms`` into steps that add up to it; ``extra`` holds figures the
    lessons quote beside the ones the engine adds up (a faster I/O set-up, for example).
    """

    slug: str
    name: str
    description: str
    kind: str
    family: str | None
    figures: Figures
    creates_instances: bool = False
    copy_on_write: bool = False
    isolation: int | None = None
    shares: str = ""
    hypervisor_type: int | None = None
    caps: frozenset[str] = frozenset()
    phases: tuple[Phase, ...] = ()
    extra: Mapping[str, Figure] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class IsolationLevel:
    """A step on the 0–5 isolation scale, with what instances at that level share."""

    level: int
    label: str
    shares: str


@dataclass(frozen=True, slots=True)
class Nesting:
    """What running a VM inside another VM costs on top of both VMs' own figures.
    ``startup_factor`` is the fraction the inner VM's boot grows by."""

    compute_overhead: Figure
    io_overhead: Figure
    startup_factor: Figure


@dataclass(frozen=True, slots=True)
class Workload:
    """A kind of application, by how much of its time goes to I/O (0 to 1)."""

    slug: str
    name: str
    io_intensity: Figure


@dataclass(frozen=True, slots=True)
class Preset:
    """A ready-made stack, bottom layer first, and the preset a chart compares it with."""

    slug: str
    name: str
    description: str
    layers: tuple[str, ...]
    counterpart: str


@dataclass(frozen=True, slots=True)
class CpuPolicy:
    """How a host shares its cores among VMs: each VM's virtual CPUs, and how many virtual CPUs
    a scheduler lets share one physical core."""

    vcpus_per_vm: Figure
    allocation_ratio: Figure
