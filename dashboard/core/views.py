"""The app shell: home, health check, placeholder pages and friendly error pages."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import dashboard
from dashboard.lookup.forms import QuickFindForm
from dashboard.nexudus.health import upstream_reachable


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home page, with the quick-find box (its own view is dashboard.lookup.views.find_view)."""
    return render(request, "core/home.html", {"find_form": QuickFindForm()})


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
        answered = cache.get(key) == "ok"
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


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that might fail again: the 500 page is static.
    return render(request, "errors/500.html", status=500)
