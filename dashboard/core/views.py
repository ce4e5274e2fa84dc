"""The app shell: home, health check, placeholder pages and friendly error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import dashboard
from dashboard.nexudus.health import upstream_reachable


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


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


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers (the dashboard can serve pages), 503 otherwise.
    An unreachable upstream is reported but does not fail the check: restarting us would not fix it."""
    checks = {"database": _database_reachable(), "upstream": upstream_reachable()}
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
