"""Values every page of the shell needs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

import dashboard

from .preferences import saved_view_links


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    current: bool


@lru_cache(maxsize=8)
def _navigation_urls(urlconf: str | None, prefix: str) -> tuple[tuple[str, str], ...]:
    """The nav's (url, label) pairs, reversed once per URL configuration (issue 20: once per page before)."""
    return tuple((reverse(name, urlconf=urlconf), str(label)) for name, label in settings.NAVIGATION)


def navigation(path: str) -> list[NavItem]:
    """The main navigation, the section `path` is in marked current (its page, or its page with a slash
    less)."""
    return [
        NavItem(url, label, path == url or path[:-1] == url)
        for url, label in _navigation_urls(get_urlconf(), get_script_prefix())
    ]


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "navigation": navigation(request.path),
        "app_version": dashboard.__version__,
        # Only on pages that draw the nav (signed in); from the cached copy of the person's preferences.
        "saved_views": SimpleLazyObject(lambda: saved_view_links(user)),
    }
