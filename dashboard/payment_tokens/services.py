"""Writes of CoworkerInvoicePaymentTokens."""

from __future__ import annotations

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.queries import PaymentTokenDraft
from dashboard.nexudus.records import WriteResult


def payment_token_create(*, client: NexudusClient, draft: PaymentTokenDraft) -> WriteResult:
    """Create the token once (never retried: see core.submissions). `WriteResult.id` is the new Id."""
    return client.create_payment_token(draft)
