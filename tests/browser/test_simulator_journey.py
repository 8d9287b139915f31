"""A learner builds stacks in the simulator with the keyboard, in Chromium, under the strict CSP."""

import re

import pytest

from simulator import engine
from tests.browser.conftest import ARTIFACTS, csp_violations, screenshot, tab_to

pytestmark = pytest.mark.browser


def press_button(page, button_id: str, limit: int = 120) -> None:
    """Tab to a button, as a keyboard user would, and press Enter; wait for htmx to settle."""
    tab_to(page, button_id, limit)
    with page.expect_response(lambda r: "/simulator/" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def metric(page, name: str) -> str:
    return page.locator(f".metric--{name} dd").inner_text()


def tower(page) -> list[str]:
    return page.locator(".tower--stack .layer__name").all_inner_texts()


def chart_traces(page, chart: str) -> list[str]:
    """The names of a chart's traces once it is drawn from its current data (a swap that
    changes a chart's data takes its drawn mark away until it is redrawn)."""
    page.locator(f"#chart-{chart}").scroll_into_view_if_needed()
    page.wait_for_selector(f"#chart-{chart}.is-drawn")
    return page.evaluate(
        f"Array.from(document.getElementById('chart-{chart}').data).map(t => t.name)"
    )


def test_a_learner_builds_switches_compares_and_reloads(browser_page, site):
    page = browser_page
    page.goto(site + "/simulator/?stack=")  # the learner emptied the tower
    assert "The tower is empty" in page.inner_text("#sim-tower")

    # 1. Build the article's container stack from the palette, by keyboard.
    container = engine.PRESETS["container"].layers
    readings = []
    for slug in container:
        press_button(page, f"add-{slug}")
        if slug in ("container-runtime", "app"):
            readings.append((metric(page, "startup_ms"), metric(page, "memory_per_instance_mb")))
    assert tower(page) == [engine.LAYERS[slug].name for slug in container]
    assert readings[0] != readings[1]  # adding the application changed the numbers
    expected = engine.simulate(container, instances=10)
    assert (
        metric(page, "memory_per_instance_mb")
        == f"{expected.metrics.memory_per_instance_mb:,.0f} MB"
    )
    assert "Application added" in page.inner_text("#sim-announcer")
    assert re.search(r"stack=hardware%2Chost-os%2Ccontainer-runtime%2Capp", page.url)
    before = chart_traces(page, "shares")
    screenshot(page, "simulator-container")

    # 2. Switch to the VM preset: the chart changes.
    press_button(page, "preset-vm")
    assert tower(page) == [engine.LAYERS[slug].name for slug in engine.PRESETS["vm"].layers]
    after = chart_traces(page, "shares")
    assert after != before
    assert engine.LAYERS["guest-os"].name in after

    # 3. Compare the VM with its counterpart, the container stack.
    press_button(page, "compare-counterpart")
    table = page.get_by_role("table", name="Key differences, computed for these two stacks")
    assert table.is_visible()
    assert "differs" in table.inner_text()
    screenshot(page, "simulator-compare")

    # 4. Reload: the URL holds the whole state.
    url = page.url
    page.reload()
    assert page.url == url
    assert tower(page) == [engine.LAYERS[slug].name for slug in engine.PRESETS["vm"].layers]
    assert page.get_by_role(
        "table", name="Key differences, computed for these two stacks"
    ).is_visible()

    # Back goes to the previous state.
    page.go_back()
    page.wait_for_url(re.compile(r"stack=hardware%2Chost-os%2Chypervisor"))
    assert "compare=" not in page.url
    assert csp_violations(page) == []


def test_without_javascript_the_buttons_are_plain_forms(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/simulator/?stack=")
    page.click("#add-hardware")
    page.wait_for_url(re.compile(r"stack=hardware"))
    page.click("#add-host-os")
    assert page.locator(".tower--stack .layer__name").all_inner_texts() == [
        engine.LAYERS["hardware"].name,
        engine.LAYERS["host-os"].name,
    ]
    page.fill("#id_instances", "25")
    page.click("#settings-submit")
    assert "instances=25" in page.url
    screenshot(page, "simulator-no-js")
    context.close()


PHONE = {"width": 390, "height": 844}
IN_VIEW = """selector => {
  const rect = document.querySelector(selector).getBoundingClientRect();
  return rect.height > 0 && rect.top >= 0 && rect.bottom <= innerHeight;
}"""


def summary(page) -> list[list[str]]:
    rows = page.locator("#sim-summary tbody tr")
    return [row.locator("th, td").all_inner_texts() for row in rows.all()]


def test_on_a_phone_the_figures_a_click_changes_are_in_view_without_scrolling(browser, site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site + "/simulator/?stack=" + ",".join(engine.PRESETS["vm"].layers))
    before = summary(page)
    page.click("#palette-panel > summary")  # the palette folds away on a phone
    page.locator("#preset-container").scroll_into_view_if_needed()
    with page.expect_response(lambda r: "/simulator/" in r.url):
        page.click("#preset-container")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")

    after = summary(page)
    container = engine.simulate(engine.PRESETS["container"].layers, instances=10)
    assert after != before
    assert after[0][0] == engine.PRESETS["container"].name
    assert f"{container.metrics.density:,}" in after[0]
    assert page.evaluate(IN_VIEW, "#sim-summary")
    page.screenshot(path=ARTIFACTS / "simulator-phone-after-a-preset.png")  # what is in view
    context.close()


def compared_tower(page) -> list[str]:
    return page.locator(".tower--compare .layer__name").all_inner_texts()


def press(page, button_id: str) -> None:
    with page.expect_response(lambda r: "/simulator/" in r.url):
        page.click(f"#{button_id}")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def test_compare_mode_draws_both_towers_and_every_control_works_on_either_side(browser_page, site):
    page = browser_page
    page.goto(site + "/simulator/")  # a first visit: the article's two stacks
    vm, container = engine.PRESETS["vm"].layers, engine.PRESETS["container"].layers
    assert tower(page)[: len(vm)] == [engine.LAYERS[s].name for s in vm]
    assert compared_tower(page) == [engine.LAYERS[s].name for s in container]

    # Edit the compared stack with its own buttons (they submit the page's one state form).
    press(page, "compare-remove-2")
    assert compared_tower(page) == ["Hardware", engine.LAYERS["host-os"].name, "Application"]
    assert "compare=hardware%2Chost-os%2Capp" in page.url
    assert summary(page)[1][0] == "Compared stack"  # no longer a preset: the summary says so

    # The palette adds to the side the learner picks.
    page.check("input[name=side][value=compare]")
    press(page, "preset-kata")
    assert compared_tower(page) == [engine.LAYERS[s].name for s in engine.PRESETS["kata"].layers]
    assert page.is_checked("input[name=side][value=compare]")

    press(page, "compare-swap")
    assert tower(page) == [engine.LAYERS[s].name for s in engine.PRESETS["kata"].layers]
    assert compared_tower(page) == [engine.LAYERS[s].name for s in vm]
    screenshot(page, "simulator-compare-edited")

    press(page, "compare-stop")
    assert compared_tower(page) == []
    assert csp_violations(page) == []


def test_without_javascript_the_compared_tower_can_be_edited(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/simulator/")
    page.click("#compare-remove-3")
    assert "compare=hardware%2Chost-os%2Ccontainer-runtime" in page.url
    assert page.locator(".tower--compare .layer__name").count() == 3
    context.close()


STEP_STATES = """lane => Array.from(document.querySelectorAll(`#${lane} .boot__step`))
  .map(step => step.classList.contains("is-done") ? "done"
    : step.classList.contains("is-running") ? "running" : "waiting")"""


def test_start_replays_both_stacks_boot_phase_by_phase_and_fills_the_host(browser_page, site):
    page = browser_page
    page.goto(site + "/simulator/")  # VM against container
    page.click("#boot-start")  # in real time
    assert page.evaluate(STEP_STATES, "boot-compare")[-1] != "done"  # the replay starts over
    # The container is ready long before the VM, which is still in its boot steps.
    page.wait_for_function(f"() => ({STEP_STATES})('boot-compare').every(s => s === 'done')")
    vm = page.evaluate(STEP_STATES, "boot-stack")
    assert "waiting" in vm or "running" in vm
    page.check("input[name=boot-speed][value='10']")
    page.click("#boot-start")  # again, ten times faster
    page.wait_for_function(f"() => ({STEP_STATES})('boot-stack').every(s => s === 'done')")
    assert "Virtual machine: ready after" in page.inner_text("#boot-status")
    screenshot(page, "simulator-boot-race")

    page.click("#boot-fill")
    page.wait_for_function(
        "() => document.querySelector('#boot-compare [data-boot-fill]').textContent"
        ".includes('10 instances running')"
    )
    assert csp_violations(page) == []


def test_with_reduced_motion_start_shows_the_end_state_and_a_text_timeline(browser, site):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(site + "/simulator/?stack=" + ",".join(engine.PRESETS["vm"].layers))
    page.click("#boot-start")
    assert set(page.evaluate(STEP_STATES, "boot-stack")) == {"done"}
    assert page.inner_text("#boot-status").startswith("Virtual machine: ready after 8.0 s")
    steps = page.locator("#boot-stack .boot__step").all_inner_texts()
    assert any("Firmware" in step and "S54, 2023" in step for step in steps)
    context.close()


def run_in_terminal(page, command: str, where: str) -> str:
    page.check(f"input[name=where][value={where}]")
    page.fill("#shell-command", command)
    with page.expect_response(lambda r: "command=" in r.url):
        page.click("#shell-run")
    page.wait_for_function(
        "command => document.querySelector('.terminal__prompt')?.textContent === '$ ' + command",
        arg=command,
    )
    return page.inner_text("#shell-output")


def test_the_terminal_answers_inside_the_instance_and_on_the_host(browser_page, site):
    page = browser_page
    page.goto(site + "/simulator/?stack=" + ",".join(engine.PRESETS["container"].layers))
    url = page.url
    inside = run_in_terminal(page, "ps aux", "instance")
    assert "node /srv/app/server.js" in inside.splitlines()[2]  # PID 1 is the application
    host = run_in_terminal(page, "ps aux", "host")
    assert "containerd-shim" in host
    assert page.url == url  # the terminal's answer is not a new state of the page
    assert "simulated terminal" in page.inner_text("#sim-terminal")
    screenshot(page, "simulator-terminal")
    assert csp_violations(page) == []


def test_without_javascript_the_terminal_is_a_form(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/simulator/?stack=" + ",".join(engine.PRESETS["vm"].layers))
    page.fill("#shell-command", "free -m")
    page.click("#shell-run")
    page.wait_for_url(re.compile(r"command=free"))
    assert "A VM's guest sees only the RAM it was given." in page.inner_text("#shell-output")
    context.close()


def test_the_charts_stay_drawn_while_the_terminal_answers(browser_page, site):
    page = browser_page
    page.goto(site + "/simulator/?stack=" + ",".join(engine.PRESETS["container"].layers))
    page.locator("#chart-shares").scroll_into_view_if_needed()
    page.wait_for_selector("#chart-shares.is-drawn .main-svg")
    run_in_terminal(page, "free -m", "instance")
    assert page.locator("#chart-shares .main-svg").count() > 0  # not purged by the swap


def test_after_an_update_the_ledger_brings_its_tables_when_opened(browser_page, site):
    page = browser_page
    page.goto(site + "/simulator/?stack=" + ",".join(engine.PRESETS["container"].layers))
    press_button(page, "preset-vm")
    assert page.locator(".ledger table").count() == 0
    page.click(".ledger > summary")
    guest = engine.LAYERS["guest-os"].name
    page.locator(f"#sim-ledger-body th:text-is('{guest}')").first.wait_for()
    assert page.locator(".ledger table").count() >= 2
    assert page.url.endswith("prev=hardware%2Chost-os%2Ccontainer-runtime%2Capp")  # unchanged
    assert csp_violations(page) == []


COUNT_REDRAWS = """
() => {
  window.__redrawn = [];
  const react = window.Plotly.react;
  window.Plotly.react = function (plot, ...rest) {
    window.__redrawn.push(plot.id);
    return react.call(this, plot, ...rest);
  };
  document.querySelectorAll(".chart__plot").forEach((plot) => { plot.__before = true; });
}
"""

DRAWN_FROM_ITS_DATA = """
(id) => {
  const plot = document.getElementById(id);
  const traces = (data) => JSON.stringify(data.map((trace) => [trace.name, trace.x, trace.y]));
  return traces(JSON.parse(plot.dataset.figure).data) === traces(plot.data);
}
"""


def test_a_click_redraws_changed_charts_in_place_and_leaves_unchanged_ones(browser_page, site):
    page = browser_page
    page.goto(site + "/simulator/?stack=" + ",".join(engine.PRESETS["container"].layers))
    page.locator("#chart-shares").scroll_into_view_if_needed()
    page.wait_for_selector("#chart-shares.is-drawn .main-svg")
    page.evaluate(COUNT_REDRAWS)

    press_button(page, "preset-vm")
    assert engine.LAYERS["guest-os"].name in chart_traces(page, "shares")
    # The same element, morphed: plotly updated its drawing instead of starting again.
    assert page.evaluate("document.getElementById('chart-shares').__before")
    assert page.evaluate(DRAWN_FROM_ITS_DATA, "chart-shares")
    assert page.evaluate("window.__redrawn.filter((id) => id === 'chart-shares').length") == 1

    # More instances change no chart (each is per instance or per host): nothing is redrawn.
    page.evaluate("window.__redrawn = []")
    page.fill("#id_instances", "25")
    page.click("#settings-submit")
    page.wait_for_url(re.compile(r"instances=25"))
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    assert page.evaluate("window.__redrawn") == []
    assert page.locator("#chart-shares.is-drawn .main-svg").count() > 0
    assert csp_violations(page) == []


def test_a_chart_hardly_in_sight_is_redrawn_just_after_the_paint(browser_page, site):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(site + "/simulator/?stack=" + ",".join(engine.PRESETS["container"].layers))
    page.locator("#chart-density").scroll_into_view_if_needed()
    page.wait_for_selector("#chart-density.is-drawn .main-svg")
    # Bring the density chart's top just above the pinned summary: a sliver of it is in sight.
    page.evaluate(
        """() => {
          const summary = document.getElementById("sim-summary").getBoundingClientRect().top;
          const top = document.getElementById("chart-density").getBoundingClientRect().top;
          window.scrollBy(0, top - (summary - 20));
        }"""
    )
    page.evaluate("document.getElementById('preset-vm').click()")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_selector("#chart-density.is-drawn")
    assert page.evaluate(DRAWN_FROM_ITS_DATA, "chart-density")  # never left showing the old stack
    assert csp_violations(page) == []


def test_a_chart_table_the_learner_opened_stays_open_with_the_new_numbers(browser_page, site):
    page = browser_page
    page.goto(site + "/simulator/?stack=" + ",".join(engine.PRESETS["container"].layers))
    table = page.locator("#chart-shares ~ details.chart__table")
    table.locator("summary").click()
    assert table.get_attribute("open") is not None
    press_button(page, "preset-vm")
    assert table.get_attribute("open") is not None  # still open after the update
    assert engine.LAYERS["guest-os"].name in table.locator("tbody").inner_text()
    assert page.locator(".ledger").get_attribute("open") is None  # others close, as sent
    assert csp_violations(page) == []
