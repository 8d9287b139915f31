"""The running sums of a stack's figures, bottom up, with the ledger entries behind them.

``engine`` walks a stack's layers and adds each one's figures here; what a layer costs once per
host and what it costs for every instance are kept apart, and every amount keeps the figure it
came from, so the ledger can say where each metric comes from.

Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.model import Figure, Layer
from simulator.result import LedgerEntry

__all__ = ["Charge", "Sums", "Totals", "scaled"]


@dataclass(frozen=True, slots=True)
class Charge:
    """A memory or disk figure of one layer, paid once per instance or once per host."""

    slug: str
    name: str
    per_instance: bool
    figure: Figure


def _total(charges: list[Charge], per_instance: bool) -> float:
    return sum(charge.figure.value for charge in charges if charge.per_instance == per_instance)


@dataclass(frozen=True, slots=True)
class Totals:
    """A stack's sums once every layer is in: amounts paid per instance (``_each``) and once per
    host (``_once``), the throughput left after the overheads, and the entries behind them."""

    startup_ms: float
    memory_each: float
    memory_once: float
    disk_each: float
    disk_once: float
    compute_left: float
    io_left: float
    startup: tuple[LedgerEntry, ...]
    memory: tuple[Charge, ...]
    disk: tuple[Charge, ...]
    compute: tuple[LedgerEntry, ...]
    io: tuple[LedgerEntry, ...]


@dataclass
class Sums:
    """The running totals of a stack's figures, bottom up, with the entries behind them."""

    startup_ms: float = 0.0
    compute_left: float = 1.0
    io_left: float = 1.0
    startup: list[LedgerEntry] = field(default_factory=list)
    memory: list[Charge] = field(default_factory=list)
    disk: list[Charge] = field(default_factory=list)
    compute: list[LedgerEntry] = field(default_factory=list)
    io: list[LedgerEntry] = field(default_factory=list)

    def totals(self) -> Totals:
        """The sums as they stand, frozen."""
        return Totals(
            startup_ms=self.startup_ms,
            memory_each=_total(self.memory, per_instance=True),
            memory_once=_total(self.memory, per_instance=False),
            disk_each=_total(self.disk, per_instance=True),
            disk_once=_total(self.disk, per_instance=False),
            compute_left=self.compute_left,
            io_left=self.io_left,
            startup=tuple(self.startup),
            memory=tuple(self.memory),
            disk=tuple(self.disk),
            compute=tuple(self.compute),
            io=tuple(self.io),
        )

    def add_startup(self, slug: str, name: str, amount: float, each: bool, figure: Figure):
        self.startup_ms += amount
        self.startup.append(LedgerEntry(slug, name, amount, each, figure, amount))

    def add_overheads(self, slug: str, name: str, each: bool, compute, io) -> None:
        """Add a layer's compute and I/O overheads (figures or None), each taking its share of
        the throughput that is left."""
        if compute is not None:
            amount = self.compute_left * compute.value
            self.compute_left -= amount
            self.compute.append(LedgerEntry(slug, name, amount, each, compute, amount))
        if io is not None:
            amount = self.io_left * io.value
            self.io_left -= amount
            self.io.append(LedgerEntry(slug, name, amount, each, io, amount))

    def add(self, layer: Layer, each: bool, disk_each: bool) -> None:
        """Add one layer's figures; ``each``: it is created per instance; ``disk_each``: so is
        its disk (not when it runs from an image every instance shares)."""
        figures, slug, name = layer.figures, layer.slug, layer.name
        if (figure := figures.startup_ms) is not None:
            # A shared layer is already running when an instance starts.
            self.add_startup(slug, name, figure.value if each else 0.0, each, figure)
        self.memory += [
            Charge(slug, name, per, figure)
            for figure, per in ((figures.memory_mb, each), (figures.shared_memory_mb, False))
            if figure is not None
        ]
        self.disk += [
            Charge(slug, name, per, figure)
            for figure, per in ((figures.disk_mb, disk_each), (figures.shared_disk_mb, False))
            if figure is not None
        ]
        self.add_overheads(slug, name, each, figures.compute_overhead, figures.io_overhead)


def scaled(charges: tuple[Charge, ...], instances: int) -> tuple[LedgerEntry, ...]:
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
