"""Browser-side protections: the Content Security Policy (sent by django-csp) and the headers Django's own
middleware does not set (docs/security.md)."""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import NONE, SELF
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

#: Powerful browser features the dashboard never uses, switched off for every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial")
)


class PermissionsPolicyMiddleware:
    """Adds `Permissions-Policy` (Django has no setting for it) unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
