"""A lesson's code blocks get a Copy button from site.js: reachable by keyboard, named, and it
says "Copied" to a screen reader. Without JavaScript the block is plain, selectable text."""

import pytest

from lessons import pages
from lessons.models import Lesson
from tests.browser.conftest import RECORD_CSP_VIOLATIONS, csp_violations, tab_to

pytestmark = pytest.mark.browser

COMMAND = "lsns --type pid"


@pytest.fixture
def lesson_with_code(site):
    # Lesson 1 has no code blocks of its own, so the one added here is the only one on the page.
    lesson = Lesson.objects.get(slug="introduction")
    assert "<pre" not in lesson.body_html
    block = f'<h2 id="try-it">Try it</h2>\n<pre><code>{COMMAND}\n</code></pre>'
    Lesson.objects.filter(pk=lesson.pk).update(body_html=lesson.body_html + block)
    pages.forget(["introduction"])
    return f"{site}/lessons/introduction/"


def test_a_keyboard_user_copies_a_command_and_hears_copied(browser, lesson_with_code):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(lesson_with_code)
    button = page.get_by_role("button", name="Copy this code")
    assert button.count() == 1
    button.evaluate("element => element.id = 'copy-under-test'")
    tab_to(page, "copy-under-test")
    page.keyboard.press("Enter")
    status = page.get_by_role("status").filter(has_text="Copied")
    status.wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == COMMAND
    assert csp_violations(page) == []
    context.close()


def test_without_javascript_the_block_is_plain_text(browser, lesson_with_code):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(lesson_with_code)
    assert page.locator(".prose pre code").inner_text().strip() == COMMAND
    assert page.get_by_role("button", name="Copy this code").count() == 0
    context.close()
