"""What the simulator page shows for a state: the towers, their actions, metrics and comparisons.

The page's whole state lives in the query string. The palette, the presets and every layer's
buttons submit one form that holds the current state, with the button pressed (`add=`,
`preset=`, `edit=`), and the view redirects to the state it leads to; the few buttons that lead
to a whole new state (swap, stop comparing, empty) are plain GET forms holding it. It all works
without JavaScript, every state can be bookmarked, and htmx only makes the swap faster.
"""

from dataclasses import dataclass, replace

from simulator import charts, engine, explain, links, messages, shell, startup, tower, units
from simulator.forms import SimulatorForm, host_fields
from simulator.metrics import LEDGERS, METRICS, PAGE_METRICS

FIRST_VISIT = (engine.PRESETS["vm"].layers, engine.PRESETS["container"].layers)


@dataclass(frozen=True)
class State:
    stack: tuple[str, ...] = ()
    instances: int = engine.DEFAULT_INSTANCES
    host_memory_mb: int = engine.DEFAULT_HOST_MEMORY_MB
    cores: int = engine.DEFAULT_HOST_CORES
    workload: str = engine.DEFAULT_WORKLOAD
    compare: tuple[str, ...] = ()
    prev: tuple[str, ...] | None = None

    @classmethod
    def from_form(cls, form: SimulatorForm) -> "State":
        """The state a query asks for. A bare address (no stack, nothing compared) is a first
        visit: it shows the article's two stacks side by side. An empty tower is ``stack=``."""
        first_visit = not ({"stack", "compare"} & form.data.keys())
        return cls(
            stack=FIRST_VISIT[0] if first_visit else form.value("stack", ()),
            instances=form.value("instances", engine.DEFAULT_INSTANCES),
            host_memory_mb=form.value("memory", engine.DEFAULT_HOST_MEMORY_MB),
            cores=form.value("cores", engine.DEFAULT_HOST_CORES),
            workload=form.value("workload", "") or engine.DEFAULT_WORKLOAD,
            compare=FIRST_VISIT[1] if first_visit else form.value("compare", ()),
            prev=form.value("prev", None),
        )

    @property
    def memory_gb(self) -> int:
        """Host memory as the form shows it."""
        return self.host_memory_mb // units.MB_PER_GB

    def _settings(self) -> dict:
        """Everything but the stack, in the words of ``links.query``."""
        return {
            "compare": self.compare,
            "instances": self.instances,
            "host_memory_mb": self.host_memory_mb,
            "host_cores": self.cores,
            "workload": self.workload,
            "prev": self.prev,
        }

    def params(self) -> list[tuple[str, str]]:
        """The state as query parameters, leaving out what is at its default."""
        return links.query(self.stack, **self._settings())

    def url(self) -> str:
        return links.simulator_url(self.stack, **self._settings())

    def step(self, stack: tuple[str, ...]) -> "State":
        """The state after the learner changes the stack, remembering where they came from."""
        return replace(self, stack=stack, prev=self.stack)

    def simulate(self, stack: tuple[str, ...]) -> engine.Result:
        return engine.simulate(
            stack,
            instances=self.instances,
            host_memory_mb=self.host_memory_mb,
            host_cores=self.cores,
            workload=self.workload,
        )


@dataclass(frozen=True)
class Action:
    """One button: `target` is the state it leads to."""

    id: str
    label: str
    target: State
    description: str = ""
    disabled: bool = False


def after_action(
    state: State, add: str = "", preset: str = "", edit: tower.Edit | None = None, side: str = ""
) -> State | None:
    """The state a palette, preset or layer button leads to, or None when none was pressed.
    ``side`` says which tower the palette adds to ("stack" unless comparing)."""
    side = side if side == "compare" and state.compare else "stack"
    if edit is not None:
        side, stack = edit.side, edit.apply(getattr(state, edit.side))
    elif add:
        stack = (*getattr(state, side), add)
    elif preset:
        stack = engine.PRESETS[preset].layers
    else:
        return None
    if side == "compare":  # what changed is worked out for the learner's own stack only
        return replace(state, compare=stack, prev=None)
    return state.step(stack)


def _compare_actions(state: State) -> list[Action]:
    if state.compare:
        return [
            Action(
                "compare-swap",
                "Swap the two stacks",
                replace(state.step(state.compare), compare=state.stack),
            ),
            Action("compare-stop", "Stop comparing", replace(state, compare=(), prev=None)),
        ]
    if not state.stack:
        return []
    counterpart = engine.counterpart_of(state.stack)
    return [
        Action(
            "compare-counterpart",
            "Compare with its counterpart",
            replace(state, compare=counterpart, prev=None),
            description=" → ".join(engine.LAYERS[s].name for s in counterpart),
        ),
    ]


def _comparison(first: engine.Result, second: engine.Result) -> list[dict]:
    """The article's key-differences table, computed for the two stacks."""
    if first.metrics is None or second.metrics is None:
        return []
    one, two = first.metrics, second.metrics
    return [
        {
            "feature": "Kernel",
            "first": one.isolation_shares,
            "second": two.isolation_shares,
            "differs": one.isolation_shares != two.isolation_shares,
        },
        *[
            {
                "feature": metric.label,
                "first": metric.text(one.value(metric.name)),
                "second": metric.text(two.value(metric.name)),
                "differs": one.value(metric.name) != two.value(metric.name),
            }
            for metric in PAGE_METRICS
        ],
    ]


def _metrics(result: engine.Result) -> list[dict]:
    if result.metrics is None:
        return []
    return [
        {
            "label": metric.label,
            "name": metric.name,
            "value": metric.text(result.metrics.value(metric.name)),
        }
        for metric in PAGE_METRICS
    ]


ADDS_UP = frozenset({"memory_mb", "disk_mb"})
"""The ledgers whose per-instance entries are paid again by every instance."""


def _ledger(result: engine.Result) -> list[dict]:
    """Each ledger as a table: what one instance pays, and for memory and disk what all of
    them pay together."""
    if result.metrics is None:
        return []
    tables = []
    for name, kind in LEDGERS.items():
        adds_up = name in ADDS_UP
        rows = [
            {
                "entry": entry,
                "counted": "per instance" if entry.per_instance else "once per host",
                "each": kind.format(entry.each) if entry.per_instance else "—",
                "total": kind.format(entry.contribution) if adds_up else None,
            }
            for entry in getattr(result.metrics.ledger, name)
        ]
        total = f"All {units.count(result.instances)} instances" if adds_up else None
        tables.append({"title": kind.title, "total": total, "rows": rows})
    return tables


SUMMARY = (  # the key figures kept in view, with the short labels a phone has room for
    ("Startup", "startup_ms"),
    ("Memory each", "memory_per_instance_mb"),
    ("Fit on host", "density"),
    ("Isolation (0–5)", "isolation"),
)


def _summary(towers: list[tower.Tower]) -> dict:
    """The key figures of each stack shown, kept in view while the learner works (on a phone,
    pinned to the bottom of the screen)."""
    rows = []
    for shown in towers:
        name, result = shown.name or shown.title, shown.result
        if not result.stack:
            rows.append({"name": name, "message": "The tower is empty."})
        elif result.metrics is None:
            rows.append({"name": name, "message": "Cannot run: see the tower."})
        else:
            values = [METRICS[metric].text(result.metrics.value(metric)) for _, metric in SUMMARY]
            rows.append({"name": name, "values": values})
    return {"head": [label for label, _ in SUMMARY], "span": len(SUMMARY), "rows": rows}


def cap_note(result: engine.Result) -> str:
    """Why density stops short of what memory allows, when a platform limit is what stops it."""
    metrics = result.metrics
    if metrics is None or not metrics.capped:
        return ""
    cap = metrics.density_cap
    source = f" ({cap.source.id}, {cap.source.year})" if cap.source else ""
    by_memory = units.count(metrics.density_by_memory) if metrics.density_by_memory else "any"
    return (
        f"Memory alone would fit {by_memory} instances; the count stops at a platform limit "
        f"of {units.count(int(cap.value))}: {cap.note}{source}"
    )


def _figures(result: engine.Result) -> str:
    if not result.stack:
        return "The tower is empty."
    metrics = result.metrics
    if metrics is None:
        return messages.cannot_run(result.problems[0].message)
    if metrics.density is None:
        return messages.NO_APPLICATION
    return (
        f"Startup {units.seconds(metrics.startup_ms)}, memory "
        f"{units.megabytes(metrics.memory_per_instance_mb)} per instance, "
        f"{units.count(metrics.density)} instances fit, isolation level {metrics.isolation}."
    )


def announcement(towers: list[tower.Tower], changes: tuple[explain.Change, ...]) -> str:
    """What a screen reader hears after a click: what changed, then the key figures."""
    if len(towers) == 1:
        figures = [_figures(towers[0].result)]
    else:
        figures = [f"{t.name or t.title}: {_figures(t.result)}" for t in towers]
    return " ".join([*(change.text + "." for change in changes[:2]), *figures])


def terminal(state: State, command: str, where: str) -> dict:
    """The simulated terminal, bound to the learner's own stack (instance 1, or its host)."""
    result = state.simulate(state.stack)
    return {
        "answer": shell.run(result, command, where) if command else None,
        "command": command,
        "where": [(value, label, value == where) for value, label in shell.WHERE.items()],
        "commands": list(shell.COMMANDS),
        "runs": result.valid,
    }


def build(state: State, side: str = "stack", image_cached: bool = True) -> dict:
    """Everything the page template needs for one state; ``side`` is the tower the palette
    adds to; ``image_cached`` False puts an image pull in front of a container's start."""
    result = state.simulate(state.stack)
    previous = state.simulate(state.prev) if state.prev is not None else None
    changes = explain.explain_change(previous, result) if previous and previous.stack else ()
    towers = [tower.build("stack", result)]
    if state.compare:
        towers.append(tower.build("compare", state.simulate(state.compare)))
    context = {
        "state": state,
        "result": result,
        "towers": towers,
        "sides": [(t.side, t.title, t.side == side) for t in towers] if state.compare else [],
        "palette": list(engine.LAYERS.values()),
        "presets": list(engine.PRESETS.values()),
        "compare_actions": _compare_actions(state),
        "reset": Action("reset", "Empty your tower", replace(state, stack=(), prev=None)),
        "metrics": _metrics(result),
        "ledger": _ledger(result),
        "changes": changes,
        "announcement": announcement(towers, changes),
        "sources": engine.sources(result) if result.valid else (),
        "caveat": engine.ISOLATION_CAVEAT,
        "no_application": messages.NO_APPLICATION,
        "host_memory": units.gigabytes(state.host_memory_mb),
        "host_fields": host_fields(
            state.instances, state.host_memory_mb, state.cores, state.workload
        ),
        "cap_note": cap_note(result),
        "cpu_share": explain.cpu_share(result) if result.valid else "",
        "boot": startup.section(towers, image_cached),
    }
    if state.compare:
        compared = towers[1].result
        context |= {
            "compared": compared,
            "compared_metrics": _metrics(compared),
            "comparison": _comparison(result, compared),
            "compared_names": [engine.LAYERS[slug].name for slug in state.compare],
        }
    context["summary"] = _summary(towers)
    if result.valid:
        if state.compare:
            other, other_name = context["compared"], "Compared stack"
        else:
            other, other_name = state.simulate(engine.counterpart_of(state.stack)), "Counterpart"
        context["charts"] = charts.for_result(result, other, other_name)
    return context
