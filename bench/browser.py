"""Measurements that need a real browser: Debian's Chromium, driven by Playwright."""

from playwright.sync_api import sync_playwright

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

# Click a button, wait for htmx to swap and settle (simulator.js redraws the charts on settle),
# then for the next frame: the time a learner waits for the updated chart.
CLICK_TO_CHART = """
async (buttonId) => {
  const started = performance.now();
  const settled = new Promise((resolve) => document.addEventListener(
    "htmx:afterSettle", () => requestAnimationFrame(() => resolve()), { once: true }));
  document.getElementById(buttonId).click();
  await settled;
  return performance.now() - started;
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
        timings = []
        for index in range(clicks):
            button = "preset-vm" if index % 2 == 0 else "preset-container"
            timings.append(page.evaluate(CLICK_TO_CHART, button))
        browser.close()
    return {
        "first_visit_kb": transferred / 1024,
        "with_charts_kb": with_charts / 1024,
        "click_p50_ms": percentile(timings, 50),
        "click_p95_ms": percentile(timings, 95),
    }
