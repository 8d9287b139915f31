"""The progress page's chart, as a plain dict encoded with plotly's JSON encoder."""

from plotly.io.json import to_json_plotly

LAYOUT = {
    "margin": {"l": 260, "r": 20, "t": 10, "b": 80},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "font": {"family": "system-ui, sans-serif", "size": 13},
}


def scores_chart(rows: list[dict]) -> str:
    titles = [row["lesson"].title for row in rows]
    scores = [row["best"].percent if row["best"] else 0 for row in rows]
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": titles,
                "x": scores,
                "marker": {"color": "#1d4ed8"},
                "hovertemplate": "%{y}: %{x}%<extra></extra>",
            }
        ],
        "layout": {
            **LAYOUT,
            "height": 60 + 34 * len(rows),
            "xaxis": {"title": {"text": "Best quiz score (%)"}, "range": [0, 100]},
            "yaxis": {"autorange": "reversed", "automargin": True},
        },
    }
    return to_json_plotly(figure)
