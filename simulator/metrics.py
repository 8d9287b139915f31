"""The one table of what the simulator measures: each metric's name, label, unit, formatter and
which direction is better. The page's figures, the JSON API, the charts, the quiz's challenge
constraints and the "what changed" sentences all read it, so a metric is named and written one
way everywhere.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from simulator import units

LOWER, HIGHER = "lower", "higher"


@dataclass(frozen=True, slots=True)
class Metric:
    """One figure a stack has.

    ``unit`` is the unit of the number in code ("ms", "MB", "" for fractions and levels);
    ``format`` writes a value for a learner; ``better`` says which way is an improvement.
    ``phrase`` names it inside a sentence ("memory per instance"); ``ledger`` names the ledger
    that explains it, and ``each_only`` says that only per-instance entries count towards it.
    ``on_page`` puts it in the page's list of figures; ``none_text`` is shown where the metric
    does not apply to the stack.
    """

    name: str
    label: str
    unit: str
    format: Callable[[float], str]
    better: str
    phrase: str = ""
    ledger: str | None = None
    each_only: bool = False
    on_page: bool = True
    none_text: str = "n/a"

    def text(self, value: float | None) -> str:
        """The value as the page shows it; ``none_text`` where the metric does not apply."""
        return self.none_text if value is None else self.format(value)


_METRICS = (
    Metric(
        "startup_ms", "Startup per instance", "ms", units.seconds, LOWER, "startup", "startup_ms"
    ),
    Metric(
        "memory_per_instance_mb",
        "Memory per instance",
        "MB",
        units.megabytes,
        LOWER,
        "memory per instance",
        "memory_mb",
        each_only=True,
    ),
    Metric(
        "memory_shared_mb",
        "Memory shared by all instances",
        "MB",
        units.megabytes,
        LOWER,
        on_page=False,
    ),
    Metric(
        "memory_total_mb",
        "Memory in total",
        "MB",
        units.megabytes,
        LOWER,
        "memory in total",
        "memory_mb",
    ),
    Metric("disk_per_instance_mb", "Disk per instance", "MB", units.megabytes, LOWER),
    Metric(
        "disk_shared_mb",
        "Disk shared by all instances",
        "MB",
        units.megabytes,
        LOWER,
        on_page=False,
    ),
    Metric(
        "disk_total_mb", "Disk in total", "MB", units.megabytes, LOWER, "disk in total", "disk_mb"
    ),
    Metric("compute_overhead", "CPU overhead", "", units.percent, LOWER),
    Metric("io_overhead", "I/O overhead", "", units.percent, LOWER),
    Metric("throughput", "Throughput vs. native", "", units.percent, HIGHER),
    Metric("isolation", "Isolation level", "", units.level, HIGHER),
    Metric("density", "Instances that fit", "instances", units.count, HIGHER),
    Metric("cpu_per_instance", "CPU per busy instance", "cores", units.cores, HIGHER),
    Metric(
        "density_by_cpu",
        "VMs the cores allow",
        "instances",
        units.count,
        HIGHER,
        none_text="no per-core limit",
    ),
)

METRICS: Mapping[str, Metric] = MappingProxyType({metric.name: metric for metric in _METRICS})
"""Every metric, by name, in the order the page lists them."""

PAGE_METRICS: tuple[Metric, ...] = tuple(metric for metric in _METRICS if metric.on_page)
EXPLAINED: tuple[Metric, ...] = tuple(metric for metric in _METRICS if metric.ledger)
"""The amounts whose change ``explain`` traces to the layers that caused it."""


@dataclass(frozen=True, slots=True)
class LedgerKind:
    """One of the ledgers that say where a metric comes from, layer by layer."""

    name: str
    title: str
    format: Callable[[float], str]


LEDGERS: Mapping[str, LedgerKind] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            LedgerKind("startup_ms", "Startup time", units.seconds),
            LedgerKind("memory_mb", "Memory", units.megabytes),
            LedgerKind("disk_mb", "Disk", units.megabytes),
            LedgerKind("compute_overhead", "CPU overhead", units.percent),
            LedgerKind("io_overhead", "I/O overhead", units.percent),
        )
    }
)


@dataclass(frozen=True, slots=True)
class Constraint:
    """A bound a quiz challenge sets on one metric: at least or at most ``limit``."""

    metric: Metric
    at_least: bool

    def miss(self, value: float, limit: float) -> str | None:
        """Why ``value`` misses ``limit``, by how much; ``None`` when it meets it."""
        missed = value < limit if self.at_least else value > limit
        if not missed:
            return None
        unit = self.metric.unit
        words = "short" if self.at_least else "over"
        bound = "at least" if self.at_least else "at most"
        return (
            f"{self.metric.label}: {units.amount(value, unit)}, needs {bound} "
            f"{units.amount(limit, unit)} ({units.amount(abs(value - limit), unit)} {words})."
        )


CONSTRAINTS: Mapping[str, Constraint] = MappingProxyType(
    {
        "min_density": Constraint(METRICS["density"], at_least=True),
        "min_isolation": Constraint(METRICS["isolation"], at_least=True),
        "max_isolation": Constraint(METRICS["isolation"], at_least=False),
        "max_startup_ms": Constraint(METRICS["startup_ms"], at_least=False),
        "max_memory_mb_per_instance": Constraint(METRICS["memory_per_instance_mb"], at_least=False),
        "max_disk_mb_total": Constraint(METRICS["disk_total_mb"], at_least=False),
    }
)
"""The constraints a challenge may set, by the name its quiz file uses."""
