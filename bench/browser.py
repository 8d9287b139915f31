"""Measurements that need a real browser: Debian's Chromium, driven by Playwright."""

from playwright.sync_api import sync_playwright

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

# Click a button, wait for htmx to swap and settle (charts.js redraws the charts a learner can
# see on settle), then for the next frame: the time a learner waits for the updated chart. Then
# wait on until every chart near the screen is redrawn too (a chart mostly hidden, under the
# pinned summary or below the fold, is redrawn just after the paint): the time to the last chart.
CLICK_TO_CHART = """
async (buttonId) => {
  const started = performance.now();
  const settled = new Promise((resolve) => document.addEventListener(
    "htmx:afterSettle", () => requestAnimationFrame(() => resolve()), { once: true }));
  document.getElementById(buttonId).click();
  await settled;
  const seen = performance.now() - started;
  const near = (plot) => {
    const box = plot.getBoundingClientRect();
    return box.bottom > -innerHeight / 2 && box.top < innerHeight * 1.5;
  };
  const pending = () => [...document.querySelectorAll(".chart__plot")]
    .some((plot) => near(plot) && !plot.classList.contains("is-drawn"));
  const deadline = started + 5000;  // a chart that never draws ends the wait, not the bench
  while (pending() && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return [seen, performance.now() - started];
}
"""


TRANSFERRED = (
    "performance.getEntriesByType('navigation').concat("
    "performance.getEntriesByType('resource')).reduce((sum, e) => sum + e.transferSize, 0)"
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


WARM_UP = ("preset-vm", "preset-container")


def simulator_figures(base: str, clicks: int = 60) -> dict[str, float]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base + "/simulator/?stack=hardware,host-os,container-runtime,app")
        page.wait_for_load_state("load")
        transferred = page.evaluate(TRANSFERRED)
        # plotly loads once a chart comes near the screen: scroll to one and wait for it.
        page.evaluate("document.querySelector('.chart__plot').scrollIntoView()")
        page.wait_for_function("() => document.querySelector('.chart__plot.is-drawn')")
        with_charts = page.evaluate(TRANSFERRED)
        for button in WARM_UP:  # the first swap also compiles htmx's and plotly's code paths
            page.evaluate(CLICK_TO_CHART, button)
        seen, last = [], []
        for index in range(clicks):
            button = "preset-vm" if index % 2 == 0 else "preset-container"
            to_seen, to_last = page.evaluate(CLICK_TO_CHART, button)
            seen.append(to_seen)
            last.append(to_last)
        browser.close()
    return {
        "first_visit_kb": transferred / 1024,
        "with_charts_kb": with_charts / 1024,
        "click_p50_ms": percentile(seen, 50),
        "click_p95_ms": percentile(seen, 95),
        "last_chart_p50_ms": percentile(last, 50),
        "last_chart_p95_ms": percentile(last, 95),
    }
