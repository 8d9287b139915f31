"""Response headers every page needs, decided from what the page carried."""

from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

# Powerful browser features no page of the course uses.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "hid=(), midi=(), display-capture=(), browsing-topics=()"
)


def _carries_a_csrf_token(request, response) -> bool:
    """The page asked for a CSRF token: the middleware will (re)send the cookie, or a view's
    csrf_protect decorator already put it on the response."""
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")) or (
        settings.CSRF_COOKIE_NAME in response.cookies
    )


def _read_a_session(request) -> bool:
    """The page read a session that holds something (a learner, a login): it may show it."""
    session = getattr(request, "session", None)
    return session is not None and session.accessed and not session.is_empty()


class PrivacyHeadersMiddleware:
    """- A page that carries a CSRF token or read a learner's session is never stored
      by a shared cache or the browser's back/forward cache: `Cache-Control: private, no-store`.
    - A response that varies on htmx's request header also varies on its history-restore header:
      every partial view here answers a history restore with the whole page.
    - A Permissions-Policy turns off features the course never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _carries_a_csrf_token(request, response) or _read_a_session(request):
            response.headers.pop("Expires", None)
            patch_cache_control(response, private=True, no_store=True)
        if "hx-request" in response.get("Vary", "").lower():
            patch_vary_headers(response, ["HX-History-Restore-Request"])
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
