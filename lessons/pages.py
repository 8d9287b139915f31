"""The lesson page's one cache, and the only place that renders a lesson page.

A lesson page is the same for every reader but for two holes: its CSP nonce and the header's
account links (a logged-in reader's name and log-out form, with its CSRF token). The whole page
is rendered once and kept for a minute, with a placeholder in each hole; every response fills
the holes for its own request. Requests never run Markdown or render the article.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpRequest
from django.middleware.csp import get_nonce
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject

from lessons.models import Lesson
from simulator import links

SECONDS = 60
NONCE = "cvm-lab-nonce-placeholder"
ACCOUNT = "<!-- cvm-lab-account-placeholder -->"


@dataclass(frozen=True)
class Page:
    lesson_id: int
    html: str  # with the account hole
    anonymous_html: str  # the same, with an anonymous reader's account links in place


def _key(slug: str) -> str:
    return f"lesson-page:{slug}"


def lesson_page(request: HttpRequest, slug: str) -> Page:
    """The page for `slug`, from the cache or rendered into it; Http404 if there is none."""
    page = cache.get(_key(slug))
    if page is None:
        page = _render(request, slug)
        cache.set(_key(slug), page, SECONDS)
    return page


def forget(slugs) -> None:
    """Drop cached pages after the course changed (in this process; others within a minute)."""
    cache.delete_many([_key(slug) for slug in slugs])


def fill(page: Page, request: HttpRequest) -> str:
    """The cached page with this request's nonce and account links in place."""
    if request.user.is_authenticated:
        html = page.html.replace(ACCOUNT, render_to_string("base.html#account", {}, request))
    else:
        html = page.anonymous_html
    return html.replace(NONCE, str(get_nonce(request)))


def _render(request: HttpRequest, slug: str) -> Page:
    lesson = Lesson.objects.filter(slug=slug).first()
    if lesson is None:
        raise Http404("No such lesson.")
    context = {
        "lesson": lesson,
        "neighbours": SimpleLazyObject(lesson.neighbours),
        "simulator_url": simulator_link(lesson),
        "csp_nonce": NONCE,
        "account": ACCOUNT,
    }
    # The request gives the header its section; the account block, the one part of the layout
    # that depends on who asks, is a hole in a lesson page.
    html = render_to_string("lessons/lesson.html", context, request)
    anonymous = render_to_string("base.html#account", {"user": AnonymousUser()})
    return Page(lesson.pk, html, html.replace(ACCOUNT, anonymous))


def simulator_link(lesson: Lesson) -> str:
    if not lesson.simulator_preset:
        return ""
    return links.preset_url(lesson.simulator_preset, lesson.simulator_compare)
