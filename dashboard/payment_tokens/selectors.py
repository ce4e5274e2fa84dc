"""Reads of CoworkerInvoicePaymentTokens, and the listing's rows with the facts the search leaves out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError
from dashboard.nexudus.queries import PaymentTokenQuery
from dashboard.nexudus.records import Invoice, Page, PaymentToken
from dashboard.runtime.pool import fan_out

#: Ids per batch read. 100 seven-digit ids keep the URL under 1 KB (IIS refuses query strings over 2 KB
#: by default); a listing page (at most 100 rows) is then exactly one batch call per resource.
BATCH_IDS = 100

T = TypeVar("T")


@dataclass(frozen=True)
class TokenRow:
    """A listed payment token with what its search record omits: the provider (from the token's full
    record) and the invoice's number and customer (from the invoice). Other attributes are the token's."""

    record: PaymentToken
    invoice: Invoice | None = None
    #: The batch reads failed: the provider, number and customer are unknown, not absent.
    related_missing: bool = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.record, name)

    @property
    def invoice_number(self) -> str | None:
        return self.invoice.invoice_number if self.invoice else None

    @property
    def coworker_id(self) -> int | None:
        return self.invoice.coworker_id if self.invoice else None

    @property
    def coworker_full_name(self) -> str | None:
        return (self.invoice.coworker_full_name or self.invoice.bill_to_name) if self.invoice else None


def payment_token_list(*, client: NexudusClient, query: PaymentTokenQuery) -> Page[PaymentToken]:
    """One page of the search, with `TotalItems`. Listing records have no provider (documented)."""
    return client.search_payment_tokens(query)


def _in_batches(read: Callable[[list[int]], list[T]], ids: Iterable[int]) -> list[T]:
    unique = list(dict.fromkeys(ids))
    found: list[T] = []
    for start in range(0, len(unique), BATCH_IDS):
        found += read(unique[start : start + BATCH_IDS])
    return found


def payment_token_rows(*, client: NexudusClient, query: PaymentTokenQuery) -> Page[TokenRow]:
    """One page of the search as rows with provider, invoice number and customer.

    Upstream calls: the search, then (together) one batch read of the page's tokens and one of their
    invoices: 3 calls, 2 round trips, whatever the page size up to BATCH_IDS. That is the floor: the
    search is what says which tokens and how many; its records omit the provider (documented), which only
    the full record carries; and a token names its invoice by id only, so the number and customer need the
    invoice. If a batch read fails, the page still shows what the search said."""
    page = client.search_payment_tokens(query)
    if not page.items:
        return cast("Page[TokenRow]", replace(page, items=[]))
    invoice_ids = [t.coworker_invoice_id for t in page.items if t.coworker_invoice_id]
    outcomes = fan_out(
        {
            "tokens": lambda: _in_batches(client.get_payment_tokens, [t.id for t in page.items]),
            "invoices": lambda: _in_batches(client.get_invoices, invoice_ids),
        },
        client=client,
    )
    for outcome in outcomes.values():
        if outcome.error is not None and (
            isinstance(outcome.error, NexudusAuthExpired) or not isinstance(outcome.error, NexudusError)
        ):
            raise outcome.error
    full = {t.id: t for t in outcomes["tokens"].value or []}
    invoices = {i.id: i for i in outcomes["invoices"].value or []}
    missing = not (outcomes["tokens"].ok and outcomes["invoices"].ok)
    rows = [
        TokenRow(
            record=full.get(t.id, t),
            invoice=invoices.get(t.coworker_invoice_id) if t.coworker_invoice_id else None,
            related_missing=missing,
        )
        for t in page.items
    ]
    return cast("Page[TokenRow]", replace(page, items=rows))  # type: ignore[arg-type]


def payment_token_get(*, client: NexudusClient, token_id: int) -> PaymentToken:
    """The full record, provider included. Raises NexudusNotFound for an unknown id."""
    return client.get_payment_token(token_id)


def token_invoice(*, client: NexudusClient, invoice_id: int) -> Invoice:
    """The invoice a token paid (for the links after saving: its customer, business and what is due)."""
    return client.get_invoice(invoice_id)
