"""Writes of CoworkerInvoicePaymentTokens."""

from __future__ import annotations

from typing import Any

from dashboard.audit.client import noted
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.queries import PaymentTokenDraft
from dashboard.nexudus.records import PaymentToken, WriteResult, mask_token


def payment_token_create(*, client: NexudusClient, draft: PaymentTokenDraft) -> WriteResult:
    """Create the token once (never retried: see core.submissions). `WriteResult.id` is the new Id."""
    return client.create_payment_token(draft)


def payment_token_update(
    *, client: NexudusClient, token_id: int, draft: PaymentTokenDraft, before: PaymentToken | None = None
) -> WriteResult:
    """Replace the token's provider and notes (PUT sends the whole record: the rest as read). `before`, the
    record as just read, is filed with the audit record so its history can say what changed."""
    return _noting(client, before).update_payment_token(token_id, draft)


def payment_token_delete(*, client: NexudusClient, token_id: int, before: PaymentToken | None = None) -> WriteResult:
    """Delete the token; `before` (the record as just read) is filed so its history says what was deleted."""
    return _noting(client, before).delete_payment_token(token_id)


def payment_token_facts(token: PaymentToken) -> dict[str, Any]:
    """What the audit trail keeps of a token as it was: the editable fields and the ones that identify it,
    under the draft's names (so before and after compare field by field); the token string masked."""
    return {
        "coworker_invoice_id": token.coworker_invoice_id,
        "provider": token.provider.label if token.provider is not None else None,
        "token": mask_token(token.token) or None,
        "notes": token.notes,
    }


def _noting(client: NexudusClient, before: PaymentToken | None) -> NexudusClient:
    return client if before is None else noted(client, before=payment_token_facts(before))
