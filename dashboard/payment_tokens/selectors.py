"""Reads of CoworkerInvoicePaymentTokens (each is exactly one upstream call)."""

from __future__ import annotations

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.queries import PaymentTokenQuery
from dashboard.nexudus.records import Invoice, Page, PaymentToken


def payment_token_list(*, client: NexudusClient, query: PaymentTokenQuery) -> Page[PaymentToken]:
    """One page of the search, with `TotalItems`. Listing records have no provider (documented)."""
    return client.search_payment_tokens(query)


def payment_token_get(*, client: NexudusClient, token_id: int) -> PaymentToken:
    """The full record, provider included. Raises NexudusNotFound for an unknown id."""
    return client.get_payment_token(token_id)


def token_invoice(*, client: NexudusClient, invoice_id: int) -> Invoice:
    """The invoice a token paid (for the links after saving: its customer, business and what is due)."""
    return client.get_invoice(invoice_id)
