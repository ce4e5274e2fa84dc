"""What every page needs to show the "Record…" buttons as available or not (see accounts.permissions)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .permissions import unavailable_reason

LEDGER_CREATE = "CoworkerLedgerEntry-Create"
TOKEN_CREATE = "CoworkerInvoicePaymentToken-Create"


def write_permissions(request: HttpRequest) -> dict[str, Any]:
    return {
        "cannot_record": SimpleLazyObject(
            lambda: {
                "ledger": unavailable_reason(request, LEDGER_CREATE),
                "token": unavailable_reason(request, TOKEN_CREATE),
            }
        )
    }
