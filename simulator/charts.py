"""Chart data for plotly.js, as plain dicts encoded with plotly's JSON encoder.

Built per request without plotly's graph_objects (which validate every property and are slow);
the tests check these dicts against plotly's schema instead. Each chart comes with the rows of
its text alternative, a table the template shows beside it, and with its legend as data: the page
draws legends in HTML, because plotly's own legend is the costliest part of redrawing a chart
(it is laid out twice, to push the margins) and sits on the click-to-chart path. One
instance's startup, layer by layer and phase by phase, is the page's boot timeline (HTML, not a
chart).
"""

from plotly.io.json import to_json_plotly

from simulator import engine, units

BASE_LAYOUT = {
    "margin": {"l": 150, "r": 20, "t": 10, "b": 80},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "font": {"family": "system-ui, sans-serif", "size": 13},
    "legend": {"orientation": "h", "y": -0.35},
    "height": 260,
}

# The simulator's charts leave their legend to the page (see above). The lines' dashes, as plotly
# names them and as SVG draws them in the page's legend.
NO_LEGEND_MARGIN = {**BASE_LAYOUT["margin"], "b": 50}
DASHES = {"solid": "", "dot": "3 3", "dash": "9 5"}
LINE_COLOURS = ("#2563eb", "#d97706")
HOST_COLOUR = "#dc2626"

# One colour per kind of layer, matching the tower's; readable on light and dark backgrounds.
KIND_COLOURS = {
    "hardware": "#64748b",
    "host-os": "#3b82f6",
    "hypervisor": "#d97706",
    "hosted-hypervisor": "#d97706",
    "orchestrator": "#0d9488",
    "microvm": "#d97706",
    "guest-os": "#9333ea",
    "container-runtime": "#0d9488",
    "sandbox-runtime": "#0d9488",
    "vm-runtime": "#0d9488",
    "wasm-runtime": "#0d9488",
    "unikernel": "#db2777",
    "app": "#db2777",
}


def _layout(**overrides) -> dict:
    return {**BASE_LAYOUT, **overrides}


def _legend(*entries: tuple[str, str, str | None]) -> list[dict]:
    """Legend entries (name, colour, dash): a bar's swatch when dash is None, else a line."""
    return [
        {"name": name, "colour": colour, "line": dash is not None, "dash": DASHES.get(dash, "")}
        for name, colour, dash in entries
    ]


def _table(caption: str, head: tuple[str, ...], rows: list[tuple[str, ...]]) -> dict:
    """A chart's text alternative: the first cell of each row is its header."""
    return {"caption": caption, "head": head, "rows": rows}


def _count(value: int | None) -> str:
    return "no limit" if value is None else units.count(value)


def _ms(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def layer_shares(result: engine.Result) -> dict:
    """Each per-instance layer's share of startup time and of memory, as stacked bars."""
    ledger = result.metrics.ledger
    startup: dict[str, float] = {}
    memory: dict[str, float] = {}
    for shares, entries in ((startup, ledger.startup_ms), (memory, ledger.memory_mb)):
        for entry in entries:
            if entry.per_instance:
                shares[entry.slug] = shares.get(entry.slug, 0.0) + entry.each
    totals = {"Startup": sum(startup.values()), "Memory": sum(memory.values())}
    rows = []
    traces = []
    for slug in dict.fromkeys([*startup, *memory]):
        layer = engine.LAYERS[slug]
        shares = [
            100 * startup.get(slug, 0) / totals["Startup"] if totals["Startup"] else 0,
            100 * memory.get(slug, 0) / totals["Memory"] if totals["Memory"] else 0,
        ]
        rows.append(
            {"layer": layer.name, "startup": f"{shares[0]:.0f}%", "memory": f"{shares[1]:.0f}%"}
        )
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": layer.name,
                "y": ["Startup", "Memory"],
                "x": [round(share, 1) for share in shares],
                "marker": {"color": KIND_COLOURS[layer.kind]},
                "hovertemplate": "%{y}: %{x:.0f}%<extra>" + layer.name + "</extra>",
            }
        )
    figure = {
        "data": traces,
        "layout": _layout(
            showlegend=False,
            barmode="stack",
            xaxis={"title": {"text": "% of one instance"}, "range": [0, 100]},
            margin={**NO_LEGEND_MARGIN, "l": 80},
            height=200,
        ),
    }
    legend = _legend(*((t["name"], t["marker"]["color"], None) for t in traces))
    table = _table(
        "Share of one instance, by layer",
        ("Layer", "Startup", "Memory"),
        [(row["layer"], row["startup"], row["memory"]) for row in rows],
    )
    return {"figure": figure, "rows": rows, "table": table, "legend": legend}


def density(result: engine.Result, other: engine.Result, other_name: str) -> dict:
    """Total memory against instance count for this stack and another, with the host's memory."""
    host = result.host_memory_mb
    most = max([1, *(res.metrics.density or 0 for res in (result, other) if res.metrics)])
    top = max(10, int(most * 1.25))
    traces = []
    rows = []
    lines = (("This stack", result, "solid"), (other_name, other, "dot"))
    for (name, res, dash), colour in zip(lines, LINE_COLOURS, strict=True):
        metrics = res.metrics
        if metrics is None:
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": [0, top],
                "y": [
                    metrics.memory_shared_mb,
                    metrics.memory_shared_mb + top * metrics.memory_per_instance_mb,
                ],
                "line": {"color": colour, "dash": dash, "width": 3},
            }
        )
        rows.append(
            {
                "stack": name,
                "per_instance": round(metrics.memory_per_instance_mb),
                "fits": metrics.density,
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Host memory",
            "x": [0, top],
            "y": [host, host],
            "line": {"color": HOST_COLOUR, "width": 2, "dash": "dash"},
        }
    )
    figure = {
        "data": traces,
        "layout": _layout(
            showlegend=False,
            xaxis={"title": {"text": "Instances"}, "range": [0, top]},
            yaxis={"title": {"text": "Memory (MB)"}, "range": [0, host * 1.3]},
            margin={**NO_LEGEND_MARGIN, "l": 70},
            height=260,
        ),
    }
    legend = _legend(*((t["name"], t["line"]["color"], t["line"]["dash"]) for t in traces))
    table = _table(
        f"How many instances fit in {units.gigabytes(host)}",
        ("Stack", "Memory per instance (MB)", "Instances that fit"),
        [(row["stack"], f"{row['per_instance']:,}", _count(row["fits"])) for row in rows],
    )
    return {"figure": figure, "rows": rows, "table": table, "legend": legend}


TITLES = {
    "shares": "Each layer's share of one instance's startup time and memory",
    "density": "Memory used as instances are added, against the host's memory",
}


def for_result(result: engine.Result, other: engine.Result, other_name: str) -> dict:
    """The charts, each with its figure encoded as JSON for a data attribute (htmx removes
    <script> elements from swapped content when script tags are disabled, JSON ones included)."""
    charts = {
        "shares": layer_shares(result),
        "density": density(result, other, other_name),
    }
    for name, chart in charts.items():
        chart |= {"id": f"chart-{name}", "title": TITLES[name]}
        chart["json"] = to_json_plotly(chart["figure"])
    return charts
