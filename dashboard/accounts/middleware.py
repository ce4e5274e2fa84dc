"""Turns an ended Nexudus session, wherever it surfaces in a view, into "sign in again, then come back"."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url

from dashboard.core.middleware import htmx_signin_redirect
from dashboard.nexudus.errors import NexudusAuthExpired

SESSION_ENDED_MESSAGE = "Your Nexudus session ended, please sign in again"


class NexudusSessionMiddleware:
    """On NexudusAuthExpired: end the Django session too, and send the person to sign in with `next`
    set to the page they were on. htmx requests get 401 + HX-Redirect, so the whole page navigates
    instead of a sign-in form being swapped into a table cell."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, NexudusAuthExpired):
            return None
        logout(request)  # flushes the session; the stored tokens are already gone or unusable
        messages.warning(request, SESSION_ENDED_MESSAGE)
        if getattr(request, "htmx", None):
            return htmx_signin_redirect(request)
        # For a POST this is its own URL, which a GET after signing in shows again as a fresh form: the
        # refresh happens before anything is sent, so nothing was half-written.
        next_path = request.get_full_path()
        login_path = resolve_url(settings.LOGIN_URL)
        return HttpResponseRedirect(f"{login_path}?{urlencode({'next': next_path})}")
