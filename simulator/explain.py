"""What changed between two steps of the simulator, and why, in a learner's words.

``explain_change(before, after)`` compares two results and returns one ``Change`` per metric
that moved, naming the layers (or settings) that moved it: "+8.0 s startup: Guest OS (Linux)
added". The sums come from ``engine``; this module only reads them.

Standard library only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator import units
from simulator.catalogue import CPU, LAYERS, WORKLOADS
from simulator.engine import LedgerEntry, Metrics, Result
from simulator.metrics import EXPLAINED

__all__ = ["Change", "cpu_share", "explain_change"]


@dataclass(frozen=True, slots=True)
class Change:
    """One metric that moved between two results, with a sentence for the learner."""

    metric: str
    delta: float
    text: str


def _settings_changed(before: Result, after: Result) -> list[str]:
    changes = []
    if before.instances != after.instances:
        changes.append(f"instances {before.instances:,} → {after.instances:,}")
    if before.host_memory_mb != after.host_memory_mb:
        changes.append(f"host memory {before.host_memory_mb:,} → {after.host_memory_mb:,} MB")
    if before.host_cores != after.host_cores:
        changes.append(f"host cores {before.host_cores:,} → {after.host_cores:,}")
    if before.workload != after.workload:
        changes.append(
            f"workload {WORKLOADS[before.workload].name} → {WORKLOADS[after.workload].name}"
        )
    if before.io_intensity != after.io_intensity:
        changes.append(
            f"I/O intensity {units.percent(before.io_intensity)} → "
            f"{units.percent(after.io_intensity)}"
        )
    return changes


def _by_layer(entries: tuple[LedgerEntry, ...], each_only: bool) -> dict[str, float]:
    """Contributions summed by layer; with ``each_only``, only what each instance pays."""
    totals: dict[str, float] = {}
    for entry in entries:
        if entry.per_instance or not each_only:
            totals[entry.slug] = totals.get(entry.slug, 0.0) + entry.contribution
    return totals


def _placed(result: Result, metrics: Metrics) -> dict[str, tuple[str, bool]]:
    """Each layer's name and whether it is created per instance, by slug."""
    return {
        layer.slug: (layer.name, each)
        for layer, each in zip(result.layers, metrics.per_instance, strict=True)
        if layer is not None
    }


def _changed_layers(
    before: Metrics, after: Metrics, ledgers: tuple[str, ...], each_only: bool
) -> set[str]:
    """The layers whose contribution to the named ledgers differs between two results."""
    changed = set()
    for ledger in ledgers:
        old = _by_layer(getattr(before.ledger, ledger), each_only)
        new = _by_layer(getattr(after.ledger, ledger), each_only)
        changed.update(
            slug
            for slug in old.keys() | new.keys()
            if not math.isclose(old.get(slug, 0.0), new.get(slug, 0.0), abs_tol=1e-12)
        )
    return changed


def _cause(before: Result, after: Result, ledgers: tuple[str, ...], each_only: bool) -> str:
    """Which layers (or settings) moved a metric, judged from the ledgers named."""
    assert before.metrics is not None and after.metrics is not None
    old_place, new_place = _placed(before, before.metrics), _placed(after, after.metrics)
    changed = _changed_layers(before.metrics, after.metrics, ledgers, each_only)
    added = [new_place[slug][0] for slug in new_place if slug in changed - old_place.keys()]
    removed = [old_place[slug][0] for slug in old_place if slug in changed - new_place.keys()]
    parts = []
    if added:
        parts.append(f"{units.joined(added)} added")
    if removed:
        parts.append(f"{units.joined(removed)} removed")
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
        parts.append(f"{units.joined(now[False])} now shared by all instances")
    if now[True]:
        parts.append(f"{units.joined(now[True])} now created per instance")
    if by_settings or not parts:
        parts.extend(_settings_changed(before, after) or ([] if parts else ["layers moved"]))
    return "; ".join(parts)


def _layers_changed(before: Result, after: Result) -> Change:
    """The layers added and removed, for two stacks whose metrics cannot be compared."""
    added, removed = list(after.stack), []
    for slug in before.stack:
        if slug in added:
            added.remove(slug)
        else:
            removed.append(slug)

    def names(slugs: list[str]) -> str:
        return units.joined(
            [LAYERS[slug].name if slug in LAYERS else f"“{slug}”" for slug in slugs]
        )

    parts = [f"{names(added)} added"] if added else []
    parts += [f"{names(removed)} removed"] if removed else []
    text = "; ".join(parts) or "layers moved"
    if after.valid:
        text += ": the stack runs now"
    elif before.valid:
        text += ": the stack cannot run like this"
    return Change("stack", len(after.stack) - len(before.stack), text)


def _moved(old: float, new: float) -> bool:
    return not math.isclose(old, new, rel_tol=1e-9, abs_tol=1e-9)


def _amounts(before: Result, after: Result) -> list[Change]:
    """The amounts (startup, memory, disk) that moved, each traced to its cause."""
    assert before.metrics is not None and after.metrics is not None
    changes = []
    for metric in EXPLAINED:
        assert metric.ledger is not None
        old, new = before.metrics.value(metric.name), after.metrics.value(metric.name)
        if _moved(old, new):
            cause = _cause(before, after, (metric.ledger,), metric.each_only)
            text = f"{units.signed(new - old, metric.unit)} {metric.phrase}: {cause}"
            changes.append(Change(metric.name, new - old, text))
    return changes


def _cpu(before: Result, after: Result) -> list[Change]:
    """The CPU share each busy instance gets, and the VMs the cores allow, when they moved."""
    assert before.metrics is not None and after.metrics is not None
    old, new = before.metrics.cpu_per_instance, after.metrics.cpu_per_instance
    changes = []
    if _moved(old, new):
        cause = "; ".join(_settings_changed(before, after)) or "the instances are now VMs"
        text = f"CPU per busy instance {units.cores(old)} → {units.cores(new)}: {cause}"
        changes.append(Change("cpu_per_instance", new - old, text))
    return changes


def cpu_share(result: Result) -> str:
    """How the host's cores are shared among the instances, in a sentence for the ledger."""
    metrics = result.metrics
    assert metrics is not None
    cores, instances = units.cores(result.host_cores), units.count(result.instances)
    share = units.cores(metrics.cpu_per_instance)
    if metrics.vcpus_per_instance is None:
        return (
            f"{cores} shared by {instances} instances: {share} each when all are busy. A "
            "process or container without a CPU limit may use every core, and Kubernetes sets "
            "no per-core pod limit by default (podsPerCore 0, S67)."
        )
    ratio, source = CPU.allocation_ratio, CPU.allocation_ratio.source
    assert source is not None
    return (
        f"{cores} shared by {instances} VMs of {units.number(metrics.vcpus_per_instance)} vCPU: "
        f"{share} each when all are busy. At {units.number(ratio.value)} vCPUs per core, the "
        f"default of OpenStack's scheduler ({source.id}, {source.year}), the cores allow "
        f"{units.count(metrics.density_by_cpu or 0)} VMs."
    )


def _levels(before: Metrics, after: Metrics) -> list[Change]:
    """Isolation, density and the hypervisor's type, when both results have one."""
    changes = []
    for name, text in (
        ("isolation", f"Isolation {before.isolation} → {after.isolation}: {after.isolation_label}"),
        ("density", f"Density {before.density or 0:,} → {after.density or 0:,} instances per host"),
        ("hypervisor_type", f"Hypervisor type {before.hypervisor_type} → {after.hypervisor_type}"),
    ):
        old, new = getattr(before, name), getattr(after, name)
        if old != new and None not in (old, new):
            changes.append(Change(name, new - old, text))
    return changes


def explain_change(before: Result | None, after: Result) -> tuple[Change, ...]:
    """What changed from ``before`` to ``after``, one sentence per metric that moved, such as
    "+8.0 s startup: Guest OS (Linux) added" or "Isolation 2 → 4". When either stack cannot
    run there are no metrics to compare, so a single ``stack`` change names the layers added
    and removed. Empty when there is no previous result or nothing changed."""
    if before is None:
        return ()
    if before.metrics is None or after.metrics is None:
        return () if before.stack == after.stack else (_layers_changed(before, after),)
    changes = _amounts(before, after)
    old, new = before.metrics.throughput, after.metrics.throughput
    if _moved(old, new):
        digits = 0 if round(old * 100) != round(new * 100) else 1
        cause = _cause(before, after, ("compute_overhead", "io_overhead"), False)
        text = (
            f"Throughput {units.percent(old, digits)} → {units.percent(new, digits)} of "
            f"native: {cause}"
        )
        changes.append(Change("throughput", new - old, text))
    return (*changes, *_cpu(before, after), *_levels(before.metrics, after.metrics))
