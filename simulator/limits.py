"""The simulator's limits and defaults, defined once: the engine checks them, and the page's
form, the API and the quiz's challenges derive their bounds from them.

Standard library only.
"""

from __future__ import annotations

import operator

MAX_LAYERS = 12
"""The tallest stack the simulator accepts (the deepest sensible nesting needs 8)."""

CHALLENGE_SLOTS = 8
"""How many layers a learner may pick when building a stack for a quiz challenge."""

# Each setting's bounds and its value when a learner has not set it.
MIN_INSTANCES, MAX_INSTANCES, DEFAULT_INSTANCES = 1, 100_000, 10
MIN_HOST_MEMORY_MB, MAX_HOST_MEMORY_MB, DEFAULT_HOST_MEMORY_MB = 1024, 4_194_304, 16_384
MIN_HOST_CORES, MAX_HOST_CORES, DEFAULT_HOST_CORES = 1, 1024, 8
# How much of the workload's time goes to I/O rather than computing (the catalogue's workloads
# set it).
MIN_IO_INTENSITY, MAX_IO_INTENSITY = 0.0, 1.0


def _check_int(name: str, value: int, low: int, high: int) -> None:
    try:
        number = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}") from None
    if isinstance(value, bool) or not low <= number <= high:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,}, not {value!r}")


def check_settings(
    instances: int, host_memory_mb: int, host_cores: int, io_intensity: float
) -> None:
    """Raise ``ValueError`` for a setting outside its bounds (a caller's mistake: the page's
    form keeps learners' input inside them)."""
    _check_int("instances", instances, MIN_INSTANCES, MAX_INSTANCES)
    _check_int("host_memory_mb", host_memory_mb, MIN_HOST_MEMORY_MB, MAX_HOST_MEMORY_MB)
    _check_int("host_cores", host_cores, MIN_HOST_CORES, MAX_HOST_CORES)
    if (
        isinstance(io_intensity, bool)
        or not isinstance(io_intensity, int | float)
        or not MIN_IO_INTENSITY <= io_intensity <= MAX_IO_INTENSITY
    ):
        raise ValueError(f"io_intensity must be a number from 0 to 1, not {io_intensity!r}")
