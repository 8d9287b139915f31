"""Chart data for plotly.js, as plain dicts encoded with plotly's JSON encoder.

Built per request without plotly's graph_objects (which validate every property and are slow);
the tests check these dicts against plotly's schema instead. Each chart comes with the rows of
its text alternative, a table the template shows beside it.
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
            barmode="stack",
            xaxis={"title": {"text": "% of one instance"}, "range": [0, 100]},
            margin={**BASE_LAYOUT["margin"], "l": 80},
        ),
    }
    table = _table(
        "Share of one instance, by layer",
        ("Layer", "Startup", "Memory"),
        [(row["layer"], row["startup"], row["memory"]) for row in rows],
    )
    return {"figure": figure, "rows": rows, "table": table}


def density(result: engine.Result, other: engine.Result, other_name: str) -> dict:
    """Total memory against instance count for this stack and another, with the host's memory."""
    host = result.host_memory_mb
    most = max([1, *(res.metrics.density or 0 for res in (result, other) if res.metrics)])
    top = max(10, int(most * 1.25))
    traces = []
    rows = []
    for name, res, dash in (("This stack", result, "solid"), (other_name, other, "dot")):
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
                "line": {"dash": dash, "width": 3},
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
            "line": {"color": "#dc2626", "width": 2, "dash": "dash"},
        }
    )
    figure = {
        "data": traces,
        "layout": _layout(
            xaxis={"title": {"text": "Instances"}, "range": [0, top]},
            yaxis={"title": {"text": "Memory (MB)"}, "range": [0, host * 1.3]},
            margin={**BASE_LAYOUT["margin"], "l": 70},
            height=300,
        ),
    }
    table = _table(
        f"How many instances fit in {units.gigabytes(host)}",
        ("Stack", "Memory per instance (MB)", "Instances that fit"),
        [(row["stack"], f"{row['per_instance']:,}", _count(row["fits"])) for row in rows],
    )
    return {"figure": figure, "rows": rows, "table": table}


def timeline(result: engine.Result) -> dict:
    """When each per-instance layer starts and finishes starting, one after another."""
    start = 0.0
    names, durations, bases, colours, rows = [], [], [], [], []
    for entry in result.metrics.ledger.startup_ms:
        if not entry.per_instance:
            continue
        layer = engine.LAYERS[entry.slug]
        names.append(layer.name)
        durations.append(entry.contribution)
        bases.append(start)
        colours.append(KIND_COLOURS[layer.kind])
        rows.append({"layer": layer.name, "start": start, "end": start + entry.contribution})
        start += entry.contribution
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": durations,
                "base": bases,
                "marker": {"color": colours},
                "hovertemplate": "%{y}: %{x:,.1f} ms<extra></extra>",
                "showlegend": False,
            }
        ],
        "layout": _layout(
            xaxis={
                "title": {"text": "Milliseconds after the request to start"},
                "rangemode": "tozero",
            },
            yaxis={"autorange": "reversed"},
            # Room for the longest layer name; plotly's automargin would cost a second layout.
            margin={**BASE_LAYOUT["margin"], "l": 24 + 7 * max(map(len, names), default=0)},
            height=max(160, 60 + 40 * len(names)),
        ),
    }
    table = _table(
        "Startup of one instance, layer by layer",
        ("Layer", "Starts at (ms)", "Ready at (ms)"),
        [(row["layer"], _ms(row["start"]), _ms(row["end"])) for row in rows],
    )
    return {"figure": figure, "rows": rows, "table": table}


TITLES = {
    "shares": "Each layer's share of one instance's startup time and memory",
    "density": "Memory used as instances are added, against the host's memory",
    "timeline": "Startup timeline of one instance",
}


def for_result(result: engine.Result, other: engine.Result, other_name: str) -> dict:
    """The three charts, each with its figure encoded as JSON for a data attribute (htmx removes
    <script> elements from swapped content when script tags are disabled, JSON ones included)."""
    charts = {
        "shares": layer_shares(result),
        "density": density(result, other, other_name),
        "timeline": timeline(result),
    }
    for name, chart in charts.items():
        chart |= {"id": f"chart-{name}", "title": TITLES[name]}
        chart["json"] = to_json_plotly(chart["figure"])
    return charts
