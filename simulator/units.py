"""How the simulator writes its quantities for a learner: the one set of formatters.

The code counts time in milliseconds, memory and disk in megabytes (MB, 2^20 bytes, as the
sources' "MiB" and "MB" mostly mean), overheads and shares as fractions. Gigabytes appear only
where a learner types a host's memory, and ``MB_PER_GB`` converts at that edge.

Standard library only.
"""

from __future__ import annotations

MB_PER_GB = 1024
MINUS = "\u2212"


def number(value: float) -> str:
    """A non-negative amount as a learner reads it: 8,000 · 131 · 2.5 · 0.005."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}".removesuffix(".0")
    return f"{value:.2g}"


def amount(value: float, unit: str) -> str:
    """A number and its unit, "8,000 ms", "77 MB", "110 instances", or the bare number."""
    return f"{number(value)} {unit}" if unit else number(value)


def seconds(ms: float) -> str:
    """A duration given in milliseconds: 5 µs · 161 ms · 8.0 s."""
    if ms < 1:
        return f"{ms * 1000:,.0f} µs"
    if ms < 1000:
        return f"{ms:,.0f} ms"
    return f"{ms / 1000:,.1f} s"


def megabytes(mb: float) -> str:
    """A size given in megabytes: 2.5 MB · 77 MB · 9,470 MB · 16.0 GB (from 10 GB up).

    Below 10 MB a decimal stays, so Firecracker's 2.5 MB is not printed as "2 MB"."""
    if mb >= 10 * MB_PER_GB:
        return f"{mb / MB_PER_GB:,.1f} GB"
    return f"{number(mb)} MB" if mb < 10 else f"{mb:,.0f} MB"


def gigabytes(mb: float) -> str:
    """A host's memory in the whole gigabytes a learner types: 16 GB."""
    return f"{mb / MB_PER_GB:,.0f} GB"


def percent(fraction: float, digits: int = 0) -> str:
    """A fraction as a percentage: 0.5 → 50% · 0.004 → 0.4% · 0.996 → 99.6%.

    Within one point of 0% or 100% (but not on them) one decimal stays, so a 0.4% cost is not
    printed as "0%" nor a 99.6% throughput as "100%"; what still rounds to 0.0 reads
    "under 0.1%"."""
    value = fraction * 100
    if digits == 0 and (0 < abs(value) < 1 or 99 < value < 100):
        digits = 1
    if digits and value > 0 and round(value, digits) == 0:
        return f"under {10**-digits:.{digits}f}%"
    return f"{value:,.{digits}f}%"


def cores(value: float) -> str:
    """A number of processor cores, whole or shared: 8 cores · 0.8 core · 1 core."""
    return f"{number(value)} core" + ("" if value <= 1 else "s")


def count(value: int) -> str:
    """A whole number of things: 1,024."""
    return f"{value:,}"


def level(value: int) -> str:
    """A step on the 0–5 isolation scale."""
    return str(value)


def signed(delta: float, unit: str) -> str:
    """A change with its sign: +8.0 s · −131 MB (milliseconds from a second up read in s)."""
    sign = "+" if delta > 0 else MINUS
    size = abs(delta)
    if unit == "ms" and size >= 1000:
        return f"{sign}{size / 1000:.1f} s"
    return f"{sign}{amount(size, unit)}"


def joined(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
