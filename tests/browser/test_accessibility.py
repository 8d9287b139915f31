"""Every kind of page meets WCAG 2.2 AA as axe-core checks it, in light and dark colour schemes,
under the strict CSP; and a keyboard user always sees where focus is in the simulator."""

from pathlib import Path

import pytest

from tests.browser.conftest import csp_violations, screenshot

pytestmark = pytest.mark.browser

AXE_SOURCE = (Path(__file__).resolve().parents[1] / "vendor/axe-core/axe.min.js").read_text()
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """tags => axe.run(document, {
  runOnly: {type: "tag", values: tags},
  resultTypes: ["violations"],
}).then(results => results.violations)"""

SIMULATOR_COMPARE = (
    "/simulator/?stack=hardware,host-os,hypervisor,guest-os,app"
    "&compare=hardware,host-os,container-runtime,app"
)


def wait_for_htmx(page) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")


def wait_for_charts(page) -> None:
    """Every plotly chart on the page is drawn (charts.js marks each one once plotly has). The
    simulator loads plotly and draws each chart when it comes near the screen: scroll to each as
    a reader would, then back to the top with focus at the start of the page, as after loading."""
    for index in range(page.locator(".chart__plot").count()):
        page.wait_for_function(SCROLL_TO_CHART_UNTIL_DRAWN, arg=index, polling=100)
    page.evaluate(RESET_FOCUS)


# Regions above a chart may grow as they first come into view (content-visibility: auto), moving
# the chart down again: keep scrolling to it until it is drawn.
SCROLL_TO_CHART_UNTIL_DRAWN = """index => {
  const plot = document.querySelectorAll(".chart__plot")[index];
  if (plot.classList.contains("is-drawn")) return true;
  plot.scrollIntoView({ block: "center" });
  return false;
}"""


RESET_FOCUS = """() => {
  window.scrollTo(0, 0);
  document.body.tabIndex = -1;
  document.body.focus({ preventScroll: true });
  document.body.removeAttribute("tabindex");
}"""


def open_every_disclosure(page) -> None:
    """Open the tables behind the charts and the ledger, so axe checks what is inside them."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    # After an htmx update the ledger's tables load when it opens.
    page.wait_for_function(
        "() => !document.getElementById('sim-ledger-body')"
        " || document.querySelector('#sim-ledger-body table')"
    )


def add_a_layer(page) -> None:
    """The simulator's main interaction: press a palette button; htmx swaps the workspace. (On a
    phone the palette is a panel to open first.)"""
    if page.locator("#palette-panel:not([open]) > summary").is_visible():
        page.click("#palette-panel > summary")
    with page.expect_response(lambda r: "/simulator/" in r.url):
        page.click("#add-hardware")
    wait_for_htmx(page)
    page.wait_for_selector(".stack--editable .layer__name")
    wait_for_charts(page)
    open_every_disclosure(page)


def watch_both_boot(page) -> None:
    """Replay the start of both stacks at ten times real time, to its end."""
    page.check("input[name=boot-speed][value='10']")
    page.click("#boot-start")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.boot__step'))"
        ".every(step => step.classList.contains('is-done'))"
    )


def explore_the_results(page) -> None:
    wait_for_charts(page)
    open_every_disclosure(page)


def answer_a_question_wrong(page) -> None:
    """Pick a wrong answer with the question's own form; htmx swaps in the feedback. (The first
    attempt's draw is fixed per lesson and asks this true-or-false question; its key is true.)"""
    page.check("#q-side-channels-cross-vms-false")
    with page.expect_response(lambda r: "/answer" in r.url):
        page.click("#q-side-channels-cross-vms-check")
    page.wait_for_selector("#q-side-channels-cross-vms-feedback.feedback--wrong")
    wait_for_htmx(page)


def sign_up_with_mismatched_passwords(page) -> None:
    """The signup form sent with errors: each message must be tied to its field."""
    page.fill("#id_username", "learner")
    page.fill("#id_password1", "a-long-enough-passphrase")
    page.fill("#id_password2", "a-different-passphrase")
    page.click("button[type=submit]:has-text('Create account')")
    page.wait_for_selector("[aria-invalid=true]")


TEACHER_PASSWORD = "a-long-pass-phrase-42"


def logged_in_as_a_teacher(page) -> None:
    """The login form, sent as a teacher (made on first need); the page goes where `next` said."""
    import io

    from django.contrib.auth.models import User
    from django.core.management import call_command

    if not User.objects.filter(username="tess").exists():
        User.objects.create_user("tess", password=TEACHER_PASSWORD)
        call_command("createteacher", "tess", "--no-input", stdout=io.StringIO())
    page.fill("#id_username", "tess")
    page.fill("#id_password", TEACHER_PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_load_state()


def a_class(page):
    """Tess's class with two learners, one of whom deleted their data."""
    from django.contrib.auth.models import User

    from cvm_site.classes import fresh_code_fields
    from cvm_site.models import Classroom, Membership
    from lessons.models import Learner

    teacher = User.objects.get(username="tess")
    room = Classroom.objects.create(teacher=teacher, name="Year 12", **fresh_code_fields())
    Membership.objects.create(classroom=room, learner=Learner.objects.create(), display_name="Ann")
    Membership.objects.create(classroom=room, learner=None, display_name="")
    return room


def the_class_dashboard(page) -> None:
    logged_in_as_a_teacher(page)
    room = a_class(page)
    page.goto(page.url.split("/teach/")[0] + f"/teach/classes/{room.pk}/")
    wait_for_charts(page)


def the_join_page(page) -> None:
    logged_in_as_a_teacher(page)
    room = a_class(page)
    page.context.clear_cookies()
    page.goto(page.url.split("/teach/")[0] + f"/join/{room.code}/")


def joining_with_a_name_too_long(page) -> None:
    the_join_page(page)
    page.fill("#id_display_name", "x" * 30)
    page.evaluate("document.getElementById('id_display_name').removeAttribute('maxlength')")
    page.fill("#id_display_name", "x" * 60)
    page.click("button:has-text('Join the class')")
    page.wait_for_selector("[aria-invalid=true]")


def asked_to_add_this_browsers_progress(page) -> None:
    """An anonymous answer, then a login: the page asks whether to add that progress."""
    from django.contrib.auth.models import User

    section = page.locator("section.question").filter(has=page.locator("input[type=radio]")).first
    anchor = section.get_attribute("id")
    section.locator("input[type=radio]").first.check()
    with page.expect_response(lambda r: "/answer" in r.url):
        page.click(f"#{anchor}-check")
    wait_for_htmx(page)
    User.objects.create_user("merger", password=TEACHER_PASSWORD)
    page.goto(page.url.split("/lessons/")[0] + "/accounts/login/")
    page.fill("#id_username", "merger")
    page.fill("#id_password", TEACHER_PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_selector("h1:has-text('This browser has progress')")


PAGES = {
    "home": ("/", None),
    "lesson": ("/lessons/architecture/", None),
    "lesson-with-table": ("/lessons/key-differences/", None),
    "glossary": ("/glossary/", None),
    "simulator-first-visit": ("/simulator/", None),
    "simulator-empty": ("/simulator/?stack=", None),
    "simulator-boot-with-a-pull": ("/simulator/?pull=1", watch_both_boot),
    "simulator-terminal-answer": (
        "/simulator/?stack=hardware,host-os,container-runtime,app&command=ps+aux&where=host",
        None,
    ),
    "simulator-after-adding-a-layer": ("/simulator/", add_a_layer),
    "simulator-comparing-two-stacks": (SIMULATOR_COMPARE, explore_the_results),
    "simulator-invalid-stack": ("/simulator/?stack=hardware,host-os,guest-os,app", None),
    "quiz": ("/lessons/architecture/quiz/", None),
    "quiz-after-a-wrong-answer": ("/lessons/architecture/quiz/", answer_a_question_wrong),
    "progress": ("/progress/", wait_for_charts),
    "login": ("/accounts/login/", None),
    "signup": ("/accounts/signup/", None),
    "signup-with-errors": ("/accounts/signup/", sign_up_with_mismatched_passwords),
    "not-found": ("/lessons/nope/", None),
    "password-reset": ("/accounts/password_reset/", None),
    "delete-my-data": ("/accounts/me/delete", None),
    "teach-classes": ("/accounts/login/?next=/teach/", logged_in_as_a_teacher),
    "teach-class-dashboard": ("/accounts/login/?next=/teach/", the_class_dashboard),
    "join-a-class": ("/accounts/login/?next=/teach/", the_join_page),
    "join-with-errors": ("/accounts/login/?next=/teach/", joining_with_a_name_too_long),
    "join-with-a-wrong-code": ("/join/NOSUCHCODE/", None),
    "add-this-browsers-progress": (
        "/lessons/containers/quiz/",
        asked_to_add_this_browsers_progress,
    ),
}


DANGLING_ARIA_REFERENCES = """() => {
  const attributes = ["aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage"];
  return attributes.flatMap(attribute => Array.from(document.querySelectorAll(`[${attribute}]`))
    .flatMap(el => el.getAttribute(attribute).split(/\\s+/).filter(Boolean)
      .filter(id => !document.getElementById(id))
      .map(id => `${el.tagName.toLowerCase()}#${el.id} ${attribute}=${id}`)));
}"""


def describe(violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' > '.join(map(str, node['target']))}: {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page, site, name: str, scheme: str, shot: str | None = None) -> None:
    """Open the page in that state and colour scheme; axe finds nothing, no aria reference dangles
    and the CSP refused nothing."""
    path, interact = PAGES[name]
    page.emulate_media(color_scheme=scheme)
    page.goto(site + path)
    if interact:
        interact(page)
    page.evaluate(AXE_SOURCE)  # evaluated, not a script tag: the CSP blocks inline scripts
    violations = page.evaluate(RUN_AXE, WCAG_AA_TAGS)
    if shot:
        screenshot(page, shot)
    assert violations == [], describe(violations)
    # axe only asks for a review when aria-describedby names a missing id: treat it as an error.
    assert page.evaluate(DANGLING_ARIA_REFERENCES) == []
    assert csp_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_meets_wcag_aa_in_both_colour_schemes(browser_page, site, name, scheme):
    shown = scheme == "dark" and name in (
        "simulator-comparing-two-stacks",
        "quiz-after-a-wrong-answer",
    )
    assert_accessible(browser_page, site, name, scheme, f"a11y-{name}-{scheme}" if shown else None)


# On a phone: every simulator state in both schemes (its layout changes most with the width), the
# other pages in the light one (their colours do not depend on the width).
PHONE_STATES = [
    (name, scheme)
    for name in PAGES
    for scheme in (("light", "dark") if name.startswith("simulator-") else ("light",))
]


@pytest.mark.parametrize(("name", "scheme"), PHONE_STATES)
def test_every_page_meets_wcag_aa_on_a_390_px_phone(browser_page, site, name, scheme):
    browser_page.set_viewport_size({"width": 390, "height": 844})
    shown = name in ("simulator-comparing-two-stacks", "simulator-terminal-answer")
    shot = f"a11y-{name}-390px-{scheme}" if shown else None
    assert_accessible(browser_page, site, name, scheme, shot)


FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const rgb = colour => colour.match(/[\\d.]+/g).map(Number);
  const luminance = colour => {
    const [r, g, b] = rgb(colour).slice(0, 3).map(c => c / 255)
      .map(c => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  // The outline is drawn outside the element (outline-offset), over its parent's background.
  let behind = el.parentElement;
  while (behind && (rgb(getComputedStyle(behind).backgroundColor)[3] ?? 1) === 0) {
    behind = behind.parentElement;
  }
  const background = behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)";
  const [light, dark] = [luminance(style.outlineColor), luminance(background)]
    .sort((a, b) => b - a);
  const x = rect.left + rect.width / 2, y = rect.top + rect.height / 2;
  const hit = document.elementFromPoint(x, y);
  return {
    element: el.outerHTML.slice(0, 120),
    indicated: (outlined && (light + 0.05) / (dark + 0.05) >= 3) || style.boxShadow !== "none",
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
      && rect.top < innerHeight && rect.left < innerWidth,
    covered: hit !== null && !el.contains(hit) && !hit.contains(el),
  };
}"""

FOCUSABLE_OFF_SCREEN = """() => {
  const selector = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),"
    + " select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
  const width = document.documentElement.scrollWidth;
  const height = document.documentElement.scrollHeight;
  return Array.from(document.querySelectorAll(selector))
    .filter(el => !el.classList.contains("skip-link") && !el.closest("[inert]"))
    // What a closed disclosure holds cannot take focus until it is opened; its summary can.
    .filter(el => {
      const closed = el.closest("details:not([open])");
      return !closed || el.parentElement === closed && el.tagName === "SUMMARY";
    })
    .filter(el => {
      const rect = el.getBoundingClientRect();
      const top = rect.top + scrollY, left = rect.left + scrollX;
      const rendered = el.getClientRects().length > 0;
      return rendered && (rect.width < 1 || rect.height < 1 || top + rect.height <= 0
        || left + rect.width <= 0 || top >= height || left >= width);
    })
    .map(el => el.outerHTML.slice(0, 120));
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_keyboard_user_always_sees_where_focus_is_in_the_simulator(browser_page, site, scheme):
    page = browser_page
    page.emulate_media(color_scheme=scheme)
    page.goto(site + SIMULATOR_COMPARE)
    wait_for_charts(page)

    assert page.evaluate(FOCUSABLE_OFF_SCREEN) == []

    visited, unindicated, hidden, covered = [], [], [], []
    for _ in range(400):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or (visited and state["element"] == visited[0]):
            break  # focus left the page, or came round again
        visited.append(state["element"])
        if not state["indicated"]:
            unindicated.append(state["element"])
        if not state["onScreen"]:
            hidden.append(state["element"])
        if state["covered"]:
            covered.append(state["element"])
    else:
        raise AssertionError("Tab never left the page: is there a keyboard trap?")

    assert len(visited) > 30  # the palette, presets, settings, layer actions and disclosures
    assert 'class="skip-link"' in visited[0]
    assert unindicated == [], "focused without an outline of 3:1 contrast or a box-shadow"
    assert hidden == [], "focused while off-screen"
    assert covered == [], "focused while covered by another element"
    if scheme == "dark":
        screenshot(page, "a11y-simulator-focus-dark")
    assert csp_violations(page) == []
