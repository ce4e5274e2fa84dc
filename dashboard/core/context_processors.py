"""Values every page of the shell needs."""

from __future__ import annotations

from django.http import HttpRequest

import dashboard

NAVIGATION = (
    ("core:home", "Invoice lookup"),
    ("payment_tokens:list", "Payment tokens"),
    ("ledger:list", "Ledger entries"),
    ("audit:list", "Audit"),
)


def shell(request: HttpRequest) -> dict:
    return {"navigation": NAVIGATION, "app_version": dashboard.__version__}
