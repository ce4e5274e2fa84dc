"""Reads for the ledger pages: searches, one entry, a customer's balance and ledger, picker lookups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from dashboard.core.params import parse_id
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import FieldError, NexudusNotFound, NexudusValidationError
from dashboard.nexudus.queries import BusinessQuery, CoworkerQuery, InvoiceQuery, LedgerEntryQuery
from dashboard.nexudus.records import Business, Coworker, Invoice, LedgerEntry, Page
from dashboard.runtime.pool import Outcome, fan_out

from .chain import ChainCheck, chain_key, check_chain
from .reversal import is_reversal_of

# How many recent entries the customer page reads for its chart and for the businesses list.
HISTORY_SIZE = 200
# Nexudus sorts by one field only; entries sharing the newest transaction date are told apart by id
# here, so the newest few are read rather than exactly one.
NEWEST_WINDOW = 10
PICKER_SIZE = 10


def ledger_entry_list(*, client: NexudusClient, query: LedgerEntryQuery) -> Page[LedgerEntry]:
    return client.search_ledger_entries(query)


def ledger_entry_get(*, client: NexudusClient, entry_id: int) -> LedgerEntry:
    return client.get_ledger_entry(entry_id)


def _newest(entries: list[LedgerEntry]) -> LedgerEntry | None:
    return max(entries, key=chain_key, default=None)


def ledger_latest_entry(*, client: NexudusClient, coworker_id: int, business_id: int) -> LedgerEntry | None:
    """The last entry of the customer's chain at a business (None if they have none): one search, newest
    transaction date first, of a few entries so that several sharing that date are ordered by id here."""
    return _newest(ledger_recent_entries(client=client, coworker_id=coworker_id, business_id=business_id))


def ledger_recent_entries(*, client: NexudusClient, coworker_id: int, business_id: int) -> list[LedgerEntry]:
    """The customer's NEWEST_WINDOW newest entries at a business (one search): the latest balance, and the
    review's check for an amount just recorded already."""
    page = client.search_ledger_entries(
        LedgerEntryQuery(
            coworker_id=coworker_id,
            business_id=business_id,
            order_by="transaction_date",
            descending=True,
            size=NEWEST_WINDOW,
        )
    )
    return list(page.items)


def customer_chain(*, client: NexudusClient, coworker_id: int, business_id: int) -> ChainCheck:
    """The customer's chain at a business checked over their newest HISTORY_SIZE entries (one search)."""
    page = client.search_ledger_entries(
        LedgerEntryQuery(
            coworker_id=coworker_id,
            business_id=business_id,
            order_by="transaction_date",
            descending=True,
            size=HISTORY_SIZE,
        )
    )
    return check_chain(page.items, complete=page.total_items <= len(page.items))


@dataclass(frozen=True)
class EntryParties:
    """Who and what a new entry is about, as Nexudus knows them, and the balance before it."""

    business: Business
    coworker: Coworker
    invoice: Invoice | None
    balance_before: Decimal
    warnings: list[str] = field(default_factory=list)
    latest_entry: LedgerEntry | None = None  # the customer's newest entry at the business, when read
    recent_entries: tuple[LedgerEntry, ...] = ()  # their newest few, as read with it

    @property
    def currency_code(self) -> str | None:
        return self.business.currency_code


def entry_parties(
    *, client: NexudusClient, business_id: int, coworker_id: int, coworker_invoice_id: int | None
) -> EntryParties:
    """Look up the business, coworker and invoice an entry names; unknown ids raise a validation error
    on the field that named them, so they show exactly like Nexudus's own relation errors.

    The lookups and the customer's current balance at the business are read side by side (one round
    trip): a get-one answers with the id asked for, so the balance needs nothing from the others. When a
    lookup fails, the balance read is simply not used. Errors are raised in the order the sequential
    version met them: business, customer, invoice, then the balance.
    """
    calls: dict[str, Callable[[], Any]] = {
        "business": lambda: client.get_business(business_id),
        "coworker": lambda: client.get_coworker(coworker_id),
        "recent": lambda: ledger_recent_entries(client=client, coworker_id=coworker_id, business_id=business_id),
    }
    if coworker_invoice_id is not None:
        calls["invoice"] = lambda: client.get_invoice(coworker_invoice_id)
    outcomes = fan_out(calls, client=client)

    errors: list[FieldError] = []

    def lookup(name, record_id, field_name, noun):
        outcome = outcomes[name]
        if isinstance(outcome.error, NexudusNotFound):
            errors.append(FieldError(field=field_name, message=f"does not exist (no {noun} has id {record_id})"))
            return None
        return outcome.get()

    business = lookup("business", business_id, "business_id", "business")
    coworker = lookup("coworker", coworker_id, "coworker_id", "customer")
    invoice = None
    if coworker_invoice_id is not None:
        invoice = lookup("invoice", coworker_invoice_id, "coworker_invoice_id", "invoice")
    if errors:
        raise NexudusValidationError("Some of the records named do not exist in Nexudus.", errors=errors)
    assert business is not None and coworker is not None
    recent = outcomes["recent"].get()
    latest = _newest(recent)
    return EntryParties(
        business=business,
        coworker=coworker,
        invoice=invoice,
        balance_before=latest.balance if latest is not None else Decimal("0"),
        warnings=party_warnings(business, coworker, invoice),
        latest_entry=latest,
        recent_entries=tuple(recent),
    )


def party_warnings(business: Business, coworker: Coworker, invoice: Invoice | None) -> list[str]:
    """What the person should know before saving: an invoice of another customer or business."""
    warnings = []
    if invoice is not None:
        if invoice.coworker_id not in (None, coworker.id):
            warnings.append(
                f"Invoice {invoice.invoice_number or invoice.id} belongs to "
                f"{invoice.coworker_full_name or 'another customer'}, not {coworker.full_name}."
            )
        if invoice.business_id not in (None, business.id):
            warnings.append(
                f"Invoice {invoice.invoice_number or invoice.id} was raised by "
                f"{invoice.business_name or 'another business'}, not {business.name}."
            )
    return warnings


def with_current_balance(*, client: NexudusClient, parties: EntryParties) -> EntryParties:
    """`parties` as reviewed, with the customer's balance read again now (one upstream call)."""
    recent = ledger_recent_entries(client=client, coworker_id=parties.coworker.id, business_id=parties.business.id)
    latest = _newest(recent)
    return replace(
        parties,
        balance_before=latest.balance if latest else Decimal("0"),
        latest_entry=latest,
        recent_entries=tuple(recent),
    )


@dataclass(frozen=True)
class BusinessChoice:
    id: int
    name: str
    currency_code: str | None


@dataclass(frozen=True)
class CustomerLedger:
    """A customer's standing at one business, with recent history (oldest first) for the chart."""

    coworker: Coworker
    businesses: list[BusinessChoice]
    business: BusinessChoice | None
    balance: Decimal
    history: list[LedgerEntry]
    history_truncated: bool
    chain: ChainCheck  # whether the history adds up, entry by entry

    @property
    def currency_code(self) -> str | None:
        return self.business.currency_code if self.business else None


def _businesses_of(entries: list[LedgerEntry]) -> list[BusinessChoice]:
    seen: dict[int, BusinessChoice] = {}
    for entry in sorted(entries, key=chain_key, reverse=True):
        if entry.business_id is not None and entry.business_id not in seen:
            seen[entry.business_id] = BusinessChoice(
                id=entry.business_id,
                name=entry.business_name or f"Business {entry.business_id}",
                currency_code=entry.currency_code,
            )
    return list(seen.values())


def customer_ledger(
    *,
    client: NexudusClient,
    coworker_id: int,
    business_id: int | None = None,
    alongside: Callable[[], Any] | None = None,
) -> CustomerLedger:
    """The customer, the businesses they have recent entries at, the chosen one (asked for, else their
    invoicing business, else the one with the latest entry), its balance and up to HISTORY_SIZE entries.

    The customer and their recent entries are read side by side (one round trip), together with
    `alongside` when given: an independent read of the caller's (the page's table), whose outcome is the
    caller's to use (see `alongside_outcome`). Errors are raised in the old sequential order: the
    customer's first.
    """
    calls: dict[str, Callable[[], Any]] = {
        "coworker": lambda: client.get_coworker(coworker_id),
        "recent": lambda: client.search_ledger_entries(
            LedgerEntryQuery(coworker_id=coworker_id, order_by="transaction_date", descending=True, size=HISTORY_SIZE)
        ),
    }
    if alongside is not None:
        calls["alongside"] = alongside
    outcomes = fan_out(calls, client=client)
    coworker = outcomes["coworker"].get()
    recent = outcomes["recent"].get()
    businesses = _businesses_of(recent.items)
    by_id = {choice.id: choice for choice in businesses}

    chosen = by_id.get(business_id) if business_id is not None else None
    if chosen is None and business_id is not None:
        # Asked for a business without recent entries (or beyond the window): still show it.
        chosen = _business_choice(client, business_id)
        if chosen is not None:
            businesses.append(chosen)
    if chosen is None and coworker.invoicing_business_id in by_id:
        chosen = by_id[coworker.invoicing_business_id]
    if chosen is None and businesses:
        chosen = businesses[0]
    if chosen is None and coworker.invoicing_business_id is not None:
        chosen = BusinessChoice(
            id=coworker.invoicing_business_id,
            name=coworker.invoicing_business_name or f"Business {coworker.invoicing_business_id}",
            currency_code=None,
        )

    if chosen is None:
        history: list[LedgerEntry] = []
        truncated = False
    elif recent.total_items <= len(recent.items):
        # Every entry of the customer is already here: no second request.
        history = [e for e in recent.items if e.business_id == chosen.id]
        truncated = False
    else:
        at_business = client.search_ledger_entries(
            LedgerEntryQuery(
                coworker_id=coworker_id,
                business_id=chosen.id,
                order_by="transaction_date",
                descending=True,
                size=HISTORY_SIZE,
            )
        )
        history = at_business.items
        truncated = at_business.total_items > len(at_business.items)
    history = sorted(history, key=chain_key)
    balance = history[-1].balance if history else Decimal("0")
    if chosen is not None and chosen.currency_code is None and history:
        chosen = BusinessChoice(id=chosen.id, name=chosen.name, currency_code=history[-1].currency_code)
    return CustomerLedger(
        coworker=coworker,
        businesses=businesses,
        business=chosen,
        balance=balance,
        history=history,
        history_truncated=truncated,
        chain=check_chain(history, complete=not truncated),
    )


class PrefetchedSearch:
    """A search callable that answers one known query from a read made earlier (side by side with other
    reads, e.g. `customer_ledger(alongside=…)`), and any other query upstream as usual.

    The table asks for exactly `query` unless the person's sort or an out-of-range page changed it: then
    the prefetched answer is simply not used. A prefetch that failed re-raises its error when the table
    asks, so a failure costs no second request.
    """

    def __init__(self, search: Callable[[Any], Page], query: Any) -> None:
        self.search = search
        self.query = query
        self.outcome: Outcome | None = None

    def prefetch(self) -> Page:
        try:
            page = self.search(self.query)
        except Exception as error:
            self.outcome = Outcome(error=error)
            raise
        self.outcome = Outcome(value=page)
        return page

    def __call__(self, query: Any) -> Page:
        outcome, self.outcome = self.outcome, None
        if outcome is not None and query == self.query:
            return outcome.get()
        return self.search(query)


def _business_choice(client: NexudusClient, business_id: int) -> BusinessChoice | None:
    try:
        business = client.get_business(business_id)
    except NexudusNotFound:
        return None
    return BusinessChoice(
        id=business.id, name=business.name or f"Business {business.id}", currency_code=business.currency_code
    )


# --- pickers: names/numbers through the upstream search; a typed id is looked up directly ------------


def _as_id(text: str) -> int | None:
    return parse_id(text)


def _with_exact(getter, text: str, found: list) -> list:
    record_id = _as_id(text)
    if record_id is None or any(item.id == record_id for item in found):
        return found
    try:
        return [getter(record_id), *found]
    except NexudusNotFound:
        return found


def business_search(*, client: NexudusClient, text: str) -> list[Business]:
    text = text.strip()
    found = (
        []
        if _as_id(text)
        else client.search_businesses(BusinessQuery(name=text or None, size=PICKER_SIZE, order_by="name")).items
    )
    return _with_exact(client.get_business, text, found)


def coworker_search(*, client: NexudusClient, text: str) -> list[Coworker]:
    text = text.strip()
    found = (
        []
        if _as_id(text)
        else client.search_coworkers(CoworkerQuery(full_name=text, size=PICKER_SIZE, order_by="full_name")).items
    )
    return _with_exact(client.get_coworker, text, found)


def invoice_search(*, client: NexudusClient, text: str, coworker_id: int | None = None) -> list[Invoice]:
    """Invoices whose number contains `text` (the customer's own, when one is chosen), or the one with
    that id."""
    text = text.strip()
    found = client.search_invoices(
        InvoiceQuery(
            invoice_number=text or None, coworker_id=coworker_id, size=PICKER_SIZE, order_by="due_date", descending=True
        )
    ).items
    return _with_exact(client.get_invoice, text, found)


@dataclass(frozen=True)
class PartyLabels:
    """The names a prefilled entry form shows next to its ids (an id left out when it could not be read),
    and the ids an invoice alone implies (its customer and business)."""

    ids: dict[str, int]
    labels: dict[str, str]
    invoice: Invoice | None = None


def party_labels(
    *, client: NexudusClient, business_id: int | None, coworker_id: int | None, coworker_invoice_id: int | None
) -> PartyLabels:
    """Read the names of the records a link names, side by side. A failed read leaves that name out: a
    prefill is a convenience, and the review step reads every record again anyway."""
    calls: dict[str, Callable[[], Any]] = {}
    if coworker_invoice_id is not None:
        calls["invoice"] = lambda: client.get_invoice(coworker_invoice_id)
    if coworker_id is not None:
        calls["coworker"] = lambda: client.get_coworker(coworker_id)
    if business_id is not None:
        calls["business"] = lambda: client.get_business(business_id)
    outcomes = fan_out(calls, client=client) if calls else {}
    ids: dict[str, int] = {}
    labels: dict[str, str] = {}
    invoice = outcomes["invoice"].value if "invoice" in outcomes and outcomes["invoice"].ok else None
    if invoice is not None:
        ids["coworker_invoice_id"] = invoice.id
        labels["coworker_invoice_id"] = _invoice_label(invoice)
        if invoice.coworker_id is not None and coworker_id is None:
            ids["coworker_id"] = invoice.coworker_id
            labels["coworker_id"] = invoice.coworker_full_name or ""
        if invoice.business_id is not None and business_id is None:
            ids["business_id"] = invoice.business_id
            labels["business_id"] = invoice.business_name or ""
    if "coworker" in outcomes and outcomes["coworker"].ok:
        coworker = outcomes["coworker"].get()
        labels["coworker_id"] = coworker.full_name or ""
        if business_id is None and "business_id" not in ids and coworker.invoicing_business_id is not None:
            ids["business_id"] = coworker.invoicing_business_id
            labels["business_id"] = coworker.invoicing_business_name or ""
    if "business" in outcomes and outcomes["business"].ok:
        labels["business_id"] = outcomes["business"].get().name or ""
    return PartyLabels(ids=ids, labels={name: label for name, label in labels.items() if label}, invoice=invoice)


def _invoice_label(invoice: Invoice) -> str:
    return invoice.invoice_number or f"Invoice {invoice.id}"


def ledger_reversal_of(*, client: NexudusClient, original: LedgerEntry) -> LedgerEntry | None:
    """The entry that reverses `original`, if one exists (one search by ConnectedTransactionGuid)."""
    if original.unique_id is None or original.coworker_id is None:
        return None
    page = client.search_ledger_entries(
        LedgerEntryQuery(
            coworker_id=original.coworker_id,
            business_id=original.business_id,
            connected_transaction_guid=original.unique_id,
            size=NEWEST_WINDOW,
        )
    )
    return next((entry for entry in page.items if is_reversal_of(entry, original)), None)


def ledger_reversed_original(*, client: NexudusClient, entry: LedgerEntry) -> LedgerEntry | None:
    """The entry `entry` reverses, found among the customer's newest entries by its UniqueId (one search)."""
    if not entry.connected_transaction_guid or entry.coworker_id is None:
        return None
    page = client.search_ledger_entries(
        LedgerEntryQuery(
            coworker_id=entry.coworker_id,
            business_id=entry.business_id,
            order_by="transaction_date",
            descending=True,
            size=HISTORY_SIZE,
        )
    )
    return next((other for other in page.items if is_reversal_of(entry, other)), None)
