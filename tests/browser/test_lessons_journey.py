"""A learner reads the course in Chromium with the keyboard alone."""

import pytest

from simulator.engine import LAYERS
from tests.browser.conftest import csp_violations, screenshot, tab_to_text

pytestmark = pytest.mark.browser


def test_a_keyboard_user_reaches_the_third_lesson_and_hears_the_stack_in_order(browser_page, site):
    page = browser_page
    page.goto(site + "/")
    tab_to_text(page, "Skip to the content")
    tab_to_text(page, "What is a container?")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lessons/containers/")
    assert page.get_by_role("heading", level=1).inner_text() == "What is a container?"

    diagram = page.get_by_role("list", name="from the bottom up").first
    layers = diagram.get_by_role("listitem").all_inner_texts()
    expected = [LAYERS[slug].name for slug in ("hardware", "host-os", "container-runtime")]
    assert layers[:3] == expected
    # Drawn as a tower: the first layer read is the lowest on screen.
    first, last = diagram.get_by_role("listitem").first, diagram.get_by_role("listitem").last
    assert first.bounding_box()["y"] > last.bounding_box()["y"]

    screenshot(page, "lesson-containers")
    assert csp_violations(page) == []


def test_the_focused_link_is_visibly_outlined(browser_page, site):
    page = browser_page
    page.goto(site + "/")
    tab_to_text(page, "Skip to the content")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_lesson_renders_in_both_colour_schemes(browser_page, site, course, scheme):
    page = browser_page
    page.emulate_media(color_scheme=scheme)
    for lesson in course:
        page.goto(f"{site}/lessons/{lesson.slug}/")
        assert page.get_by_role("heading", level=1).inner_text() == lesson.title
    screenshot(page, f"lesson-last-{scheme}")
    assert csp_violations(page) == []
