"""The simulator's catalogue: layers, their figures and the sources behind them.

The data lives in ``catalogue.toml`` next to this file, so a teacher can change a figure without
touching any logic. It is read once, at import, and checked as it is read: a typo in a key, a
source id that does not exist, an overhead of 100% or more or boot phases that do not add up to
their layer's startup stop the import with a message that names the place. The shapes it is read
into live in ``model.py``. ``figure("guest-os.startup_ms")`` quotes one figure for a lesson.

Standard library only.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from simulator import units
from simulator.model import (
    FIGURE_NAMES,
    OVERHEADS,
    CpuPolicy,
    Figure,
    Figures,
    IsolationLevel,
    Layer,
    Nesting,
    Phase,
    Preset,
    Source,
    Workload,
)

__all__ = [
    "CATALOGUE_PATH",
    "CPU",
    "FIGURE_NAMES",
    "ISOLATION_CAVEAT",
    "ISOLATION_LEVELS",
    "LAYERS",
    "NESTING",
    "PRESETS",
    "SOURCES",
    "WORKLOADS",
    "CatalogueError",
    "Figure",
    "Layer",
    "Phase",
    "Preset",
    "QuotedFigure",
    "Source",
    "UnknownFigure",
    "figure",
    "load",
]

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")

FAMILIES = frozenset({"linux", "windows"})
KINDS = frozenset(
    {
        "hardware",
        "host-os",
        "hypervisor",
        "hosted-hypervisor",
        "guest-os",
        "orchestrator",
        "container-runtime",
        "microvm",
        "sandbox-runtime",
        "vm-runtime",
        "unikernel",
        "wasm-runtime",
        "app",
    }
)


class CatalogueError(ValueError):
    """catalogue.toml holds something the simulator cannot use."""


_FIGURE_KEYS = frozenset({"value", "source", "estimate", "note"})
_LAYER_KEYS = frozenset(
    {
        "name",
        "description",
        "kind",
        "family",
        "creates_instances",
        "copy_on_write",
        "isolation",
        "shares",
        "hypervisor_type",
        "caps",
        "phases",
        "extra",
        *FIGURE_NAMES,
    }
)


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise CatalogueError(f"{CATALOGUE_PATH.name}, {where}: {message}")


def _load_sources(data: Mapping[str, Any]) -> dict[str, Source]:
    sources = {}
    for source_id, entry in data.items():
        where = f"[sources.{source_id}]"
        _require(source_id[:1] == "S" and source_id[1:].isdigit(), where, "ids look like S12")
        _require(set(entry) <= {"title", "year", "url"}, where, f"unknown keys in {sorted(entry)}")
        _require(bool(entry.get("title")), where, "needs a title")
        _require(isinstance(entry.get("year"), int), where, "needs a year")
        sources[source_id] = Source(source_id, entry["title"], entry["year"], entry.get("url", ""))
    return dict(sorted(sources.items(), key=lambda item: item[1].number))


def _base(name: str) -> str:
    """The figure name an extra figure's key starts with: io_overhead_vhost → io_overhead."""
    return next((base for base in FIGURE_NAMES if name.startswith(base)), name)


def _load_figure(
    entry: Mapping[str, Any], name: str, where: str, sources: Mapping[str, Source]
) -> Figure:
    _require(set(entry) <= _FIGURE_KEYS, where, f"unknown keys in {sorted(entry)}")
    value = entry.get("value")
    _require(
        isinstance(value, int | float) and not isinstance(value, bool), where, "needs a number"
    )
    source_id = entry.get("source")
    _require(source_id is None or source_id in sources, where, f"no source {source_id!r}")
    _require(source_id is not None or entry.get("estimate"), where, "a source, or estimate")
    _require(bool(entry.get("note")), where, "needs a note on how it was measured")
    if _base(name) in OVERHEADS:
        _require(value < 1, where, "an overhead is a fraction below 1")
    elif name == "density_cap":
        _require(isinstance(value, int) and value > 0, where, "a cap is a whole number above 0")
    else:
        _require(value >= 0, where, "cannot be negative")
    return Figure(
        value=value,
        source=sources[source_id] if source_id else None,
        estimate=bool(entry.get("estimate", False)),
        note=entry.get("note", ""),
    )


def _load_figures(
    entry: Mapping[str, Any], where: str, sources: Mapping[str, Source]
) -> dict[str, Figure]:
    return {
        name: _load_figure(entry[name], name, f"{where.removesuffix(']')}.{name}]", sources)
        for name in FIGURE_NAMES
        if name in entry
    }


def _load_phases(
    entries: list[Mapping[str, Any]],
    startup: Figure | None,
    where: str,
    sources: Mapping[str, Source],
) -> tuple[Phase, ...]:
    """A layer's boot phases, which must add up to its startup figure."""
    phases = []
    for number, entry in enumerate(entries, start=1):
        here = f"{where.removesuffix(']')}.phases], phase {number}"
        _require(bool(entry.get("name")), here, "needs a name")
        figure = {key: value for key, value in entry.items() if key != "name"}
        phases.append(Phase(entry["name"], _load_figure(figure, "startup_ms", here, sources)))
    if phases:
        total = sum(phase.duration.value for phase in phases)
        _require(
            startup is not None and math.isclose(total, startup.value, abs_tol=1e-9),
            where,
            f"its phases add up to {total} ms, not to its startup_ms",
        )
    return tuple(phases)


def _load_layer(
    slug: str,
    entry: Mapping[str, Any],
    sources: Mapping[str, Source],
    levels: Mapping[int, IsolationLevel],
) -> Layer:
    where = f"[layers.{slug}]"
    _require(
        set(entry) <= _LAYER_KEYS, where, f"unknown keys in {sorted(set(entry) - _LAYER_KEYS)}"
    )
    _require(entry.get("kind") in KINDS, where, f"kind must be one of {sorted(KINDS)}")
    _require(entry.get("family") in {None, *FAMILIES}, where, "family is linux or windows")
    _require(set(entry.get("caps", ())) <= KINDS, where, "caps names kinds of layer")
    description = entry.get("description", "")
    _require(0 < len(description) <= 90, where, "needs a description of at most 90 characters")
    isolation = entry.get("isolation")
    creates_instances = bool(entry.get("creates_instances", False))
    _require(
        (isolation in levels) == creates_instances,
        where,
        "a layer that creates instances gives their isolation level, and only such a layer",
    )
    figures = Figures(**_load_figures(entry, where, sources))
    extra = {
        name: _load_figure(value, name, f"{where.removesuffix(']')}.extra.{name}]", sources)
        for name, value in entry.get("extra", {}).items()
    }
    _require(all(_base(name) in FIGURE_NAMES for name in extra), where, "extra names a figure")
    return Layer(
        slug=slug,
        name=entry["name"],
        description=description,
        kind=entry["kind"],
        family=entry.get("family"),
        figures=figures,
        creates_instances=creates_instances,
        copy_on_write=bool(entry.get("copy_on_write", False)),
        isolation=isolation,
        shares=entry.get("shares", ""),
        hypervisor_type=entry.get("hypervisor_type"),
        caps=frozenset(entry.get("caps", ())),
        phases=_load_phases(entry.get("phases", []), figures.startup_ms, where, sources),
        extra=MappingProxyType(extra),
    )


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything catalogue.toml holds, checked."""

    sources: Mapping[str, Source]
    isolation_levels: Mapping[int, IsolationLevel]
    isolation_caveat: str
    layers: Mapping[str, Layer]
    presets: Mapping[str, Preset]
    nesting: Nesting
    workloads: Mapping[str, Workload]
    cpu: CpuPolicy


def _load_presets(data: Mapping[str, Any], layers: Mapping[str, Layer]) -> dict[str, Preset]:
    presets = {}
    for slug, entry in data.items():
        where = f"[presets.{slug}]"
        stack = tuple(entry["layers"])
        _require(set(stack) <= set(layers), where, "names a layer that does not exist")
        _require(entry["counterpart"] in data, where, "counterpart is not a preset")
        presets[slug] = Preset(
            slug, entry["name"], entry["description"], stack, entry["counterpart"]
        )
    return presets


def _figures_of(
    data: Mapping[str, Any], names: tuple[str, ...], where: str, sources: Mapping[str, Source]
) -> dict[str, Figure]:
    _require(set(data) <= set(names), where, f"holds only {', '.join(names)}")
    return {
        name: _load_figure(data[name], _base(name), f"[{where}.{name}]", sources) for name in names
    }


_NESTING_NAMES = ("compute_overhead", "io_overhead", "startup_factor")
_CPU_NAMES = ("vcpus_per_vm", "allocation_ratio")


def load(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read and check a catalogue file; raises ``CatalogueError`` naming what is wrong."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    sources = _load_sources(data["sources"])
    isolation = data["isolation"]
    levels = {
        int(level): IsolationLevel(int(level), entry["label"], entry["shares"])
        for level, entry in isolation["levels"].items()
    }
    layers = {
        slug: _load_layer(slug, entry, sources, levels) for slug, entry in data["layers"].items()
    }
    nesting = _figures_of(data["nesting"], _NESTING_NAMES, "nesting", sources)
    workloads = {
        slug: Workload(
            slug,
            entry["name"],
            _load_figure(entry["io_intensity"], "io", f"[workloads.{slug}]", sources),
        )
        for slug, entry in data["workloads"].items()
    }
    cpu = _figures_of(data["cpu"], _CPU_NAMES, "cpu", sources)
    return Catalogue(
        sources=MappingProxyType(sources),
        isolation_levels=MappingProxyType(levels),
        isolation_caveat=isolation["caveat"],
        layers=MappingProxyType(layers),
        presets=MappingProxyType(_load_presets(data["presets"], layers)),
        nesting=Nesting(**nesting),
        workloads=MappingProxyType(workloads),
        cpu=CpuPolicy(**cpu),
    )


_catalogue = load()

SOURCES: Mapping[str, Source] = _catalogue.sources
"""Every source the catalogue cites, by id, in numeric order."""

ISOLATION_LEVELS: Mapping[int, IsolationLevel] = _catalogue.isolation_levels

ISOLATION_CAVEAT: str = _catalogue.isolation_caveat
"""The "it's not that simple" note to show next to any isolation level."""

LAYERS: Mapping[str, Layer] = _catalogue.layers
"""Every layer, by slug, in palette order."""

PRESETS: Mapping[str, Preset] = _catalogue.presets
"""Ready-made stacks, by slug, in palette order."""

NESTING: Nesting = _catalogue.nesting
"""What a VM inside a VM costs on top of both VMs' own figures."""

WORKLOADS: Mapping[str, Workload] = _catalogue.workloads
"""The kinds of application a learner can choose, by slug; the first is the default."""

CPU: CpuPolicy = _catalogue.cpu
"""How VMs share the host's cores."""


# --- Figures for the lessons --------------------------------------------------------------------


def _instances(value: float) -> str:
    return f"{units.count(int(value))} instances"


def _per_core(value: float) -> str:
    return f"{units.number(value)} vCPUs per core"


def _vcpus(value: float) -> str:
    return f"{units.number(value)} vCPU" + ("" if value == 1 else "s")


FIGURE_UNITS = {
    "startup_ms": ("ms", units.seconds),
    "pull_ms": ("ms", units.seconds),
    "memory_mb": ("MB", units.megabytes),
    "disk_mb": ("MB", units.megabytes),
    "shared_memory_mb": ("MB", units.megabytes),
    "shared_disk_mb": ("MB", units.megabytes),
    "compute_overhead": ("fraction", units.percent),
    "io_overhead": ("fraction", units.percent),
    "startup_factor": ("fraction", units.percent),
    "density_cap": ("instances", _instances),
    "allocation_ratio": ("vCPUs per core", _per_core),
    "vcpus_per_vm": ("vCPUs", _vcpus),
}
"""Each figure key's unit in the catalogue and how a lesson writes it."""


@dataclass(frozen=True, slots=True)
class QuotedFigure:
    """A catalogue figure as a lesson quotes it: ``text`` is the value with its unit ("8.0 s");
    ``source`` is ``None`` for an estimate with no source."""

    reference: str
    value: float
    unit: str
    text: str
    source: Source | None
    estimate: bool
    note: str

    @property
    def source_id(self) -> str:
        return self.source.id if self.source else ""

    @property
    def source_title(self) -> str:
        return self.source.title if self.source else ""

    @property
    def year(self) -> int | None:
        return self.source.year if self.source else None


class UnknownFigure(LookupError):
    """A figure reference that names no figure in the catalogue."""


def _figure_at(reference: str) -> Figure | None:
    owner, _, name = reference.partition(".")
    if owner == "nesting" and name in _NESTING_NAMES:
        return getattr(NESTING, name)
    if owner == "cpu" and name in _CPU_NAMES:
        return getattr(CPU, name)
    layer = LAYERS.get(owner)
    if layer is None:
        return None
    if name in FIGURE_NAMES:
        return getattr(layer.figures, name)
    return layer.extra.get(name)


def figure(reference: str) -> QuotedFigure:
    """The figure ``reference`` names: ``"<layer>.<figure>"`` as in ``[layers.<layer>.<figure>]``
    or ``[layers.<layer>.extra.<figure>]`` (``"guest-os.startup_ms"``,
    ``"hypervisor.io_overhead_vhost"``), or ``"nesting.<figure>"`` and ``"cpu.<figure>"``.
    Raises ``UnknownFigure`` naming what is wrong."""
    found = _figure_at(reference)
    if found is None:
        raise UnknownFigure(
            f"No figure {reference!r} in the simulator's catalogue: a reference looks like "
            "'guest-os.startup_ms', a layer (or 'nesting', 'cpu') and one of its figures."
        )
    unit, write = FIGURE_UNITS[_base(reference.partition(".")[2])]
    return QuotedFigure(
        reference=reference,
        value=found.value,
        unit=unit,
        text=write(found.value),
        source=found.source,
        estimate=found.estimate,
        note=found.note,
    )
