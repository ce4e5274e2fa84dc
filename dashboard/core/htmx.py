"""htmx in one place: the typed request, the page-or-fragment decision, and every `HX-*` response header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url
from django_htmx.middleware import HtmxDetails

_View = TypeVar("_View", bound=Callable[..., Any])


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (every request of the dashboard does)."""

    htmx: HtmxDetails


def wants_fragment(request: HttpRequest) -> bool:
    """htmx asked for a swap; a history restore (and any plain request) gets the whole page."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def vary_on_htmx(view: _View) -> _View:
    """The answer depends on whether htmx asked (a page or a fragment): caches must keep them apart."""
    return vary_on_headers("HX-Request")(view)


def render_page_or_fragment(
    request: HttpRequest, template_name: str, partial: str, context: dict[str, Any], *, status: int | None = None
) -> HttpResponse:
    """The whole page, or only its `{% partialdef partial %}` when htmx asked for a swap."""
    if wants_fragment(request):
        return render(request, f"{template_name}#{partial}", context)
    return render(request, template_name, context, status=status)


def push_state(request: HttpRequest, response: HttpResponse, url: str) -> HttpResponse:
    """Push `url` (the canonical URL of an htmx swap), unless the browser is already there (a Retry, or a
    refresh after the column chooser): no duplicate history entries."""
    htmx = getattr(request, "htmx", None)
    current = (htmx.current_url if htmx else None) or ""
    if current and urlsplit(current)._replace(scheme="", netloc="").geturl() == url:
        return response
    return push_url(response, url)


def client_redirect(url: str, *, status: int = 200) -> HttpResponse:
    """Navigate the whole page to `url` (`HX-Redirect`), e.g. with 401 for a lapsed session."""
    return HttpResponseClientRedirect(url, status=status)


def trigger_event(response: HttpResponse, name: str) -> HttpResponse:
    """Fire the client event `name` (`HX-Trigger`) in its plain-name form: django-htmx's
    `trigger_client_event` always writes JSON, which the page's listeners do not need."""
    response["HX-Trigger"] = name
    return response
