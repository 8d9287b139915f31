"""Links into the simulator, for the lessons, the quizzes and the page's own buttons.

The page keeps its whole state in the query string (see ``SimulatorForm``), so a link is a
state: the stack, a stack to compare it with, the instances and the host. Host memory is in
megabytes here as everywhere in the code; the address carries whole gigabytes, because that is
what a learner types in the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from simulator.catalogue import PRESETS
from simulator.engine import DEFAULT_WORKLOAD
from simulator.forms import SimulatorForm
from simulator.limits import DEFAULT_HOST_CORES, DEFAULT_HOST_MEMORY_MB, DEFAULT_INSTANCES
from simulator.units import MB_PER_GB


def query(
    stack: Sequence[str] = (),
    *,
    compare: Sequence[str] = (),
    instances: int = DEFAULT_INSTANCES,
    host_memory_mb: int = DEFAULT_HOST_MEMORY_MB,
    host_cores: int = DEFAULT_HOST_CORES,
    workload: str = DEFAULT_WORKLOAD,
    prev: Sequence[str] | None = None,
) -> list[tuple[str, str]]:
    """A simulator state as query parameters, leaving out settings at their default. The stack
    is always there, empty or not: the bare address is a first visit, which compares the
    article's two stacks (see ``workspace.State.from_form``)."""
    pairs = [("stack", ",".join(stack))]
    if compare:
        pairs.append(("compare", ",".join(compare)))
    if instances != DEFAULT_INSTANCES:
        pairs.append(("instances", str(instances)))
    if host_memory_mb != DEFAULT_HOST_MEMORY_MB:
        pairs.append(("memory", str(host_memory_mb // MB_PER_GB)))
    if host_cores != DEFAULT_HOST_CORES:
        pairs.append(("cores", str(host_cores)))
    if workload != DEFAULT_WORKLOAD:
        pairs.append(("workload", workload))
    if prev is not None and tuple(prev) != tuple(stack):
        pairs.append(("prev", ",".join(prev)))
    return pairs


def simulator_url(stack: Sequence[str] = (), **state: Any) -> str:
    """The simulator page showing this state; ``state`` takes the keywords of ``query``."""
    encoded = urlencode(query(stack, **state))
    return reverse("simulator:page") + (f"?{encoded}" if encoded else "")


def preset_url(preset: str, compare: str = "") -> str:
    """The simulator showing a preset, and optionally comparing it with another preset."""
    return simulator_url(PRESETS[preset].layers, compare=PRESETS[compare].layers if compare else ())


def query_problems(query: str) -> list[str]:
    """What the simulator page would refuse in ``query`` (a query string without its "?"), in
    its own words; empty when the page shows that state as it stands."""
    form = SimulatorForm(QueryDict(query))
    problems = [f"'{name}' is not a setting" for name in sorted(set(form.data) - set(form.fields))]
    if not form.is_valid():
        problems += [message for errors in form.errors.values() for message in errors]
    return problems
