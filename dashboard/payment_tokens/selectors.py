"""Reads of CoworkerInvoicePaymentTokens, and the listing's rows with the facts the search leaves out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError
from dashboard.nexudus.queries import PaymentTokenQuery
from dashboard.nexudus.records import Invoice, Page, PaymentToken
from dashboard.runtime.pool import Outcome, fan_out

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

    @property
    def provider_text(self) -> str:
        return provider_label(self) or "not given by Nexudus"


def provider_label(row: TokenRow | PaymentToken) -> str | None:
    """The provider's label; "not read (try again)" when the batch read that gives it failed; None when
    Nexudus gave none."""
    if row.provider is not None:
        return str(getattr(row.provider, "label", row.provider))
    return "not read (try again)" if getattr(row, "related_missing", False) else None


def payment_token_list(*, client: NexudusClient, query: PaymentTokenQuery) -> Page[PaymentToken]:
    """One page of the search, with `TotalItems`. Listing records have no provider (documented)."""
    return client.search_payment_tokens(query)


def _in_batches(read: Callable[[list[int]], list[T]], ids: Iterable[int]) -> list[T]:
    unique = list(dict.fromkeys(ids))
    found: list[T] = []
    for start in range(0, len(unique), BATCH_IDS):
        found += read(unique[start : start + BATCH_IDS])
    return found


def _raise_unless_upstream(outcomes: dict[str, Outcome[Any]]) -> None:
    """A batch read that Nexudus refused only leaves facts out; a lapsed session or our own bug is raised."""
    for outcome in outcomes.values():
        if outcome.error is not None and (
            isinstance(outcome.error, NexudusAuthExpired) or not isinstance(outcome.error, NexudusError)
        ):
            raise outcome.error


def _rows(
    tokens: list[PaymentToken], full: Outcome[Any], invoices: Outcome[Any], *, coworker_id: int | None = None
) -> list[TokenRow]:
    """Search records as rows, with their full records and invoices as the batch reads gave them.
    `coworker_id`: keep only the tokens of that customer's invoices (an invoice not read is kept)."""
    by_id = {t.id: t for t in full.value or []}
    invoice_of = {i.id: i for i in invoices.value or []}
    missing = not (full.ok and invoices.ok)
    rows = [
        TokenRow(
            record=by_id.get(t.id, t),
            invoice=invoice_of.get(t.coworker_invoice_id) if t.coworker_invoice_id else None,
            related_missing=missing,
        )
        for t in tokens
    ]
    if coworker_id is None:
        return rows
    return [row for row in rows if row.invoice is None or row.invoice.coworker_id == coworker_id]


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
    _raise_unless_upstream(outcomes)
    rows = _rows(page.items, outcomes["tokens"], outcomes["invoices"])
    return cast("Page[TokenRow]", replace(page, items=rows))  # type: ignore[arg-type]


#: The customer's invoices whose tokens their page lists (those shown first on it): one search each.
CUSTOMER_TOKEN_INVOICES = 20
#: Tokens read per invoice: more than any invoice has; beyond it the section says so.
TOKENS_PER_INVOICE = 100


@dataclass(frozen=True)
class CustomerTokens:
    rows: list[TokenRow]  # newest first
    invoice_count: int  # how many invoices were searched
    invoices_left_out: int = 0  # invoices named beyond CUSTOMER_TOKEN_INVOICES, not searched
    #: Invoices with more tokens than TOKENS_PER_INVOICE (the rest are on the token list by invoice).
    crowded_invoice_ids: list[int] = field(default_factory=list)


def customer_token_rows(*, client: NexudusClient, coworker_id: int, invoice_ids: Iterable[int]) -> CustomerTokens:
    """The payment tokens of a customer's invoices as rows with provider and invoice number, newest first.

    Nexudus filters tokens by ONE invoice (`CoworkerInvoicePaymentToken_CoworkerInvoice`, the only relation
    the contract documents; no customer filter), so the page's invoices are searched side by side, one
    search each (at most CUSTOMER_TOKEN_INVOICES), together with ONE batch read of those invoices (their
    numbers, and whose they are); then ONE batch read of the tokens found (the provider, which search
    records omit). Calls: invoices + 2, in 2 round trips; none per token. A search that fails is raised
    (a partial list would read as "no token"); a failed batch read only leaves its facts out."""
    named = list(dict.fromkeys(invoice_ids))
    ids = named[:CUSTOMER_TOKEN_INVOICES]
    if not ids:
        return CustomerTokens(rows=[], invoice_count=0)

    def tokens_of(invoice_id: int) -> Callable[[], Page[PaymentToken]]:
        return lambda: client.search_payment_tokens(
            PaymentTokenQuery(
                coworker_invoice_id=invoice_id, size=TOKENS_PER_INVOICE, order_by="created_on", descending=True
            )
        )

    calls: dict[str, Callable[[], Any]] = {f"tokens-{i}": tokens_of(i) for i in ids}
    calls["invoices"] = lambda: _in_batches(client.get_invoices, ids)
    outcomes = fan_out(calls, client=client)
    invoices = outcomes.pop("invoices")
    _raise_unless_upstream({"invoices": invoices})
    pages = {int(name.removeprefix("tokens-")): outcome.get() for name, outcome in outcomes.items()}
    tokens = sorted(
        (t for page in pages.values() for t in page.items),
        key=lambda t: (t.created_on is not None, t.created_on or datetime.min.replace(tzinfo=UTC), t.id),
        reverse=True,
    )
    full: Outcome[Any] = Outcome(value=[])
    if tokens:
        full = fan_out({"tokens": lambda: _in_batches(client.get_payment_tokens, [t.id for t in tokens])})["tokens"]
        _raise_unless_upstream({"tokens": full})
    return CustomerTokens(
        rows=_rows(tokens, full, invoices, coworker_id=coworker_id),
        invoice_count=len(ids),
        invoices_left_out=len(named) - len(ids),
        crowded_invoice_ids=[i for i, page in pages.items() if page.total_items > len(page.items)],
    )


def payment_token_get(*, client: NexudusClient, token_id: int) -> PaymentToken:
    """The full record, provider included. Raises NexudusNotFound for an unknown id."""
    return client.get_payment_token(token_id)


def token_invoice(*, client: NexudusClient, invoice_id: int) -> Invoice:
    """The invoice a token paid (for the links after saving: its customer, business and what is due)."""
    return client.get_invoice(invoice_id)
