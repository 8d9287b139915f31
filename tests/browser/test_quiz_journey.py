"""A learner reads a lesson, takes its quiz by keyboard, learns from a mistake, retries and sees
their progress change: in Chromium, under the strict CSP, with htmx and without JavaScript."""

import re

import pytest

from lessons.models import Lesson, Question
from tests.browser.conftest import csp_violations, screenshot, tab_to, tab_to_text
from tests.lessons.fixtures import architecture_quiz  # noqa: F401
from tests.lessons.test_quiz import RIGHT, WRONG

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("architecture_quiz")]


def choose_option(page, select_id: str, value: str) -> None:
    """Pick an option of a closed <select> with the arrow keys."""
    tab_to(page, select_id)
    values = page.eval_on_selector_all(f"#{select_id} option", "els => els.map(e => e.value)")
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowDown")
    assert page.input_value(f"#{select_id}") == value


def answer_by_keyboard(page, step: dict) -> None:
    question = step["question"]
    anchor = f"q-{question}"
    if "choice" in step:
        value = (
            step["choice"]
            if step["choice"] in ("true", "false")
            else f"{question}-{step['choice']}"
        )
        radios = page.eval_on_selector_all(
            f"#{anchor} input[type=radio]", "els => els.map(e => e.id)"
        )
        tab_to(page, radios[0])
        page.keyboard.press("Space")
        target = value if value not in ("true", "false") else f"{anchor}-{value}"
        for _ in range(radios.index(target)):
            page.keyboard.press("ArrowDown")
        assert page.is_checked(f"#{target}")
    for letter in step.get("choices", []):
        tab_to(page, f"{question}-{letter}")
        page.keyboard.press("Space")
    for n, slug in enumerate(step.get("order", []), start=1):
        choose_option(page, f"{anchor}-position-{n}", slug)
    for n, slug in enumerate(step.get("stack", []), start=1):
        choose_option(page, f"{anchor}-layer-{n}", slug)
    if "stack" in step:  # the simulator's figures for the stack so far, shown as it is built
        page.wait_for_function(
            f"() => document.getElementById('{anchor}-preview').textContent.includes('fits')"
        )
    tab_to(page, f"{anchor}-check")
    with page.expect_response(re.compile(r"/answer$")):
        page.keyboard.press("Enter")
    # htmx moves focus to the feedback once the swap settles, so a screen reader reads it next.
    page.wait_for_function(f"() => document.activeElement.id === '{anchor}-feedback'")


def progress_row(page, title: str) -> str:
    return page.locator("tr", has_text=title).inner_text()


def test_a_learner_learns_from_a_mistake_and_retries(browser_page, site, course):
    page = browser_page
    title = Lesson.objects.get(slug="architecture").title

    page.goto(site + "/progress/")
    assert "Not taken" in progress_row(page, title)

    # 1. Read the lesson, then go to its quiz by keyboard.
    page.goto(site + "/lessons/architecture/")
    tab_to_text(page, "Take the quiz")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/lessons/architecture/quiz/")

    # 2. Answer by keyboard; get the single-choice question wrong.
    answer_by_keyboard(page, RIGHT[0])
    answer_by_keyboard(page, WRONG[1])
    feedback = page.locator("#q-container-boundary-feedback")
    assert "Not quite." in feedback.inner_text()
    screenshot(page, "quiz-wrong-answer")

    # 3. Read the explanation and follow its link to the section to reread.
    question = Question.objects.get(slug="container-boundary")
    explanation = feedback.locator(".feedback__why").inner_text()
    assert explanation.split()[0] in question.explanation_html
    feedback.get_by_role("link", name="Reread this section of the lesson").click()
    page.wait_for_url(f"**/lessons/architecture/#{question.reread}")
    assert page.locator(f"#{question.reread}").is_visible()
    page.go_back()

    # Finish the attempt (the challenge passes with the container stack).
    for step in RIGHT[2:]:
        answer_by_keyboard(page, step)
    challenge = page.locator("#q-fit-a-hundred-feedback").inner_text()
    assert "Right." in challenge
    page.reload()
    assert "Attempt 1: 5 of 6 right" in page.inner_text(".quiz-summary")

    # 4. Retry, and get everything right this time.
    tab_to(page, "retry")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for step in RIGHT:
        answer_by_keyboard(page, step)
        feedback = page.inner_text(f"#q-{step['question']}-feedback")
        assert "Right." in feedback, (step, feedback)
    page.reload()
    summary = page.inner_text(".quiz-summary")
    assert "Attempt 2: 6 of 6 right" in summary
    assert "Best score: 6 of 6 (attempt 2)" in summary
    screenshot(page, "quiz-retried")

    # 5. The progress page has changed.
    page.goto(site + "/progress/")
    assert "6 of 6" in progress_row(page, title)
    page.wait_for_function("() => document.getElementById('chart-scores')?.data !== undefined")
    screenshot(page, "progress")
    assert csp_violations(page) == []


def test_without_javascript_a_learner_answers_and_sees_feedback(browser, site, course):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/lessons/architecture/quiz/")
    page.check("#q-docker-desktop-kernel-false")
    page.click("#q-docker-desktop-kernel-check")
    page.wait_for_url(re.compile(r"quiz/#q-docker-desktop-kernel$"))
    assert "Right." in page.inner_text("#q-docker-desktop-kernel-feedback")
    page.click("#q-container-boundary-check")  # nothing chosen
    assert "Choose one of the answers" in page.inner_text("#q-container-boundary")
    screenshot(page, "quiz-no-js")
    context.close()
