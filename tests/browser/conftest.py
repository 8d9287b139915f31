from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def site(live_server, course):
    """The live site, with the course loaded, as a base URL."""
    return live_server.url


@pytest.fixture
def browser_page(page):
    """A Chromium page that records every Content Security Policy violation it sees."""
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.set_default_timeout(10_000)
    return page


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
