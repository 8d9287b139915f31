"""The simulator's catalogue: layers, their figures and the sources behind them.

The data lives in ``catalogue.toml`` next to this file, so a teacher can change a figure without
touching any logic. It is read once, at import, and checked as it is read: a typo in a key, a
source id that does not exist or an overhead of 100% or more stops the import with a message
that names the place.

Standard library only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from simulator import units

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")

FAMILIES = frozenset({"linux", "windows"})
KINDS = frozenset(
    {
        "hardware",
        "host-os",
        "hypervisor",
        "guest-os",
        "container-runtime",
        "microvm",
        "sandbox-runtime",
        "vm-runtime",
        "unikernel",
        "wasm-runtime",
        "app",
    }
)


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
    instances of this kind one host may run.
    """

    startup_ms: Figure | None = None
    memory_mb: Figure | None = None
    disk_mb: Figure | None = None
    shared_memory_mb: Figure | None = None
    shared_disk_mb: Figure | None = None
    compute_overhead: Figure | None = None
    io_overhead: Figure | None = None
    density_cap: Figure | None = None


FIGURE_NAMES = tuple(f.name for f in fields(Figures))


@dataclass(frozen=True, slots=True)
class Layer:
    """One block a learner can put in a stack.

    ``creates_instances``: the layer makes a new instance (a VM, a container…) for each copy of
    the workload; it and the layers above it are paid per instance. ``copy_on_write``: all
    instances run one shared read-only image, so disk above the layer is counted once.
    ``isolation`` is the level (see ``ISOLATION_LEVELS``) the instances get from each other, and
    ``shares`` says what they still share.
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


@dataclass(frozen=True, slots=True)
class IsolationLevel:
    """A step on the 0–5 isolation scale, with what instances at that level share."""

    level: int
    label: str
    shares: str


@dataclass(frozen=True, slots=True)
class Preset:
    """A ready-made stack, bottom layer first, and the preset a chart compares it with."""

    slug: str
    name: str
    description: str
    layers: tuple[str, ...]
    counterpart: str


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
        "type1",
        "type2",
        *FIGURE_NAMES,
    }
)
_OVERHEADS = frozenset({"compute_overhead", "io_overhead"})


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
    if name in _OVERHEADS:
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
    description = entry.get("description", "")
    _require(0 < len(description) <= 90, where, "needs a description of at most 90 characters")
    isolation = entry.get("isolation")
    creates_instances = bool(entry.get("creates_instances", False))
    _require(
        (isolation in levels) == creates_instances,
        where,
        "a layer that creates instances gives their isolation level, and only such a layer",
    )
    return Layer(
        slug=slug,
        name=entry["name"],
        description=description,
        kind=entry["kind"],
        family=entry.get("family"),
        figures=Figures(**_load_figures(entry, where, sources)),
        creates_instances=creates_instances,
        copy_on_write=bool(entry.get("copy_on_write", False)),
        isolation=isolation,
        shares=entry.get("shares", ""),
    )


def _variant(
    layer: Layer, entry: Mapping[str, Any], where: str, sources: Mapping[str, Source]
) -> Layer:
    """The layer under another name, with some of its figures replaced."""
    _require(set(entry) <= {"name", *FIGURE_NAMES}, where, f"unknown keys in {sorted(entry)}")
    figures = replace(layer.figures, **_load_figures(entry, where, sources))
    return replace(layer, name=entry.get("name", layer.name), figures=figures)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything catalogue.toml holds, checked."""

    sources: Mapping[str, Source]
    isolation_levels: Mapping[int, IsolationLevel]
    isolation_caveat: str
    layers: Mapping[str, Layer]
    hypervisor_types: Mapping[int, Layer]
    presets: Mapping[str, Preset]


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
    hypervisor = data["layers"]["hypervisor"]
    hypervisor_types = {
        number: _variant(
            layers["hypervisor"],
            hypervisor[f"type{number}"],
            f"[layers.hypervisor.type{number}]",
            sources,
        )
        for number in (1, 2)
    }
    presets = {}
    for slug, entry in data["presets"].items():
        where = f"[presets.{slug}]"
        stack = tuple(entry["layers"])
        _require(set(stack) <= set(layers), where, "names a layer that does not exist")
        _require(entry["counterpart"] in data["presets"], where, "counterpart is not a preset")
        presets[slug] = Preset(
            slug, entry["name"], entry["description"], stack, entry["counterpart"]
        )
    return Catalogue(
        sources=MappingProxyType(sources),
        isolation_levels=MappingProxyType(levels),
        isolation_caveat=isolation["caveat"],
        layers=MappingProxyType(layers),
        hypervisor_types=MappingProxyType(hypervisor_types),
        presets=MappingProxyType(presets),
    )


_catalogue = load()

SOURCES: Mapping[str, Source] = _catalogue.sources
"""Every source the catalogue cites, by id, in numeric order."""

ISOLATION_LEVELS: Mapping[int, IsolationLevel] = _catalogue.isolation_levels

ISOLATION_CAVEAT: str = _catalogue.isolation_caveat
"""The "it's not that simple" note to show next to any isolation level."""

LAYERS: Mapping[str, Layer] = _catalogue.layers
"""Every layer, by slug, in palette order."""

HYPERVISOR_TYPES: Mapping[int, Layer] = _catalogue.hypervisor_types
"""The hypervisor as type 1 (on the hardware) and type 2 (on a host OS), with its figures."""

PRESETS: Mapping[str, Preset] = _catalogue.presets
"""Ready-made stacks, by slug, in palette order."""


# --- Figures for the lessons --------------------------------------------------------------------

FIGURE_UNITS = {
    "startup_ms": ("ms", units.seconds),
    "memory_mb": ("MB", units.megabytes),
    "disk_mb": ("MB", units.megabytes),
    "shared_memory_mb": ("MB", units.megabytes),
    "shared_disk_mb": ("MB", units.megabytes),
    "compute_overhead": ("fraction", units.percent),
    "io_overhead": ("fraction", units.percent),
    "density_cap": ("instances", lambda value: f"{units.count(int(value))} instances"),
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
    parts = reference.split(".")
    if len(parts) == 3 and parts[0] == "hypervisor" and parts[1] in {"type1", "type2"}:
        layer: Layer | None = HYPERVISOR_TYPES[int(parts[1][-1])]
    elif len(parts) == 2:
        layer = LAYERS.get(parts[0])
    else:
        return None
    if layer is None or parts[-1] not in FIGURE_NAMES:
        return None
    return getattr(layer.figures, parts[-1])


def figure(reference: str) -> QuotedFigure:
    """The figure ``reference`` names, ``"<layer>.<figure>"`` as in ``[layers.<layer>.<figure>]``
    (``"guest-os.startup_ms"``; a hypervisor type's own figures as
    ``"hypervisor.type2.compute_overhead"``). Raises ``UnknownFigure`` naming what is wrong."""
    found = _figure_at(reference)
    if found is None:
        raise UnknownFigure(
            f"No figure {reference!r} in the simulator's catalogue: a reference looks like "
            f"'guest-os.startup_ms', a layer ({', '.join(LAYERS)}) and one of its figures "
            f"({', '.join(FIGURE_NAMES)})."
        )
    unit, write = FIGURE_UNITS[reference.rsplit(".", 1)[-1]]
    return QuotedFigure(
        reference=reference,
        value=found.value,
        unit=unit,
        text=write(found.value),
        source=found.source,
        estimate=found.estimate,
        note=found.note,
    )
