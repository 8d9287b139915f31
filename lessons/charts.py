"""The progress page's chart, as a plain dict encoded with plotly's JSON encoder."""

from plotly.io.json import to_json_plotly

from simulator.charts import BASE_LAYOUT


def scores_chart(rows: list[dict]) -> str:
    titles = [row["lesson"].title for row in rows]
    scores = [
        round(100 * row["best"].score / max(1, row["best"].question_count)) if row["best"] else 0
        for row in rows
    ]
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
            **BASE_LAYOUT,
            "height": 60 + 34 * len(rows),
            "margin": {**BASE_LAYOUT["margin"], "l": 260},
            "xaxis": {"title": {"text": "Best quiz score (%)"}, "range": [0, 100]},
            "yaxis": {"autorange": "reversed", "automargin": True},
        },
    }
    return to_json_plotly(figure)
