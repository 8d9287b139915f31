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


def tab_to(page, element_id: str, limit: int = 200) -> None:
    """Press Tab until the element with this id has focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} was not reachable with Tab")


def tab_to_text(page, text: str, limit: int = 200) -> None:
    """Press Tab until the focused element's text is `text`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"{text!r} was not reachable with Tab")
