"""What the simulator page shows for a state: the tower, its actions, metrics and comparisons.

The page's whole state lives in the query string. The tower's buttons are plain GET forms whose
hidden fields hold the state they lead to; the palette and presets are one form that sends the
current state with the button pressed (`add=` or `preset=`), and the view redirects to the state
it leads to. It all works without JavaScript, every state can be bookmarked, and htmx only makes
the swap faster.
"""

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.urls import reverse

from simulator import charts, engine
from simulator.forms import DEFAULT_CORES, DEFAULT_INSTANCES, DEFAULT_MEMORY_GB, SimulatorForm


@dataclass(frozen=True)
class State:
    stack: tuple[str, ...] = ()
    instances: int = DEFAULT_INSTANCES
    memory: int = DEFAULT_MEMORY_GB
    cores: int = DEFAULT_CORES
    compare: tuple[str, ...] = ()
    prev: tuple[str, ...] | None = None

    @classmethod
    def from_form(cls, form: SimulatorForm) -> "State":
        return cls(
            stack=form.value("stack", ()),
            instances=form.value("instances", DEFAULT_INSTANCES),
            memory=form.value("memory", DEFAULT_MEMORY_GB),
            cores=form.value("cores", DEFAULT_CORES),
            compare=form.value("compare", ()),
            prev=form.value("prev", None),
        )

    def params(self) -> list[tuple[str, str]]:
        """The state as query parameters, leaving out what is at its default."""
        pairs = [("stack", ",".join(self.stack))] if self.stack else []
        if self.compare:
            pairs.append(("compare", ",".join(self.compare)))
        for name, default in (
            ("instances", DEFAULT_INSTANCES),
            ("memory", DEFAULT_MEMORY_GB),
            ("cores", DEFAULT_CORES),
        ):
            if getattr(self, name) != default:
                pairs.append((name, str(getattr(self, name))))
        if self.prev is not None and self.prev != self.stack:
            pairs.append(("prev", ",".join(self.prev)))
        return pairs

    def url(self) -> str:
        query = urlencode(self.params())
        return reverse("simulator:page") + (f"?{query}" if query else "")

    def step(self, stack: tuple[str, ...]) -> "State":
        """The state after the learner changes the stack, remembering where they came from."""
        return replace(self, stack=stack, prev=self.stack)

    def simulate(self, stack: tuple[str, ...]) -> engine.Result:
        return engine.simulate(
            stack,
            instances=self.instances,
            host_memory_mb=self.memory * 1024,
            host_cores=self.cores,
        )


def preset_url(preset: str, compare: str = "") -> str:
    """A link to the simulator showing a preset, and optionally comparing it with another."""
    state = State(
        stack=engine.PRESETS[preset].layers,
        compare=engine.PRESETS[compare].layers if compare else (),
    )
    return state.url()


@dataclass(frozen=True)
class Action:
    """One button: `target` is the state it leads to."""

    id: str
    label: str
    target: State
    description: str = ""
    disabled: bool = False


@dataclass
class TowerLayer:
    index: int
    layer: engine.Layer
    per_instance: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def _tower(state: State, result: engine.Result) -> list[TowerLayer]:
    stack = state.stack
    rows = []
    for index, slug in enumerate(stack):
        layer = engine.LAYERS[slug]
        moved_up = stack[:index] + stack[index + 1 : index + 2] + (slug,) + stack[index + 2 :]
        moved_down = stack[: index - 1] + (slug, stack[index - 1]) + stack[index + 1 :]
        rows.append(
            TowerLayer(
                index=index,
                layer=layer,
                per_instance=bool(result.per_instance and result.per_instance[index]),
                problems=[p.message for p in result.problems if p.index == index],
                notes=[n.message for n in result.notes if n.index == index],
                actions=[
                    Action(
                        f"up-{index}",
                        "Move up",
                        state.step(moved_up),
                        disabled=index == len(stack) - 1,
                    ),
                    Action(
                        f"down-{index}",
                        "Move down",
                        state.step(moved_down),
                        disabled=index == 0,
                    ),
                    Action(
                        f"remove-{index}",
                        "Remove",
                        state.step(stack[:index] + stack[index + 1 :]),
                    ),
                ],
            )
        )
    return rows


def after_action(state: State, add: str = "", preset: str = "") -> State | None:
    """The state a palette or preset button leads to, or None when neither was pressed."""
    if add:
        return state.step((*state.stack, add))
    if preset:
        return state.step(engine.PRESETS[preset].layers)
    return None


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


def shown(fmt, value) -> str:
    """A metric as text; "n/a" where the stack has nothing to measure yet (no instances)."""
    return "n/a" if value is None else fmt(value)


def _comparison(first: engine.Result, second: engine.Result) -> list[dict]:
    """The article's key-differences table, computed for the two stacks."""
    if not (first.valid and second.valid):
        return []
    return [
        {
            "feature": "Kernel",
            "first": first.isolation_shares,
            "second": second.isolation_shares,
            "differs": first.isolation_shares != second.isolation_shares,
        },
        *[
            {
                "feature": label,
                "first": shown(fmt, getattr(first, name)),
                "second": shown(fmt, getattr(second, name)),
                "differs": getattr(first, name) != getattr(second, name),
            }
            for label, name, fmt in METRIC_ROWS
        ],
    ]


def seconds(ms: float) -> str:
    if ms < 1:
        return f"{ms * 1000:,.0f} µs"
    if ms < 1000:
        return f"{ms:,.0f} ms"
    return f"{ms / 1000:,.1f} s"


def megabytes(mb: float) -> str:
    return f"{mb / 1024:,.1f} GB" if mb >= 10_240 else f"{mb:,.0f} MB"


def percent(fraction: float) -> str:
    return f"{fraction * 100:,.0f}%"


def count(value: int) -> str:
    return f"{value:,}"


METRIC_ROWS = [
    ("Startup per instance", "startup_ms", seconds),
    ("Memory per instance", "memory_per_instance_mb", megabytes),
    ("Memory in total", "memory_total_mb", megabytes),
    ("Disk per instance", "disk_per_instance_mb", megabytes),
    ("Disk in total", "disk_total_mb", megabytes),
    ("CPU overhead", "compute_overhead", percent),
    ("I/O overhead", "io_overhead", percent),
    ("Throughput vs. native", "throughput", percent),
    ("Isolation level", "isolation", str),
    ("Instances that fit", "density", count),
]


def _metrics(result: engine.Result) -> list[dict]:
    if not result.valid:
        return []
    return [
        {"label": label, "name": name, "value": shown(fmt, getattr(result, name))}
        for label, name, fmt in METRIC_ROWS
    ]


LEDGER_TITLES = {
    "startup_ms": ("Startup time", seconds),
    "memory_mb": ("Memory", megabytes),
    "disk_mb": ("Disk", megabytes),
    "compute_overhead": ("CPU overhead", percent),
    "io_overhead": ("I/O overhead", percent),
}


def _ledger(result: engine.Result) -> list[dict]:
    if not result.valid or result.ledger is None:
        return []
    return [
        {
            "title": title,
            "entries": [
                {"entry": entry, "value": fmt(entry.contribution)}
                for entry in getattr(result.ledger, name)
            ],
        }
        for name, (title, fmt) in LEDGER_TITLES.items()
    ]


def announcement(result: engine.Result, changes: tuple[engine.Change, ...]) -> str:
    if not result.stack:
        return "The tower is empty."
    if not result.valid:
        return f"This stack cannot run: {result.problems[0].message}"
    if result.density is None:
        return "No instances yet: add a layer that runs them, such as an application."
    summary = (
        f"Startup {seconds(result.startup_ms)}, memory {megabytes(result.memory_per_instance_mb)} "
        f"per instance, {count(result.density)} instances fit, isolation level {result.isolation}."
    )
    return " ".join([*(change.text + "." for change in changes[:2]), summary])


def build(state: State) -> dict:
    """Everything the page template needs for one state."""
    result = state.simulate(state.stack)
    previous = state.simulate(state.prev) if state.prev is not None else None
    changes = engine.explain_change(previous, result) if previous and previous.stack else ()
    context = {
        "state": state,
        "result": result,
        "tower": _tower(state, result),
        "palette": list(engine.LAYERS.values()),
        "presets": list(engine.PRESETS.values()),
        "compare_actions": _compare_actions(state),
        "reset": Action(
            "reset", "Empty the tower", replace(state, stack=(), compare=(), prev=None)
        ),
        "metrics": _metrics(result),
        "ledger": _ledger(result),
        "changes": changes,
        "announcement": announcement(result, changes),
        "sources": engine.sources(result) if result.valid else (),
        "caveat": engine.ISOLATION_CAVEAT,
    }
    if state.compare:
        compared = state.simulate(state.compare)
        context |= {
            "compared": compared,
            "compared_metrics": _metrics(compared),
            "comparison": _comparison(result, compared),
            "compared_names": [engine.LAYERS[slug].name for slug in state.compare],
        }
    if result.valid:
        if state.compare:
            other, other_name = context["compared"], "Compared stack"
        else:
            other, other_name = state.simulate(engine.counterpart_of(state.stack)), "Counterpart"
        context["charts"] = charts.for_result(result, other, other_name)
    return context
