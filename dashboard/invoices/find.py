"""Quick find: one box for an invoice number, an invoice / ledger entry / payment token id, or the last
4 characters of a payment token. Straight to the record when exactly one thing matches.

What is searched (all at once, concurrently), and how matches rank:

1. A whole number from 1 to 2^31-1 (a leading "#" is allowed) is tried as an invoice id, a ledger entry
   id AND a payment token id: ids of different kinds can coincide, so all three are asked.
2. Any text of 3 characters or more is searched as part of an invoice number (case-insensitive). When an
   invoice number equals the text exactly, only exact matches count (pasting "INV-00042" goes straight to
   it even though "INV-000420" also contains it).
3. Text of exactly 4 characters (after dropping a mask like "••••" or "****") is searched as the end of a
   payment token; only tokens that END with it count.

Candidates are listed ids first (invoice, ledger entry, payment token), then invoice numbers, then
tokens. A search that failed upstream is reported and stops the automatic jump (the answer may be
incomplete).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from dashboard.core.params import parse_id
from dashboard.core.problems import UpstreamProblem, describe_upstream_error
from dashboard.core.templatetags.billing import money
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError, NexudusNotFound
from dashboard.nexudus.queries import InvoiceQuery, PaymentTokenQuery
from dashboard.nexudus.records import Invoice, LedgerEntry, PaymentToken
from dashboard.runtime.pool import fan_out

from .verdict import day_words, invoice_verdict

NUMBER_MIN_LENGTH = 3
LAST_CHARS = 4
INVOICE_LIMIT = 20
TOKEN_SCAN = 100  # token search rows read to find the ones ending with the 4 characters
_MASK = re.compile(r"^[•*·.…\s]+")

KIND_LABELS = {"invoice": "Invoice", "ledger_entry": "Ledger entry", "payment_token": "Payment token"}


@dataclass(frozen=True)
class Candidate:
    kind: str  # invoice | ledger_entry | payment_token
    id: int
    title: str
    detail: str
    why: str
    url: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class FindResult:
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    problems: list[UpstreamProblem] = field(default_factory=list)
    more: bool = False  # a search had more matches than are listed

    @property
    def only(self) -> Candidate | None:
        """The record to go straight to: exactly one match, and every search answered."""
        return self.candidates[0] if len(self.candidates) == 1 and not self.problems and not self.more else None


@dataclass(frozen=True)
class FindPlan:
    record_id: int | None
    number: str | None
    last_chars: str | None


def plan(text: str) -> FindPlan:
    """Which searches `text` calls for (see the module docstring)."""
    text = text.strip()
    record_id = parse_id(text)
    number = text if len(text) >= NUMBER_MIN_LENGTH else None
    tail = _MASK.sub("", text)
    last_chars = tail if len(tail) == LAST_CHARS and not tail.isspace() else None
    return FindPlan(record_id=record_id, number=number, last_chars=last_chars)


# --- candidates ----------------------------------------------------------------------------------


def _candidate(kind: str, record_id: int, title: str, parts: list[str | None], why: str, url: str) -> Candidate:
    return Candidate(kind=kind, id=record_id, title=title, detail=" · ".join(p for p in parts if p), why=why, url=url)


def _invoice_candidate(invoice: Invoice, why: str) -> Candidate:
    parts = [
        invoice.coworker_full_name or invoice.bill_to_name,
        invoice.business_name,
        money(invoice.total_amount, invoice.currency_code),
        invoice_verdict(invoice).text,
    ]
    return _candidate(
        "invoice",
        invoice.id,
        invoice.invoice_number or f"Invoice {invoice.id} (no number yet)",
        parts,
        why,
        reverse("invoices:invoice", args=[invoice.id]),
    )


def _entry_candidate(entry: LedgerEntry, why: str) -> Candidate:
    amount = (
        f"credit {money(entry.credit, entry.currency_code)}"
        if entry.credit
        else f"debit {money(entry.debit, entry.currency_code)}"
    )
    parts = [
        entry.coworker_full_name,
        entry.business_name,
        amount,
        day_words(entry.transaction_date) if entry.transaction_date else None,
    ]
    return _candidate(
        "ledger_entry",
        entry.id,
        entry.description or f"Ledger entry {entry.id}",
        parts,
        why,
        reverse("ledger:detail", args=[entry.id]),
    )


def _token_candidate(token: PaymentToken, why: str) -> Candidate:
    parts = [
        f"invoice {token.coworker_invoice_id}" if token.coworker_invoice_id else None,
        token.provider.label if token.provider else None,
        f"created {day_words(token.created_on)}" if token.created_on else None,
    ]
    return _candidate(
        "payment_token",
        token.id,
        f"Token {token.masked_token or '(empty)'}",
        parts,
        why,
        reverse("payment_tokens:detail", args=[token.id]),
    )


# --- searching -----------------------------------------------------------------------------------


def _get_or_none(getter: Callable[[int], Any], record_id: int) -> Any:
    try:
        return getter(record_id)
    except NexudusNotFound:
        return None


def find_records(*, client: NexudusClient, text: str) -> FindResult:
    """Every record `text` may name, searched concurrently. `text` must be validated (QuickFindForm)."""
    wanted = plan(text)
    calls: dict[str, Callable[[], Any]] = {}
    if wanted.record_id is not None:
        rid = wanted.record_id
        calls["invoice_id"] = lambda: _get_or_none(client.get_invoice, rid)
        calls["ledger_entry_id"] = lambda: _get_or_none(client.get_ledger_entry, rid)
        calls["payment_token_id"] = lambda: _get_or_none(client.get_payment_token, rid)
    if wanted.number is not None:
        calls["invoice_number"] = lambda: client.search_invoices(
            InvoiceQuery(invoice_number=wanted.number, size=INVOICE_LIMIT, order_by="invoice_number")
        )
    if wanted.last_chars is not None:
        calls["token_end"] = lambda: client.search_payment_tokens(
            PaymentTokenQuery(token=wanted.last_chars, size=TOKEN_SCAN, order_by="created_on", descending=True)
        )
    outcomes = fan_out(calls, client=client)

    candidates: list[Candidate] = []
    problems: list[UpstreamProblem] = []
    more = False
    for outcome in outcomes.values():
        if outcome.error is not None:
            if isinstance(outcome.error, NexudusAuthExpired) or not isinstance(outcome.error, NexudusError):
                raise outcome.error
            problems.append(describe_upstream_error(outcome.error))
    values: dict[str, Any] = {name: outcome.value for name, outcome in outcomes.items() if outcome.ok}

    shown_id = wanted.record_id
    if values.get("invoice_id"):
        candidates.append(_invoice_candidate(values["invoice_id"], f"Invoice id {shown_id}"))
    if values.get("ledger_entry_id"):
        candidates.append(_entry_candidate(values["ledger_entry_id"], f"Ledger entry id {shown_id}"))
    if values.get("payment_token_id"):
        candidates.append(_token_candidate(values["payment_token_id"], f"Payment token id {shown_id}"))

    seen = {(c.kind, c.id) for c in candidates}
    if values.get("invoice_number") is not None:
        page = values["invoice_number"]
        exact = [i for i in page.items if (i.invoice_number or "").casefold() == (wanted.number or "").casefold()]
        matches = exact or page.items
        more = more or (not exact and page.total_items > len(page.items))
        why = "Invoice number" if exact else f"Invoice number contains “{wanted.number}”"
        candidates += [_invoice_candidate(i, why) for i in matches if ("invoice", i.id) not in seen]
        seen |= {("invoice", i.id) for i in matches}

    if values.get("token_end") is not None:
        page = values["token_end"]
        end = (wanted.last_chars or "").casefold()
        ending = [t for t in page.items if (t.token or "").casefold().endswith(end)]
        more = more or page.total_items > len(page.items)
        why = f"Token ends with “{wanted.last_chars}”"
        candidates += [_token_candidate(t, why) for t in ending if ("payment_token", t.id) not in seen]

    return FindResult(text=text, candidates=candidates, problems=problems, more=more)
