"""What the simulator page shows for a state: the tower, its actions, metrics and comparisons.

The page's whole state lives in the query string. The tower's buttons are plain GET forms whose
hidden fields hold the state they lead to; the palette and presets are one form that sends the
current state with the button pressed (`add=` or `preset=`), and the view redirects to the state
it leads to. It all works without JavaScript, every state can be bookmarked, and htmx only makes
the swap faster.
"""

from dataclasses import dataclass, field, replace

from simulator import charts, engine, explain, links, messages, units
from simulator.forms import HostForm, SimulatorForm
from simulator.metrics import LEDGERS, METRICS, PAGE_METRICS


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
        return cls(
            stack=form.value("stack", ()),
            instances=form.value("instances", engine.DEFAULT_INSTANCES),
            host_memory_mb=form.value("memory", engine.DEFAULT_HOST_MEMORY_MB),
            cores=form.value("cores", engine.DEFAULT_HOST_CORES),
            workload=form.value("workload", "") or engine.DEFAULT_WORKLOAD,
            compare=form.value("compare", ()),
            prev=form.value("prev", None),
        )

    @property
    def memory_gb(self) -> int:
        """Host memory as the form shows it."""
        return self.host_memory_mb // units.MB_PER_GB

    def params(self) -> list[tuple[str, str]]:
        """The state as query parameters, leaving out what is at its default."""
        return links.query(
            self.stack,
            compare=self.compare,
            instances=self.instances,
            host_memory_mb=self.host_memory_mb,
            host_cores=self.cores,
            workload=self.workload,
            prev=self.prev,
        )

    def url(self) -> str:
        return links.simulator_url(
            self.stack,
            compare=self.compare,
            instances=self.instances,
            host_memory_mb=self.host_memory_mb,
            host_cores=self.cores,
            workload=self.workload,
            prev=self.prev,
        )

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
                per_instance=bool(result.metrics and result.metrics.per_instance[index]),
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


def _ledger(result: engine.Result) -> list[dict]:
    if result.metrics is None:
        return []
    return [
        {
            "title": kind.title,
            "entries": [
                {"entry": entry, "value": kind.format(entry.contribution)}
                for entry in getattr(result.metrics.ledger, name)
            ],
        }
        for name, kind in LEDGERS.items()
    ]


SUMMARY = (  # the key figures kept in view, with the short labels a phone has room for
    ("Startup", "startup_ms"),
    ("Memory each", "memory_per_instance_mb"),
    ("Fit on host", "density"),
    ("Isolation (0–5)", "isolation"),
)


def stack_name(stack: tuple[str, ...], fallback: str) -> str:
    """A preset's name when the stack is one, else the fallback ("Your stack")."""
    return next((p.name for p in engine.PRESETS.values() if p.layers == stack), fallback)


def _summary(results: list[tuple[str, engine.Result]]) -> dict:
    """The key figures of each stack shown, kept in view while the learner works (on a phone,
    pinned to the bottom of the screen)."""
    rows = []
    for name, result in results:
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


def announcement(result: engine.Result, changes: tuple[explain.Change, ...]) -> str:
    if not result.stack:
        return "The tower is empty."
    metrics = result.metrics
    if metrics is None:
        return messages.cannot_run(result.problems[0].message)
    if metrics.density is None:
        return messages.NO_APPLICATION
    summary = (
        f"Startup {units.seconds(metrics.startup_ms)}, memory "
        f"{units.megabytes(metrics.memory_per_instance_mb)} per instance, "
        f"{units.count(metrics.density)} instances fit, isolation level {metrics.isolation}."
    )
    return " ".join([*(change.text + "." for change in changes[:2]), summary])


def build(state: State) -> dict:
    """Everything the page template needs for one state."""
    result = state.simulate(state.stack)
    previous = state.simulate(state.prev) if state.prev is not None else None
    changes = explain.explain_change(previous, result) if previous and previous.stack else ()
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
        "no_application": messages.NO_APPLICATION,
        "host_memory": units.gigabytes(state.host_memory_mb),
        "host_form": HostForm.showing(
            state.instances, state.host_memory_mb, state.cores, state.workload
        ),
        "cap_note": cap_note(result),
        "cpu_share": explain.cpu_share(result) if result.valid else "",
    }
    if state.compare:
        compared = state.simulate(state.compare)
        context |= {
            "compared": compared,
            "compared_metrics": _metrics(compared),
            "comparison": _comparison(result, compared),
            "compared_names": [engine.LAYERS[slug].name for slug in state.compare],
        }
    shown = [(stack_name(state.stack, "Your stack"), result)]
    if state.compare:
        shown.append((stack_name(state.compare, "Compared stack"), context["compared"]))
    context["summary"] = _summary(shown)
    if result.valid:
        if state.compare:
            other, other_name = context["compared"], "Compared stack"
        else:
            other, other_name = state.simulate(engine.counterpart_of(state.stack)), "Counterpart"
        context["charts"] = charts.for_result(result, other, other_name)
    return context
