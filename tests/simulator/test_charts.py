"""Chart data is built as plain dicts per request; plotly's own schema checks them here."""

import plotly.graph_objects as go
import pytest

from simulator import charts, engine


def result(preset: str) -> engine.Result:
    return engine.simulate(engine.PRESETS[preset].layers, instances=10)


@pytest.mark.parametrize("preset", list(engine.PRESETS))
def test_every_chart_of_every_preset_is_a_valid_plotly_figure(preset):
    this = result(preset)
    other = engine.simulate(engine.counterpart_of(this.stack), instances=10)
    for chart in charts.for_result(this, other, "Counterpart").values():
        go.Figure(chart["figure"])  # raises on any property plotly does not know


@pytest.mark.parametrize("preset", list(engine.PRESETS))
def test_each_chart_hands_its_legend_to_the_page_one_entry_per_trace_in_its_colour(preset):
    this = result(preset)
    other = engine.simulate(engine.counterpart_of(this.stack), instances=10)
    for chart in charts.for_result(this, other, "Counterpart").values():
        traces = chart["figure"]["data"]
        assert chart["figure"]["layout"]["showlegend"] is False
        assert [entry["name"] for entry in chart["legend"]] == [trace["name"] for trace in traces]
        for entry, trace in zip(chart["legend"], traces, strict=True):
            drawn = trace["line"] if entry["line"] else trace["marker"]
            assert entry["colour"] == drawn["color"]
            assert entry["dash"] == charts.DASHES[drawn.get("dash", "solid")]


def test_layer_shares_add_up_to_the_whole_instance():
    chart = charts.layer_shares(result("vm"))
    startup = sum(trace["x"][0] for trace in chart["figure"]["data"])
    memory = sum(trace["x"][1] for trace in chart["figure"]["data"])
    assert startup == pytest.approx(100, abs=0.5)
    assert memory == pytest.approx(100, abs=0.5)


def test_the_guest_os_dominates_a_vms_startup():
    chart = charts.layer_shares(result("vm"))
    guest = next(t for t in chart["figure"]["data"] if t["name"] == engine.LAYERS["guest-os"].name)
    assert guest["x"][0] > 90


def test_the_density_lines_cross_the_host_memory_where_instances_stop_fitting():
    this = result("container")
    chart = charts.density(this, result("vm"), "Counterpart")
    line = chart["figure"]["data"][0]
    slope = (line["y"][1] - line["y"][0]) / (line["x"][1] - line["x"][0])
    fits_by_memory = (this.host_memory_mb - line["y"][0]) / slope
    assert fits_by_memory >= this.metrics.density
    assert chart["rows"][0]["fits"] == this.metrics.density
