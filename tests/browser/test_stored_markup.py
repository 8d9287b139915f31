"""Markup stored in the database cannot act for the reader. Generated HTML (a lesson's body, a
glossary definition, a question's explanation) is shown as it is, so it must come only from the
sanitiser at load time; and should an `hx-*` attribute slip in anyway, the page disables htmx in
that region. The attack these tests replay: a staff account allowed to edit glossary terms stores
a definition whose htmx attributes, once a superuser opens /glossary/, post the admin's user form
with the superuser's session and CSRF token to make that staff account a superuser."""

import json

import pytest

from lessons.models import GlossaryTerm

pytestmark = pytest.mark.browser

# What an attacker would store: htmx posts the user form on load, with the logout form's token.
ESCALATION = (
    '<span hx-post="/admin/auth/user/{id}/change/" hx-trigger="load" '
    "hx-include=\"[name='csrfmiddlewaretoken']\" hx-vals='{fields}'>planted words</span>"
)


def escalation(user) -> str:
    fields = {
        "username": user.username,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    return ESCALATION.format(id=user.pk, fields=json.dumps(fields))


def open_as(page, site: str, client, user, path: str) -> list[str]:
    """Open `path` in Chromium logged in as `user`; the requests the page sent once the network
    went quiet (htmx's "load" trigger fires as soon as htmx processes the element)."""
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}]
    )
    sent = []
    page.on("request", lambda request: sent.append(f"{request.method} {request.url}"))
    page.goto(site + path)
    page.wait_for_load_state("networkidle")
    return sent


def test_htmx_attributes_that_slipped_into_a_definition_cannot_act_for_a_superuser(
    browser_page, site, client, django_user_model
):
    mallory = django_user_model.objects.create_user("mallory", password="x" * 20, is_staff=True)
    root = django_user_model.objects.create_superuser("root", password="y" * 20)
    term = GlossaryTerm.objects.order_by("term").first()
    term.definition_html += escalation(mallory)  # as if it had got past every other defence
    term.save()

    sent = open_as(browser_page, site, client, root, "/glossary/")
    # What the attack needs is on the page: the log-out form's CSRF token.
    assert browser_page.locator("[name=csrfmiddlewaretoken]").count() >= 1

    assert [request for request in sent if "/admin/" in request] == []
    mallory.refresh_from_db()
    assert not mallory.is_superuser
    assert browser_page.get_by_text("planted words", exact=True).is_visible()  # left as it was
