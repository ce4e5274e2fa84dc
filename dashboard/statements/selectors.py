"""Reads for statement imports: the invoices a statement is matched against, entries a key was written in,
an import's progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.queries import MAX_PAGE_SIZE, InvoiceQuery, LedgerEntryQuery, PaymentTokenQuery
from dashboard.nexudus.records import Invoice, LedgerEntry, PaymentToken

from .matching import InvoiceBook, number_key, reference_numbers
from .models import Posting, StatementImport, StatementLine

MAX_PAGES = 20  # 20,000 unpaid invoices: beyond that a statement import is not the tool
MAX_NUMBER_LOOKUPS = 200
RECENT_ENTRIES = 100
NO_WORKER_AFTER_SECONDS = 20


def unpaid_invoices(*, client: NexudusClient) -> list[Invoice]:
    """Every unpaid invoice (all pages of `Paid = false`), drafts and voids left out."""
    invoices: list[Invoice] = []
    for page_number in range(1, MAX_PAGES + 1):
        page = client.search_invoices(InvoiceQuery(paid=False, page=page_number, size=MAX_PAGE_SIZE))
        invoices.extend(i for i in page.items if not (i.draft or i.void or i.credit_note))
        if not page.has_next:
            break
    return invoices


def invoice_book(*, client: NexudusClient, references: list[str]) -> InvoiceBook:
    """The unpaid invoices, plus any invoice a reference names that is not among them (usually paid
    already), looked up by its number: text filters are "contains" in the sandbox; where Nexudus compares
    whole values, the number as written still finds it."""
    book = InvoiceBook(unpaid_invoices(client=client))
    prefixes = {key[0] for key in (number_key(i.invoice_number) for i in book.invoices) if key and key[0]}
    wanted: dict[int, str] = {}
    for reference in references:
        if book.named_in(reference):
            continue
        for written, value, zero_padded in reference_numbers(reference):
            if written in prefixes or zero_padded:
                wanted.setdefault(value, str(value))
    found: list[Invoice] = []
    for value, text in list(wanted.items())[:MAX_NUMBER_LOOKUPS]:
        page = client.search_invoices(InvoiceQuery(invoice_number=text, size=50))
        found.extend(i for i in page.items if (key := number_key(i.invoice_number)) and key[1] == value)
    if found:
        book.add(found)
    return book


def entry_with_key(*, client: NexudusClient, coworker_id: int, business_id: int, key: str) -> LedgerEntry | None:
    """The customer's ledger entry whose description holds `key`, if Nexudus has one: a description search
    first, then their newest entries read locally (in case Nexudus's text filter compares whole values)."""
    for query in (
        LedgerEntryQuery(coworker_id=coworker_id, business_id=business_id, description=key, size=10),
        LedgerEntryQuery(
            coworker_id=coworker_id,
            business_id=business_id,
            order_by="transaction_date",
            descending=True,
            size=RECENT_ENTRIES,
        ),
    ):
        for entry in client.search_ledger_entries(query).items:
            if f"[{key}]" in (entry.description or ""):
                return entry
    return None


def token_with_key(*, client: NexudusClient, invoice_id: int, key: str) -> PaymentToken | None:
    page = client.search_payment_tokens(PaymentTokenQuery(coworker_invoice_id=invoice_id, size=100))
    return next((t for t in page.items if t.token == key or f"[{key}]" in (t.notes or "")), None)


@dataclass(frozen=True)
class Progress:
    total: int  # lines to post
    done: int
    failed: int
    waiting: int
    skipped: int
    status: str
    seconds_left: float | None  # at the pace so far; None until there is a pace
    no_worker: bool = False  # queued a while ago and no worker has taken it

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100

    @property
    def time_left(self) -> str:
        if self.seconds_left is None:
            return "working out the pace…"
        minutes, seconds = divmod(round(self.seconds_left), 60)
        return f"about {minutes} min {seconds:02d} s" if minutes else f"about {seconds} s"


def import_progress(*, statement_import: StatementImport) -> Progress:
    counts = statement_import.lines.aggregate(
        total=Count("id", filter=Q(decision=StatementLine.Decision.POST)),
        done=Count("id", filter=Q(state=StatementLine.State.DONE)),
        failed=Count("id", filter=Q(state__in=[StatementLine.State.FAILED, StatementLine.State.UNKNOWN])),
        waiting=Count("id", filter=Q(state=StatementLine.State.WAITING)),
        skipped=Count("id", filter=Q(state=StatementLine.State.SKIPPED)),
    )
    seconds_left = None
    started = statement_import.posting_started_at
    finished = counts["done"] + counts["failed"]
    if started and finished and counts["waiting"]:
        elapsed = max((timezone.now() - started) / timedelta(seconds=1), 0.001)
        seconds_left = elapsed / finished * counts["waiting"]
    elif not counts["waiting"]:
        seconds_left = 0.0
    no_worker = bool(
        statement_import.status == StatementImport.Status.QUEUED
        and not statement_import.lease_owner
        and started
        and timezone.now() - started > timedelta(seconds=NO_WORKER_AFTER_SECONDS)
    )
    return Progress(seconds_left=seconds_left, status=statement_import.status, no_worker=no_worker, **counts)


def import_postings(*, statement_import: StatementImport):
    return Posting.objects.filter(line__statement_import=statement_import).select_related("line")


def earlier_fingerprints(*, fingerprints: list[str], excluding_import: int) -> set[str]:
    """Lines of earlier imports with the same date, amount and reference that were posted."""
    return set(
        StatementLine.objects.filter(fingerprint__in=fingerprints, state=StatementLine.State.DONE)
        .exclude(statement_import_id=excluding_import)
        .values_list("fingerprint", flat=True)
    )
