"""Reads for the invoice page: the invoice, its payment tokens and its ledger entries, fetched at once.

Call sequence (api-reference §5.4): get the invoice; search ledger entries and payment tokens by invoice
id. The three are independent, so they run concurrently: the page costs about one round trip.

Search records of payment tokens omit the provider (documented). The full records come from ONE batch
read (`get_payment_tokens(ids)`), which needs the ids from the search, so it is a second round trip. It is
therefore not on the page's critical path: the page shows the listing records at once and loads the
providers afterwards (`invoice_tokens`, the tokens fragment); without JavaScript the page is asked for
`?providers=1` and does both steps itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.core.problems import UpstreamProblem, describe_upstream_error
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError
from dashboard.nexudus.queries import InvoiceQuery, LedgerEntryQuery, PaymentTokenQuery
from dashboard.nexudus.records import Invoice, Page, PaymentToken
from dashboard.runtime.pool import Outcome, fan_out

from .find import invoice_number_matches, looks_like_invoice_number, plan
from .verdict import invoice_verdict


def invoice_numbered(*, client: NexudusClient, text: str) -> Invoice | None:
    """The one invoice `text` is the number of, in any case, with or without its prefix and leading zeros
    ("INV-01963", "inv-1963", "1963"); None when no invoice, or more than one, has that number. Text that
    that does not look like an invoice number (letters, then digits) is not sent."""
    text = text.strip()
    if not looks_like_invoice_number(text):
        return None
    wanted = plan(text)
    if wanted.number is None:
        return None
    found = client.search_invoices(InvoiceQuery(invoice_number=wanted.number, size=RELATED_LIMIT))
    exact = [i for i in found.items if invoice_number_matches(i.invoice_number, text)]
    return exact[0] if len(exact) == 1 else None


#: More than any real invoice has; beyond it the page says so and links to the filtered list.
RELATED_LIMIT = 100


@dataclass(frozen=True)
class Related:
    """One related list of the invoice page, or why it could not be read."""

    items: list
    total: int = 0
    error: NexudusError | None = None

    @property
    def truncated(self) -> bool:
        return self.total > len(self.items)

    @property
    def problem(self) -> UpstreamProblem | None:
        return describe_upstream_error(self.error) if self.error is not None else None


@dataclass(frozen=True)
class InvoicePayments:
    invoice: Invoice
    tokens: Related
    entries: Related
    providers_loaded: bool  # tokens are full records (provider known), not search records


def _tokens_query(invoice_id: int) -> PaymentTokenQuery:
    return PaymentTokenQuery(coworker_invoice_id=invoice_id, size=RELATED_LIMIT, order_by="created_on")


def _entries_query(invoice_id: int) -> LedgerEntryQuery:
    return LedgerEntryQuery(coworker_invoice_id=invoice_id, size=RELATED_LIMIT, order_by="transaction_date")


def with_providers(client: NexudusClient, page: Page[PaymentToken]) -> list[PaymentToken]:
    """The full records of a page of search results (one batch call), in the search's order."""
    if not page.items:
        return []
    full = {token.id: token for token in client.get_payment_tokens([t.id for t in page.items])}
    return [full.get(token.id, token) for token in page.items]


def _failed(outcome: Outcome) -> Related:
    """A list that could not be read: kept as its error, unless the session ended or it was our bug."""
    if isinstance(outcome.error, NexudusAuthExpired) or not isinstance(outcome.error, NexudusError):
        raise outcome.error  # type: ignore[misc]
    return Related(items=[], error=outcome.error)


def invoice_tokens(*, client: NexudusClient, invoice_id: int) -> Related:
    """The invoice's payment tokens as full records: a search, then one batch read of the ids found."""
    try:
        page = client.search_payment_tokens(_tokens_query(invoice_id))
        return Related(items=with_providers(client, page), total=page.total_items)
    except NexudusAuthExpired:
        raise
    except NexudusError as error:
        return Related(items=[], error=error)


def invoice_entries(*, client: NexudusClient, invoice_id: int) -> Related:
    """The invoice's ledger entries (payments and charges), or why they could not be read."""
    try:
        page = client.search_ledger_entries(_entries_query(invoice_id))
        return Related(items=page.items, total=page.total_items)
    except NexudusAuthExpired:
        raise
    except NexudusError as error:
        return Related(items=[], error=error)


#: A customer's invoices read for their page; beyond it the page says so.
CUSTOMER_INVOICE_LIMIT = 50


@dataclass(frozen=True)
class CustomerInvoice:
    invoice: Invoice
    verdict_kind: str
    verdict_text: str


def customer_invoices(*, client: NexudusClient, coworker_id: int) -> tuple[list[CustomerInvoice], int]:
    """The customer's latest invoices with their verdicts, those still to pay first (one search), and how
    many they have in all. Drafts, voids and credit notes come last: nothing is due on them."""
    page = client.search_invoices(
        InvoiceQuery(coworker_id=coworker_id, size=CUSTOMER_INVOICE_LIMIT, order_by="due_date", descending=True)
    )
    rows = [CustomerInvoice(i, (v := invoice_verdict(i)).kind, v.text) for i in page.items]
    order = {"overdue": 0, "part_paid": 1, "unpaid": 2}
    rows.sort(key=lambda row: order.get(row.verdict_kind, 3))  # stable: newest due first within each
    return rows, page.total_items


def invoice_token_section(*, client: NexudusClient, invoice_id: int) -> tuple[Related, Related]:
    """The tokens (full records) and the entries they are explained against, read side by side."""
    outcomes = fan_out(
        {
            "tokens": lambda: invoice_tokens(client=client, invoice_id=invoice_id),
            "entries": lambda: invoice_entries(client=client, invoice_id=invoice_id),
        },
        client=client,
    )
    return outcomes["tokens"].get(), outcomes["entries"].get()


def invoice_payments(*, client: NexudusClient, invoice_id: int, providers: bool = False) -> InvoicePayments:
    """The invoice (its errors, e.g. NexudusNotFound, are raised) with its tokens and ledger entries (their
    errors are kept on each list, so one refused list does not hide the rest of the page).

    `providers`: also batch-read the tokens' full records, chained after the token search (one more round
    trip on that branch only)."""

    def tokens():
        page = client.search_payment_tokens(_tokens_query(invoice_id))
        return page, (with_providers(client, page) if providers else None)

    outcomes = fan_out(
        {
            "invoice": lambda: client.get_invoice(invoice_id),
            "tokens": tokens,
            "entries": lambda: client.search_ledger_entries(_entries_query(invoice_id)),
        },
        client=client,
    )
    invoice = outcomes["invoice"].get()
    if outcomes["tokens"].ok:
        page, full = outcomes["tokens"].get()
        token_list = Related(items=full if full is not None else page.items, total=page.total_items)
    else:
        token_list = _failed(outcomes["tokens"])
    if outcomes["entries"].ok:
        entries = outcomes["entries"].get()
        entry_list = Related(items=entries.items, total=entries.total_items)
    else:
        entry_list = _failed(outcomes["entries"])
    return InvoicePayments(invoice=invoice, tokens=token_list, entries=entry_list, providers_loaded=providers)
