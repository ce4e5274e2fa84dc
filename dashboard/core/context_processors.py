"""Values every page of the shell needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

import dashboard

from .preferences import saved_view_links


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "navigation": settings.NAVIGATION,
        "app_version": dashboard.__version__,
        # One small query, only on pages that draw the nav (signed in).
        "saved_views": SimpleLazyObject(lambda: saved_view_links(user)),
    }
