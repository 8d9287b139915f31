"""Pages load without a word in the browser's console: no script error, no refused resource, no
header the browser does not understand (an unknown Permissions-Policy feature is a warning on
every page)."""

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/lessons/architecture/",
    "/lessons/architecture/quiz/",
    "/glossary/",
    "/simulator/",
    "/progress/",
    "/accounts/login/",
]


@pytest.mark.parametrize("path", PAGES)
def test_the_page_loads_without_a_console_error_or_warning(browser_page, site, path):
    messages = []
    browser_page.on(
        "console",
        lambda message: (
            messages.append(message.text) if message.type in ("error", "warning") else None
        ),
    )
    browser_page.on("pageerror", lambda error: messages.append(str(error)))
    response = browser_page.goto(site + path)
    assert response.status == 200
    browser_page.wait_for_load_state("load")
    assert messages == []
