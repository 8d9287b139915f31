"""Links into the simulator carry a state that the page reads back unchanged."""

from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse

from simulator import engine, links
from simulator.forms import SimulatorForm
from simulator.links import preset_url, simulator_url
from simulator.workspace import State

CONTAINER = engine.PRESETS["container"].layers
VM = engine.PRESETS["vm"].layers


def read_back(url: str) -> State:
    """The state the simulator page builds from ``url``, through the form that parses it."""
    parts = urlsplit(url)
    assert parts.path == reverse("simulator:page")
    form = SimulatorForm(QueryDict(parts.query))
    assert form.is_valid(), form.errors
    return State.from_form(form)


@pytest.mark.parametrize(
    "state",
    [
        State(),
        State(stack=CONTAINER),
        State(stack=VM, compare=CONTAINER),
        State(stack=VM, instances=250, host_memory_mb=65536, cores=64),
        State(stack=CONTAINER, instances=1, host_memory_mb=1024, cores=1, prev=VM),
        State(stack=VM, workload="database"),
    ],
)
def test_a_state_survives_the_round_trip_through_its_url(state):
    url = simulator_url(
        state.stack,
        compare=state.compare,
        instances=state.instances,
        host_memory_mb=state.host_memory_mb,
        host_cores=state.cores,
        workload=state.workload,
        prev=state.prev,
    )
    assert read_back(url) == state
    assert state.url() == url


def test_settings_at_their_defaults_stay_out_of_the_address():
    assert simulator_url(CONTAINER) == reverse("simulator:page") + (
        "?stack=hardware%2Chost-os%2Ccontainer-runtime%2Capp"
    )
    assert (
        simulator_url() == reverse("simulator:page") + "?stack="
    )  # the bare address: VM vs container


def test_host_memory_travels_in_whole_gigabytes():
    url = simulator_url(CONTAINER, host_memory_mb=64 * 1024)
    assert "memory=64" in url
    assert read_back(url).host_memory_mb == 64 * 1024


def test_a_preset_link_shows_the_preset_and_its_comparison():
    state = read_back(preset_url("vm", "container"))
    assert (state.stack, state.compare) == (VM, CONTAINER)


def test_a_query_the_page_accepts_has_no_problems():
    assert links.query_problems("stack=hardware,host-os,app&instances=3&workload=batch") == []


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("stack=hardware,teleporter", "“teleporter” is not a layer this simulator knows"),
        ("instances=0", "Instances must be a whole number"),
        ("stack=hardware&colour=red", "'colour' is not a setting"),
        ("workload=mining", "Choose one of the workloads listed."),
    ],
)
def test_a_query_the_page_would_refuse_says_why(query, words):
    assert any(words in problem for problem in links.query_problems(query))
