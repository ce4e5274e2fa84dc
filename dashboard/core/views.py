"""The app shell: health check, placeholder pages, friendly error pages, table preferences and saved views."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.utils import DatabaseError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import dashboard
from dashboard.nexudus.health import upstream_reachable

from .htmx import HtmxHttpRequest, trigger_event, vary_on_htmx, wants_fragment
from .preferences import (
    can_save_view,
    clean_querystring,
    column_choices,
    delete_view,
    preference_for,
    save_columns,
    save_view,
    saved_view_url,
    table_class_for,
)


@require_GET
def coming_soon(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "core/coming_soon.html", {"title": title})


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _cache_reachable() -> bool:
    """A round trip through the shared cache (Redis in production): set a key of our own, read it back."""
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        answered = bool(cache.get(key) == "ok")
        cache.delete(key)
    except Exception:  # redis-py raises its own error classes; any failure means "unreachable"
        return False
    return answered


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers (the dashboard can serve pages), 503 otherwise.
    An unreachable cache or upstream is reported but does not fail the check: restarting us would not fix
    it, and taking every instance out of the load balancer at once would turn a slowdown into an outage."""
    checks = {"database": _database_reachable(), "cache": _cache_reachable(), "upstream": upstream_reachable()}
    body = {
        "status": "ok" if all(checks.values()) else "degraded",
        "checks": checks,
        "version": dashboard.__version__,
    }
    return JsonResponse(body, status=200 if checks["database"] else 503)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A body or query Django refused to read (non-UTF-8 form, too many fields, too large).

    Rendered without the request: context processors, CSRF checks (Django's default handler is wrapped
    in `requires_csrf_token`, which reads request.POST) and templates must not touch the data again, as
    reading it raises the same error and the 400 would become a 500. Only the HX-Request header is read.
    """
    fragment = request.headers.get("HX-Request") == "true"
    body = render_to_string("errors/_400.html" if fragment else "errors/400.html")
    return HttpResponseBadRequest(body)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that might fail again: the 500 page is static.
    return render(request, "errors/500.html", status=500)


# --- table preferences and saved views (dashboard.core.preferences) ---------------------------------------


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """A local path to go back to (`next`), else `fallback`: never another site, never a view name."""
    target = (request.POST.get("next") or request.GET.get("next") or "").strip()
    if (
        target.startswith("/")
        and len(target) <= 2000
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return target
    return fallback


def _person(request: HttpRequest) -> User:
    """The signed-in person (LoginRequiredMiddleware lets no one else this far)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@require_http_methods(["GET", "POST"])
@vary_on_htmx
def table_columns_view(request: HtmxHttpRequest, table_key: str) -> HttpResponse:
    """The column chooser of one table: GET shows the checkboxes (loaded when the menu first opens, or a
    page of its own without JavaScript); POST stores the person's choice. htmx then refreshes the table
    (`tablePreferencesChanged`); without JavaScript the person goes back to the table."""
    table_class = table_class_for(table_key)
    if table_class is None:
        raise Http404("No such table")
    list_url = _safe_next(request, "/")
    if request.method == "POST":
        names = request.POST.getlist("columns")
        save_columns(_person(request), table_class, names)
        if wants_fragment(request):
            return trigger_event(HttpResponse(status=204), "tablePreferencesChanged")
        messages.success(request, "Columns saved: this table will look like this whenever you open it.")
        return HttpResponseRedirect(list_url)
    context = {
        "table_key": table_key,
        "caption": table_class.caption,
        "column_choices": column_choices(table_class, preference_for(request.user, table_key)),
        "next": list_url,
    }
    template = "core/_column_choices.html" if wants_fragment(request) else "core/table_columns.html"
    return render(request, template, context)


@require_POST
@vary_on_htmx
def saved_view_save(request: HtmxHttpRequest) -> HttpResponse:
    table = request.POST.get("table", "")
    # Printable text only (PostgreSQL refuses NUL), spaces collapsed, within the column's 80 characters.
    name = " ".join("".join(ch for ch in request.POST.get("name", "") if ch.isprintable()).split())[:80]
    querystring = clean_querystring(request.POST.get("querystring", ""))
    if not can_save_view(table):
        raise Http404("No such table")
    view = None
    if name:
        view = save_view(_person(request), table=table, name=name, querystring=querystring)
    if wants_fragment(request):
        return render(
            request,
            "core/_saved_view_status.html",
            {"view": view, "view_url": saved_view_url(view) if view else None, "oob": True},
        )
    if view is None:
        messages.error(request, "Give the view a name to save it.")
        return HttpResponseRedirect(_safe_next(request, "/"))
    messages.success(request, f"Saved the view “{view.name}”: open it any time from Saved views.")
    return HttpResponseRedirect(saved_view_url(view) or "/")


@require_POST
@vary_on_htmx
def saved_view_delete(request: HtmxHttpRequest, view_id: int) -> HttpResponse:
    delete_view(_person(request), view_id)
    if wants_fragment(request):
        return render(request, "core/_saved_views_menu.html", {"menu_open": True})
    messages.success(request, "Saved view deleted.")
    return HttpResponseRedirect(_safe_next(request, "/"))
