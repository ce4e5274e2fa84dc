"""Middleware of the app shell."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.middleware import HtmxDetails

from .htmx import client_redirect


class HtmxLoginRedirectMiddleware:
    """An htmx request that needs a sign-in gets 401 + `HX-Redirect` to the sign-in page (with `next`
    set to the page the person was on), instead of a login form swapped into a table cell."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if not htmx or response.status_code not in (301, 302):
            return response
        login_path = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.get("Location", "")).path != login_path:
            return response
        return htmx_signin_redirect(request)


def htmx_signin_redirect(request: HttpRequest) -> HttpResponse:
    """The response that sends an htmx request's page to the sign-in page, and back afterwards."""
    login_path = resolve_url(settings.LOGIN_URL)
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    current = htmx.current_url_abs_path if htmx else None
    next_path = current or request.get_full_path()
    return client_redirect(f"{login_path}?{urlencode({'next': next_path})}", status=401)
