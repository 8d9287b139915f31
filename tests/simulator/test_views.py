"""The simulator page and its JSON API: every state is a URL; bad input gets words, not a 500."""

import html
import json
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import engine, units

PAGE = "/simulator/"
API = "/simulator/api/metrics"
CONTAINER = ",".join(engine.PRESETS["container"].layers)
VM = ",".join(engine.PRESETS["vm"].layers)
ACCEPTABLE = {200, 302, 400}

pytestmark = pytest.mark.django_db


def tower_names(html: str, heading: str = "tower-heading") -> list[str]:
    tower = html[html.index(f'<ol class="stack stack--editable" aria-labelledby="{heading}"') :]
    tower = tower[: tower.index("</ol>")]
    return re.findall(r'<span class="layer__name">([^<]+)</span>', tower)


def pressed(client, page_query: dict, button_id: str):
    """Press a layer's button as a browser without JavaScript does: it submits the page's state
    form (the one its `form` attribute names) with its own name and value."""
    text = client.get(PAGE, page_query).text
    button = re.search(rf'<button [^>]*id="{button_id}"[^>]*>', text)[0]
    form_id = re.search(r'form="([^"]+)"', button)[1]
    form = text[text.index(f'id="{form_id}"') :]
    form = form[: form.index("</form>")]
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    name, value = re.search(r'name="([^"]+)" value="([^"]+)"', button).groups()
    return client.get(PAGE, data | {name: value})


class TestPage:
    """The full page draws the tower bottom-up from the URL and shows what it costs."""

    def test_a_first_visit_shows_the_articles_vm_and_container_side_by_side(self, client):
        text = client.get(PAGE).text
        assert tower_names(text) == [engine.LAYERS[s].name for s in VM.split(",")]
        assert tower_names(text, "compare-tower-heading") == [
            engine.LAYERS[s].name for s in CONTAINER.split(",")
        ]
        assert "Key differences, computed for these two stacks" in text
        assert "The tower is empty" not in text

    def test_an_emptied_tower_invites_the_learner_to_start_with_hardware(self, client):
        response = client.get(PAGE, {"stack": ""})
        assert response.status_code == 200
        assert "The tower is empty" in response.text
        assert 'id="compare-tower-heading"' not in response.text

    def test_emptying_the_tower_leads_to_an_empty_stack_not_the_first_visit(self, client):
        text = client.get(PAGE, {"stack": CONTAINER}).text
        form = text[: text.index('id="reset"')]
        assert '<input type="hidden" name="stack" value="">' in form[form.rindex("<form") :]

    def test_it_draws_the_stack_from_the_url_bottom_first(self, client):
        response = client.get(PAGE, {"stack": CONTAINER, "instances": 10})
        assert response.status_code == 200
        assert tower_names(response.text) == [engine.LAYERS[s].name for s in CONTAINER.split(",")]

    def test_it_shows_the_engine_figures(self, client):
        result = engine.simulate(CONTAINER.split(","), instances=10)
        response = client.get(PAGE, {"stack": CONTAINER, "instances": 10})
        assert f"{result.metrics.memory_per_instance_mb:,.0f} MB" in response.text
        assert f"Isolation level {result.metrics.isolation} of 5" in response.text
        assert "Sources" in response.text

    def test_the_palette_sends_the_current_state_with_the_layer_to_add(self, client):
        text = client.get(PAGE, {"stack": "hardware,host-os", "instances": 20}).text
        palette = text[text.index('<form method="get" action="/simulator/" id="palette-form">') :]
        assert '<input type="hidden" name="stack" value="hardware,host-os">' in palette
        assert '<input type="hidden" name="instances" value="20">' in palette
        assert 'name="add" value="container-runtime" id="add-container-runtime"' in palette

    def test_adding_a_layer_redirects_to_the_stack_with_it_on_top(self, client):
        response = client.get(PAGE, {"stack": "hardware,host-os", "add": "container-runtime"})
        assert response.status_code == 302
        assert response["Location"] == (
            "/simulator/?stack=hardware%2Chost-os%2Ccontainer-runtime&prev=hardware%2Chost-os"
        )

    def test_a_preset_redirects_to_its_stack_keeping_the_host(self, client):
        response = client.get(PAGE, {"stack": "hardware", "preset": "vm", "memory": "64"})
        assert response.status_code == 302
        assert "stack=hardware%2Chost-os%2Chypervisor%2Cguest-os%2Capp" in response["Location"]
        assert "memory=64" in response["Location"]

    def test_a_full_tower_refuses_another_layer(self, client):
        response = client.get(PAGE, {"stack": ",".join(["hardware"] * 12), "add": "app"})
        assert response.status_code == 400
        assert "The tower is full" in response.text

    @pytest.mark.parametrize(
        ("button", "stack"),
        [
            ("remove-2", "hardware,host-os,app"),
            ("up-1", "hardware,container-runtime,host-os,app"),
            ("down-3", "hardware,host-os,app,container-runtime"),
        ],
    )
    def test_remove_and_move_buttons_lead_to_the_changed_stack(self, client, button, stack):
        response = pressed(client, {"stack": CONTAINER}, button)
        assert response.status_code == 302
        assert response["Location"].startswith(f"/simulator/?stack={stack.replace(',', '%2C')}&")

    @pytest.mark.parametrize(
        ("button", "compare"),
        [
            ("compare-remove-3", "hardware,host-os,hypervisor,app"),
            ("compare-up-2", "hardware,host-os,guest-os,hypervisor,app"),
        ],
    )
    def test_the_compared_towers_buttons_change_the_compared_stack(self, client, button, compare):
        response = pressed(client, {"stack": CONTAINER, "compare": VM}, button)
        assert response.status_code == 302
        location = response["Location"]
        assert f"stack={CONTAINER.replace(',', '%2C')}&" in location
        assert f"compare={compare.replace(',', '%2C')}" in location

    def test_the_palette_can_add_to_the_compared_stack(self, client):
        query = {"stack": CONTAINER, "compare": "hardware", "add": "host-os", "side": "compare"}
        response = client.get(PAGE, query)
        assert "compare=hardware%2Chost-os" in response["Location"]
        assert response["Location"].endswith("&side=compare")  # the next press goes there too
        text = client.get(response["Location"]).text
        assert '<input type="radio" name="side" value="compare" checked>' in text

    def test_a_stale_layer_button_gets_a_message_not_an_error(self, client):
        response = client.get(PAGE, {"stack": "hardware", "edit": "stack:remove:7"})
        assert response.status_code == 400
        assert "That layer has moved since the page was drawn" in response.text

    def test_buttons_that_cannot_move_a_layer_are_disabled(self, client):
        text = client.get(PAGE, {"stack": "hardware,host-os"}).text
        assert re.search(r'id="down-0"[^>]*disabled', text)
        assert re.search(r'id="up-1"[^>]*disabled', text)

    def test_it_says_what_changed_since_the_previous_stack(self, client):
        response = client.get(PAGE, {"stack": VM, "prev": "hardware,host-os,hypervisor,guest-os"})
        assert "Application added" in response.text

    def test_a_stack_that_breaks_a_rule_shows_the_reason_beside_the_layer(self, client):
        response = client.get(PAGE, {"stack": "hardware,host-os,guest-os,app"})
        assert response.status_code == 200
        guest = response.text.index('<span class="layer__name">Guest OS (Linux)</span>')
        problem = response.text.index("A guest OS needs a hypervisor beneath it", guest)
        next_layer = response.text.index('<span class="layer__name">', guest + 1)
        assert problem < next_layer
        assert "This stack cannot run yet" in response.text

    def test_compare_mode_puts_the_two_stacks_side_by_side(self, client):
        response = client.get(PAGE, {"stack": CONTAINER, "compare": VM})
        assert "Key differences, computed for these two stacks" in response.text
        assert response.text.count('class="differs"') >= 3
        assert tower_names(response.text, "compare-tower-heading") == [
            engine.LAYERS[s].name for s in VM.split(",")
        ]
        for action in ("compare-swap", "compare-stop"):
            assert f'id="{action}"' in response.text

    def test_the_ledger_shows_what_one_instance_pays_and_what_all_of_them_pay(self, client):
        metrics = engine.simulate(VM.split(","), instances=20).metrics
        guest = next(e for e in metrics.ledger.memory_mb if e.slug == "guest-os")
        text = client.get(PAGE, {"stack": VM, "instances": 20}).text
        memory = text[text.index(">Memory</caption>") :]
        memory = memory[: memory.index("</table>")]
        assert '<th scope="col">All 20 instances</th>' in memory
        row = memory[memory.index(f'<th scope="row">{guest.name}</th>') :].split("</tr>")[0]
        assert f"<td>{units.megabytes(guest.each)}</td>" in row
        assert f"<td>{units.megabytes(guest.contribution)}</td>" in row
        assert guest.contribution == 20 * guest.each

    def test_it_carries_chart_data_and_a_table_for_each_chart(self, client):
        text = client.get(PAGE, {"stack": VM}).text
        for chart in ("shares", "density"):
            match = re.search(rf'id="chart-{chart}" data-figure="([^"]*)"', text)
            assert json.loads(html.unescape(match[1]))["data"]
        assert text.count("Show the numbers as a table") == 2

    def test_it_loads_its_scripts_and_plotly_from_this_site_plotly_only_on_demand(self, client):
        text = client.get(PAGE, {"stack": VM}).text
        scripts = re.findall(r'<script src="([^"]+)"', text)
        assert all(src.startswith("/static/") for src in scripts)
        assert not any("plotly" in src for src in scripts)  # not parsed before the first click
        lazy = re.search(r'<script src="[^"]*charts\.js" data-plotly="([^"]+)"', text)
        assert lazy and lazy[1].startswith("/static/") and "plotly-basic" in lazy[1]

    def test_the_key_figures_of_both_stacks_are_summed_up_in_one_table(self, client):
        text = client.get(PAGE, {"stack": VM, "compare": CONTAINER}).text
        summary = text[text.index('id="sim-summary"') :]
        summary = summary[: summary.index("</table>")]
        for preset in ("vm", "container"):
            metrics = engine.simulate(engine.PRESETS[preset].layers, instances=10).metrics
            row = f'<th scope="row">{engine.PRESETS[preset].name}</th>'
            assert row in summary
            cells = summary[summary.index(row) :].split("</tr>")[0]
            assert f"<td>{metrics.density:,}</td>" in cells
            assert f"<td>{metrics.isolation}</td>" in cells


class TestHtmx:
    """htmx gets only what changes; the history restore gets the whole page."""

    def test_an_htmx_request_gets_the_tower_and_the_rest_out_of_band_to_morph(self, client):
        response = client.get(PAGE, {"stack": CONTAINER}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<html" not in response.text
        assert 'class="stack stack--editable"' in response.text
        assert 'id="sim-announcer" hx-swap-oob="innerHTML"' in response.text
        assert 'id="sim-results" class="sim__results" hx-swap-oob="morph"' in response.text
        assert 'id="sim-state" hx-swap-oob="morph"' in response.text
        assert 'id="sim-summary" class="sim-summary" hx-swap-oob="morph"' in response.text
        assert 'id="add-hardware"' not in response.text  # the palette never changes

    def test_an_htmx_palette_press_renders_the_new_state_and_pushes_its_url(self, client):
        response = client.get(
            PAGE, {"stack": "hardware", "add": "host-os"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert response["HX-Push-Url"] == "/simulator/?stack=hardware%2Chost-os&prev=hardware"
        assert tower_names(response.text) == ["Hardware", engine.LAYERS["host-os"].name]

    def test_the_announcement_summarises_the_new_numbers(self, client):
        result = engine.simulate(CONTAINER.split(","), instances=10)
        response = client.get(PAGE, {"stack": CONTAINER}, headers={"HX-Request": "true"})
        assert f"{result.metrics.density:,} instances fit" in response.text

    def test_a_history_restore_gets_the_whole_page(self, client):
        headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
        response = client.get(PAGE, {"stack": CONTAINER}, headers=headers)
        assert "<html" in response.text

    def test_responses_vary_on_the_htmx_headers_that_choose_the_part(self, client):
        vary = client.get(PAGE).headers["Vary"]
        assert "HX-Request" in vary and "HX-Target" in vary

    def test_an_htmx_update_leaves_the_ledger_to_be_fetched_when_opened(self, client):
        query = {"stack": CONTAINER, "add": "", "instances": "20"}
        response = client.get(PAGE, query, headers={"HX-Request": "true"})
        assert "Why these numbers?" in response.text
        assert "Each instance</th>" not in response.text  # no ledger table
        ledger = re.search(
            r'<details class="ledger" id="sim-ledger" hx-get="([^"]+)" hx-trigger="toggle once"',
            response.text,
        )
        assert (
            html.unescape(ledger[1])
            == f"/simulator/?stack={CONTAINER.replace(',', '%2C')}&instances=20"
        )

    def test_opening_the_ledger_brings_its_tables_for_that_state(self, client):
        headers = {"HX-Request": "true", "HX-Target": "sim-ledger-body"}
        response = client.get(PAGE, {"stack": VM, "instances": "20"}, headers=headers)
        assert response.status_code == 200
        assert 'id="sim-results"' not in response.text and "<html" not in response.text
        guest = engine.LAYERS["guest-os"].name
        assert response.text.count("Each instance</th>") >= 2
        assert f'<th scope="row">{guest}</th>' in response.text
        assert '<th scope="col">All 20 instances</th>' in response.text

    def test_without_htmx_the_ledger_is_in_the_page(self, client):
        text = client.get(PAGE, {"stack": VM}).text
        assert 'hx-trigger="toggle once"' not in text
        assert text.count("Each instance</th>") >= 2


class TestBadInput:
    """A malformed address gets 400 and a message a learner understands; the rest is kept."""

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"stack": "hardware,teleporter"}, "“teleporter” is not a layer this simulator knows"),
            ({"stack": ",".join(["hardware"] * 1000)}, "holds at most 12 layers"),
            ({"stack": "hardware," * 13}, "holds at most 12 layers"),
            ({"stack": "x" * 5000}, "That stack is too long"),
            ({"stack": CONTAINER, "instances": "-1"}, "Instances must be a whole number from 1 to"),
            ({"stack": CONTAINER, "instances": str(10**12)}, "Instances must be a whole number"),
            ({"stack": CONTAINER, "instances": "lots"}, "Instances must be a whole number"),
            ({"stack": CONTAINER, "memory": "0"}, "Host memory (GB) must be a whole number"),
            ({"stack": CONTAINER, "cores": "1e9"}, "Host cores must be a whole number"),
            ({"stack": CONTAINER, "compare": "hardware,<script>"}, "is not a layer this simulator"),
            ({"stack": "hardware", "add": "teleporter"}, "“teleporter” is not a layer"),
            ({"stack": "hardware", "preset": "mainframe"}, "“mainframe” is not one of the presets"),
        ],
    )
    def test_it_answers_400_with_a_message(self, client, query, message):
        response = client.get(PAGE, query)
        assert response.status_code == 400
        assert message in response.text.replace("&lt;", "<").replace("&gt;", ">")

    def test_a_bad_number_keeps_the_learners_stack(self, client):
        response = client.get(PAGE, {"stack": CONTAINER, "instances": "-1"})
        assert tower_names(response.text)[-1] == engine.LAYERS["app"].name

    @pytest.mark.parametrize("field", ["add", "preset"])
    def test_a_long_unknown_choice_is_quoted_short(self, client, field):
        response = client.get(PAGE, {"stack": "hardware", field: "teleporter" * 6000})
        assert response.status_code == 400
        quoted = re.search(r"“(teleporter[^”]*)”", response.text)[1]
        assert quoted.endswith("…") and len(quoted) <= 40
        assert len(response.content) < 60_000

    def test_it_escapes_what_it_echoes(self, client):
        response = client.get(PAGE, {"stack": "<script>alert(1)</script>"})
        assert "<script>alert(1)" not in response.text

    def test_an_htmx_request_with_bad_input_gets_the_message_in_the_fragment(self, client):
        response = client.get(PAGE, {"instances": "-5"}, headers={"HX-Request": "true"})
        assert response.status_code == 400
        assert "<html" not in response.text
        assert "Instances must be a whole number" in response.text

    def test_it_rejects_a_post(self, client):
        assert client.post(PAGE).status_code == 405


class TestApi:
    """GET /simulator/api/metrics returns the metrics, the ledger and the sources."""

    def test_it_returns_the_metrics_ledger_and_sources(self, client):
        response = client.get(API, {"stack": CONTAINER, "instances": 10})
        assert response.status_code == 200
        body = response.json()
        result = engine.simulate(CONTAINER.split(","), instances=10)
        assert body["metrics"]["startup_ms"] == result.metrics.startup_ms
        assert body["metrics"]["density"] == result.metrics.density
        assert body["isolation"]["level"] == result.metrics.isolation
        startup = sum(entry["contribution"] for entry in body["ledger"]["startup_ms"])
        assert startup == pytest.approx(result.metrics.startup_ms)
        assert {s["id"] for s in body["sources"]} == {s.id for s in engine.sources(result)}
        assert all(s["year"] for s in body["sources"])

    def test_a_stack_that_breaks_a_rule_gets_400_naming_the_layer(self, client):
        response = client.get(API, {"stack": "hardware,host-os,guest-os,app"})
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert errors[0]["layer"] == "guest-os"
        assert "hypervisor" in errors[0]["message"]

    @pytest.mark.parametrize(
        "query",
        [
            {},
            {"stack": ""},
            {"stack": "hardware,teleporter"},
            {"stack": ",".join(["app"] * 1000)},
            {"stack": CONTAINER, "instances": "-1"},
            {"stack": CONTAINER, "instances": str(10**12)},
            {"stack": CONTAINER, "instances": "ten"},
        ],
    )
    def test_bad_input_gets_400_with_errors_in_words(self, client, query):
        response = client.get(API, query)
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert errors and all(error["message"] and "layer" in error for error in errors)


SLUGS = list(engine.LAYERS)
FIELDS = ["stack", "compare", "prev", "instances", "memory", "cores", "add", "preset", "junk"]
values = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(SLUGS), max_size=15).map(",".join),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
)
queries = st.dictionaries(st.sampled_from(FIELDS), values, max_size=6)


FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


class TestFuzzing:
    """Whatever the query string holds, the simulator answers 200 or 400, never 500."""

    @FUZZ
    @given(query=queries, htmx=st.booleans())
    def test_the_page_never_fails(self, client, query, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        assert client.get(PAGE, query, headers=headers).status_code in ACCEPTABLE

    @FUZZ
    @given(query=queries)
    def test_the_api_never_fails(self, client, query):
        response = client.get(API, query)
        assert response.status_code in ACCEPTABLE
        assert response["Content-Type"] == "application/json"


class TestLessonLinks:
    def test_every_lesson_links_to_the_preset_that_illustrates_it(self, client, course):
        for lesson in course:
            response = client.get(reverse("lessons:lesson", args=[lesson.slug]))
            stack = ",".join(engine.PRESETS[lesson.simulator_preset].layers)
            assert "Try it in the simulator" in response.text
            assert f"/simulator/?stack={stack.replace(',', '%2C')}" in response.text


def test_it_says_when_a_platform_cap_limits_density(client):
    kubernetes = ",".join(engine.PRESETS["kubernetes"].layers)
    result = engine.simulate(kubernetes.split(","), instances=10)
    assert result.metrics.density_cap and result.metrics.density < result.metrics.density_by_memory
    text = client.get(PAGE, {"stack": kubernetes}).text
    assert f"Memory alone would fit {result.metrics.density_by_memory:,} instances" in text
    assert result.metrics.density_cap.source.id in text


def test_plain_containers_are_not_held_to_a_pod_cap(client):
    text = client.get(PAGE, {"stack": CONTAINER}).text
    assert "platform limit" not in text


def test_the_ledger_explains_how_the_cores_are_shared(client):
    text = client.get(PAGE, {"stack": VM, "instances": "16", "cores": "4"}).text
    assert "4 cores shared by 16 VMs" in text
    assert "the cores allow 16 VMs" in text


def test_the_api_names_the_workload_and_the_cpu_share(client):
    body = client.get(API, {"stack": VM, "workload": "database"}).json()
    assert body["workload"]["slug"] == "database"
    assert body["metrics"]["throughput"] == pytest.approx(
        engine.simulate(VM.split(","), workload="database").metrics.throughput
    )
    assert "VMs of 1 vCPU" in body["cpu"]


class TestBootTimeline:
    """The "Watch it boot" section draws each stack's start step by step, in the page."""

    def steps(self, text: str, lane: str) -> list[tuple[str, float, float]]:
        block = text[text.index(f'id="{lane}"') :]
        block = block[: block.index("</ol>")]
        return [
            (html.unescape(name), float(start), float(duration))
            for start, duration, name in re.findall(
                r'data-start="([^"]+)" data-duration="([^"]+)">\s*'
                r'<span class="boot__name">([^<]+)</span>',
                block,
            )
        ]

    def test_a_vms_steps_follow_each_other_and_add_up_to_its_startup(self, client):
        text = client.get(PAGE, {"stack": VM}).text
        steps = self.steps(text, "boot-stack")
        assert [name for name, _, _ in steps][:2] == ["VMM process start", "Firmware (UEFI)"]
        for (_, start, duration), (_, following, _) in zip(steps, steps[1:], strict=False):
            assert following == pytest.approx(start + duration)
        startup = engine.simulate(VM.split(","), instances=10).metrics.startup_ms
        assert steps[-1][1] + steps[-1][2] == pytest.approx(startup)
        assert "S54, 2023" in text  # each step names its source and year

    def test_an_image_not_on_the_host_puts_the_pull_in_front(self, client):
        cached = self.steps(client.get(PAGE, {"stack": CONTAINER}).text, "boot-stack")
        pulled = self.steps(client.get(PAGE, {"stack": CONTAINER, "pull": "1"}).text, "boot-stack")
        assert pulled[0][0].startswith("Image pull")
        assert pulled[1:] == [(name, start + pulled[0][2], d) for name, start, d in cached]

    def test_comparing_races_both_stacks_on_one_time_scale(self, client):
        text = client.get(PAGE).text
        assert self.steps(text, "boot-stack") and self.steps(text, "boot-compare")
        scales = set(re.findall(r'<meter class="boot__bar" min="0" max="([^"]+)"', text))
        assert len(scales) == 1
        assert float(scales.pop()) == pytest.approx(
            engine.simulate(VM.split(",")).metrics.startup_ms
        )

    def test_the_replay_controls_are_hidden_until_the_script_shows_them(self, client):
        text = client.get(PAGE, {"stack": VM}).text
        assert re.search(r'<div class="boot__controls" data-boot-controls hidden>', text)
        assert 'id="boot-status" class="visually-hidden" aria-live="polite"' in text

    def test_starting_n_instances_ends_when_the_host_is_full(self, client):
        metrics = engine.simulate(VM.split(","), instances=500).metrics
        text = client.get(PAGE, {"stack": VM, "instances": 500}).text
        assert f"{metrics.density} of 500 started: the host is full" in text


SHELL_API = "/simulator/api/shell"


class TestShell:
    """The simulated terminal answers from the model of the stack; nothing runs."""

    def ask(self, client, stack: str, command: str, where: str = "instance") -> dict:
        response = client.get(SHELL_API, {"stack": stack, "command": command, "where": where})
        assert response.status_code == 200
        return response.json()

    def test_in_a_container_pid_1_is_the_application_and_in_a_vm_it_is_init(self, client):
        container = self.ask(client, CONTAINER, "ps aux")["output"].splitlines()
        vm = self.ask(client, VM, "ps aux")["output"].splitlines()
        assert container[1].split()[1] == "1" and "node" in container[1]
        assert vm[1].split()[1] == "1" and "/sbin/init" in vm[1]

    def test_free_shows_the_hosts_memory_in_a_container_and_memory_max_its_limit(self, client):
        result = engine.simulate(CONTAINER.split(","), instances=10, host_memory_mb=32 * 1024)
        query = {"stack": CONTAINER, "memory": 32, "where": "instance"}
        free = client.get(SHELL_API, query | {"command": "free -m"}).json()
        limit = client.get(SHELL_API, query | {"command": "cat /sys/fs/cgroup/memory.max"}).json()
        assert free["output"].splitlines()[1].split()[1] == str(32 * 1024)
        each = result.metrics.memory_per_instance_mb
        assert int(limit["output"]) == -(-each // 1) * 1024 * 1024  # the limit, in bytes
        assert "memory.max" in free["note"]

    def test_free_in_a_vm_shows_the_guests_ram_not_the_hosts(self, client):
        total = int(self.ask(client, VM, "free -m")["output"].splitlines()[1].split()[1])
        assert 0 < total < engine.DEFAULT_HOST_MEMORY_MB

    def test_a_linux_container_on_windows_sees_wsl2s_kernel(self, client):
        stack = ",".join(engine.PRESETS["linux-containers-on-windows"].layers)
        assert self.ask(client, stack, "uname -r")["output"].endswith("-microsoft-standard-WSL2")

    def test_the_host_sees_container_processes_but_only_the_monitor_of_a_vm(self, client):
        host_of_container = self.ask(client, CONTAINER, "ps aux", "host")["output"]
        host_of_vm = self.ask(client, VM, "ps aux", "host")["output"]
        assert "node /srv/app/server.js" in host_of_container
        assert "node" not in host_of_vm and "qemu-system-x86_64" in host_of_vm
        firecracker = ",".join(engine.PRESETS["microvm"].layers)
        assert "firecracker" in self.ask(client, firecracker, "ps -ef", "host")["output"]

    def test_a_container_has_a_private_cgroup_namespace_on_cgroup_v2(self, client):
        assert self.ask(client, CONTAINER, "cat /proc/1/cgroup")["output"] == "0::/"

    @pytest.mark.parametrize("command", list(__import__("simulator.shell").shell.COMMANDS))
    def test_every_command_answers_with_a_note_on_what_it_teaches(self, client, command):
        for stack in (CONTAINER, VM):
            body = self.ask(client, stack, command)
            assert body["command"] == command and body["output"] and body["note"]

    def test_an_unknown_command_is_not_found_like_a_shell_says(self, client):
        body = self.ask(client, CONTAINER, "rm -rf /")
        assert body["output"].startswith("bash: rm: command not found")
        assert "uname -r" in body["output"]

    @pytest.mark.parametrize(
        ("command", "message"),
        [
            ("x" * 201, "at most 200 characters"),
            ("uname\n-r", "no tabs, line breaks or control characters"),
            ("ps\x1b[2J", "control characters"),
            ("", "Type a command"),
        ],
    )
    def test_a_long_or_unprintable_command_gets_400_in_words(self, client, command, message):
        response = client.get(SHELL_API, {"stack": CONTAINER, "command": command})
        assert response.status_code == 400
        assert message in response.json()["errors"][0]["message"]

    def test_without_javascript_the_page_shows_the_answer(self, client):
        text = client.get(PAGE, {"stack": VM, "command": "uname -r", "where": "instance"}).text
        assert '<span class="terminal__prompt">$ uname -r</span>' in text
        assert "A VM boots a kernel of its own." in text

    def test_by_default_it_runs_inside_the_instance_and_adds_to_your_stack(self, client):
        text = client.get(PAGE).text
        assert '<input type="radio" name="where" value="instance" checked>' in text
        assert '<input type="radio" name="side" value="stack" checked>' in text

    def test_htmx_gets_only_the_terminals_output(self, client):
        headers = {"HX-Request": "true", "HX-Target": "shell-output"}
        response = client.get(PAGE, {"stack": VM, "command": "id"}, headers=headers)
        assert response.status_code == 200
        assert "uid=0(root)" in response.text
        assert "<ol" not in response.text and "hx-swap-oob" not in response.text


class TestShellFuzzing:
    @FUZZ
    @given(
        query=st.dictionaries(
            st.sampled_from(["stack", "command", "where", "instances", "memory", "cores"]),
            st.one_of(
                st.text(max_size=250),
                st.sampled_from(["uname -r", "ps aux", "free -m", "host", "instance", VM]),
            ),
            max_size=6,
        )
    )
    def test_the_shell_api_never_fails(self, client, query):
        response = client.get(SHELL_API, query)
        assert response.status_code in {200, 400}
        body = response.json()
        assert set(body) in ({"command", "output", "note"}, {"errors"})
