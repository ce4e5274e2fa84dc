"""Values every page of the shell needs."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

import dashboard

from .preferences import saved_view_links

NAVIGATION = (
    ("core:home", "Invoice lookup"),
    ("payment_tokens:list", "Payment tokens"),
    ("ledger:list", "Ledger entries"),
    ("audit:list", "Audit"),
)


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "navigation": NAVIGATION,
        "app_version": dashboard.__version__,
        # One small query, only on pages that draw the nav (signed in).
        "saved_views": SimpleLazyObject(lambda: saved_view_links(user)),
    }
