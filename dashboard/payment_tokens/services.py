"""Writes of CoworkerInvoicePaymentTokens."""

from __future__ import annotations

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.queries import PaymentTokenDraft
from dashboard.nexudus.records import WriteResult


def payment_token_create(*, client: NexudusClient, draft: PaymentTokenDraft) -> WriteResult:
    """Create the token once (never retried: see core.submissions). `WriteResult.id` is the new Id."""
    return client.create_payment_token(draft)


def payment_token_update(*, client: NexudusClient, token_id: int, draft: PaymentTokenDraft) -> WriteResult:
    """Replace the token's provider and notes (PUT sends the whole record: the rest as read)."""
    return client.update_payment_token(token_id, draft)


def payment_token_delete(*, client: NexudusClient, token_id: int) -> WriteResult:
    return client.delete_payment_token(token_id)
