"""What a simulation returns: a ``Result`` holding the stack's verdict and, when the stack can
run, one ``Metrics`` object with every figure and the ``Ledger`` that explains them.

Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.catalogue import Figure, Layer
from simulator.rules import Note, Problem

__all__ = ["Ledger", "LedgerEntry", "Metrics", "Result", "Settings"]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One layer's contribution to a metric, and the figure it comes from.

    ``per_instance`` is True when the contribution is paid by every instance, False when it is
    paid once per host. ``contribution`` is the total for all the instances; ``each`` is what
    one instance pays (the same as ``contribution`` for a layer paid once, and for startup and
    overheads, which do not add up over instances).
    """

    slug: str
    name: str
    contribution: float
    per_instance: bool
    figure: Figure
    each: float = 0.0


@dataclass(frozen=True, slots=True)
class Ledger:
    """Where each metric comes from. The contributions of each tuple add up to the metric:
    ``startup_ms`` to ``Metrics.startup_ms``, ``memory_mb`` to ``Metrics.memory_total_mb``,
    ``disk_mb`` to ``Metrics.disk_total_mb``, and the overheads to ``Metrics.compute_overhead``
    and ``Metrics.io_overhead`` (each layer's share of the throughput lost, bottom up)."""

    startup_ms: tuple[LedgerEntry, ...]
    memory_mb: tuple[LedgerEntry, ...]
    disk_mb: tuple[LedgerEntry, ...]
    compute_overhead: tuple[LedgerEntry, ...]
    io_overhead: tuple[LedgerEntry, ...]

    def entries(self) -> tuple[LedgerEntry, ...]:
        """Every entry of every ledger."""
        return (
            *self.startup_ms,
            *self.memory_mb,
            *self.disk_mb,
            *self.compute_overhead,
            *self.io_overhead,
        )


@dataclass(frozen=True, slots=True)
class Metrics:
    """What a stack that runs costs on one host.

    ``per_instance`` lines up with the stack and says which layers are created for each
    instance. ``instancer`` is the slug of the layer that creates the instances (``None``: plain
    processes on an OS). Memory and disk come per instance, shared (once per host) and in total
    for the result's ``instances``. ``throughput`` is relative to native (1.0). ``density`` is how
    many instances fit on the host: ``density_by_memory`` limited by ``density_cap`` (a platform
    limit, with its source); ``None`` when nothing is paid per instance and no cap applies.
    ``fits`` says whether the instances fit. ``cpu_per_instance`` is the share of the host's
    cores each instance gets when all are busy, at most its ``vcpus_per_instance`` for a VM;
    ``density_by_cpu`` is how many VMs the cores allow at a cloud scheduler's default
    overcommit (``None`` for containers and processes, which have no per-core limit by default).
    ``nested`` says a VM runs inside another VM, and pays for it in the ledger.
    """

    per_instance: tuple[bool, ...]
    instancer: str | None
    hypervisor_type: int | None
    startup_ms: float
    memory_per_instance_mb: float
    memory_shared_mb: float
    memory_total_mb: float
    disk_per_instance_mb: float
    disk_shared_mb: float
    disk_total_mb: float
    compute_overhead: float
    io_overhead: float
    throughput: float
    isolation: int | None
    isolation_label: str | None
    isolation_shares: str | None
    density: int | None
    density_by_memory: int | None
    density_cap: Figure | None
    fits: bool
    cpu_per_instance: float
    vcpus_per_instance: float | None
    density_by_cpu: int | None
    nested: bool
    ledger: Ledger

    @property
    def capped(self) -> bool:
        """True when a platform's limit, not the host's memory, sets the density."""
        return self.density_cap is not None and (
            self.density_by_memory is None or self.density_cap.value < self.density_by_memory
        )

    def value(self, name: str) -> float | None:
        """A metric by its name in ``simulator.metrics.METRICS``."""
        return getattr(self, name)


@dataclass(frozen=True, slots=True)
class Settings:
    """The host and workload a stack is simulated on: ``instances`` copies of the application
    on a host with ``host_memory_mb`` of memory and ``host_cores`` cores, the application being
    a ``workload`` that spends ``io_intensity`` (0 to 1) of its time on I/O."""

    instances: int
    host_memory_mb: int
    host_cores: int
    workload: str
    io_intensity: float


@dataclass(frozen=True, slots=True)
class Result:
    """A stack, its verdict and, when it can run, its metrics.

    ``layers`` lines up with ``stack`` (``None`` for a slug the catalogue does not know).
    ``complete`` is False while the stack runs no program yet; its metrics are still worked
    out. ``metrics`` is ``None`` when the stack cannot run (see ``problems``).
    """

    stack: tuple[str, ...]
    layers: tuple[Layer | None, ...]
    problems: tuple[Problem, ...]
    notes: tuple[Note, ...]
    complete: bool
    settings: Settings
    metrics: Metrics | None = field(default=None)

    @property
    def valid(self) -> bool:
        return self.metrics is not None

    @property
    def instances(self) -> int:
        return self.settings.instances

    @property
    def host_memory_mb(self) -> int:
        return self.settings.host_memory_mb

    @property
    def host_cores(self) -> int:
        return self.settings.host_cores

    @property
    def workload(self) -> str:
        return self.settings.workload

    @property
    def io_intensity(self) -> float:
        return self.settings.io_intensity
