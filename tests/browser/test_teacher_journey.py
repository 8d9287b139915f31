"""A teacher's journey in Chromium: create a class, two learners join (one anonymous, one with an
account) and answer quizzes, the teacher reads their results and misconceptions and exports the
CSV; in light and dark, on a desktop and on a 390 px phone, under the strict CSP."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.browser.conftest import RECORD_CSP_VIOLATIONS, csp_violations, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "a-long-pass-phrase-42"
PHONE = {"width": 390, "height": 844}


def new_page(browser, **options):
    """A page in its own browser context (its own cookies), recording CSP violations."""
    context = browser.new_context(**options)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def log_in(page, site, username):
    page.goto(site + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")


def answer_first_single_choice(page, site, lesson, pick):
    """On the lesson's quiz page, answer its first one-choice question with option `pick`."""
    page.goto(f"{site}/lessons/{lesson}/quiz/")
    section = page.locator("section.question").filter(has=page.locator("input[type=radio]")).first
    anchor = section.get_attribute("id")
    section.locator("input[type=radio]").nth(pick).check()
    with page.expect_response(re.compile(r"/answer$")):
        page.click(f"#{anchor}-check")
    page.wait_for_selector(f"#{anchor} .feedback, #{anchor}-feedback")
    return anchor


def test_a_teacher_follows_a_class_from_creation_to_csv(browser, live_server, course):
    site = live_server.url
    User.objects.create_user("tess", password=PASSWORD)
    call_command("createteacher", "tess", "--no-input", stdout=io.StringIO())
    User.objects.create_user("lena", password=PASSWORD)

    teacher = new_page(browser)
    log_in(teacher, site, "tess")
    teacher.goto(site + "/teach/")
    teacher.fill("#id_name", "Year 12 <b>computing</b>")
    teacher.click("button:has-text('Create the class')")
    join_link = teacher.locator("code.join-link").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(site)}/join/[A-Z2-9]{{8}}/", join_link)

    # Learner 1: anonymous, on a phone.
    anon = new_page(browser, viewport=PHONE)
    anon.goto(join_link)
    screenshot(anon, "teach-join-390px")
    anon.fill("#id_display_name", "Ann <script>")
    anon.click("button:has-text('Join the class')")
    assert "Year 12 <b>computing</b>" in anon.locator("#classes-heading + ul").inner_text()
    answer_first_single_choice(anon, site, "containers", pick=0)
    answer_first_single_choice(anon, site, "architecture", pick=1)

    # Learner 2: with an account.
    account = new_page(browser)
    log_in(account, site, "lena")
    account.goto(join_link)
    assert account.input_value("#id_display_name") == "lena"
    account.fill("#id_display_name", "Lena K.")
    account.click("button:has-text('Join the class')")
    answer_first_single_choice(account, site, "containers", pick=1)

    # The teacher reads the results.
    teacher.reload()
    teacher.wait_for_function("() => document.querySelector('#chart-rates.is-drawn')")
    learners = teacher.locator("table:has(caption:has-text('Per learner'))").inner_text()
    assert "Ann <script>" in learners and "Lena K." in learners
    questions = teacher.locator("table:has(caption:has-text('Per question'))").inner_text()
    assert "×1" in questions
    screenshot(teacher, "teach-dashboard-light")
    teacher.emulate_media(color_scheme="dark")
    teacher.reload()
    teacher.wait_for_function("() => document.querySelector('#chart-rates.is-drawn')")
    screenshot(teacher, "teach-dashboard-dark")
    teacher.set_viewport_size(PHONE)
    teacher.reload()
    teacher.wait_for_function("() => document.querySelector('#chart-rates.is-drawn')")
    screenshot(teacher, "teach-dashboard-390px")
    wide = teacher.evaluate(
        "() => Array.from(document.querySelectorAll('body *')).filter(el => !el.closest("
        "'.table-scroll, .chart__plot') && el.getBoundingClientRect().right > innerWidth + 1)"
        ".map(el => el.tagName + '.' + el.className)"
    )
    assert wide == [], "the page scrolls sideways at 390 px"

    with teacher.expect_download() as download:
        teacher.click("a:has-text('Download this table (CSV)')")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert [row[0] for row in rows[1:]] == ["Ann <script>", "Lena K."]
    for page in (teacher, anon, account):
        assert csp_violations(page) == []
