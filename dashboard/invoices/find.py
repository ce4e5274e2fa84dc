"""Quick find: one box for an invoice number, an invoice / ledger entry / payment token id, the last 4
characters of a payment token, a customer's name or email, or a business's name. Straight to the record
when exactly one thing matches.

What is searched (all at once, concurrently), and how matches rank:

1. A whole number from 1 to 2^31-1 (a leading "#" is allowed) is tried as an invoice id, a ledger entry
   id AND a payment token id: ids of different kinds can coincide, so all three are asked.
2. Any text of 3 characters or more is searched as part of an invoice number (case-insensitive). When an
   invoice number equals the text exactly, only exact matches count (pasting "INV-00042" goes straight to
   it even though "INV-000420" also contains it).
3. Text of exactly 4 characters (after dropping a mask like "••••" or "****") is searched as the end of a
   payment token; only tokens that END with it count.

2a. An invoice number typed without its leading zeros ("inv-1963", "1963") is a number: the digits are
   searched, and an invoice whose number is those digits (after any prefix and zeros) is an exact match.
   Typed zeros are taken literally ("INV-019" is the start of INV-01900 … INV-01999, listed in pages).
4. Text with a letter in it, 3 characters or more, is also searched as part of a customer's full name,
   a customer's email and a business's name (Coworker_FullName, Coworker_Email, Business_Name).

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
from django.utils.http import urlencode

from dashboard.core.params import parse_id
from dashboard.core.problems import UpstreamProblem, describe_upstream_error
from dashboard.core.templatetags.billing import money
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError, NexudusNotFound
from dashboard.nexudus.queries import BusinessQuery, CoworkerQuery, InvoiceQuery, PaymentTokenQuery
from dashboard.nexudus.records import Business, Coworker, Invoice, LedgerEntry, PaymentToken
from dashboard.runtime.pool import fan_out

from .verdict import day_words, invoice_verdict

NUMBER_MIN_LENGTH = 3
LAST_CHARS = 4
INVOICE_LIMIT = 20
TOKEN_SCAN = 100  # token search rows read to find the ones ending with the 4 characters
_MASK = re.compile(r"^[•*·.…\s]+")

NAME_LIMIT = 20
NUMBER_MAX_LENGTH = 30
# An invoice number as people say it: an optional prefix ("INV", "inv-"), then its digits.
_NUMBERISH = re.compile(r"^(?:([A-Za-z]+)[-\s]?)?(\d+)$")

KIND_LABELS = {
    "customer": "Customer",
    "business": "Business",
    "invoice": "Invoice",
    "ledger_entry": "Ledger entry",
    "payment_token": "Payment token",
}
KIND_PLURALS = {
    "customer": "Customers",
    "business": "Businesses",
    "invoice": "Invoices",
    "ledger_entry": "Ledger entries",
    "payment_token": "Payment tokens",
}
#: The order kinds are shown in, each a group of its own.
KIND_ORDER = ("customer", "business", "invoice", "ledger_entry", "payment_token")


@dataclass(frozen=True)
class Candidate:
    kind: str  # one of KIND_LABELS
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
    invoice_page: int = 1
    invoice_pages: int = 1  # the invoice-number matches come in pages of INVOICE_LIMIT

    @property
    def groups(self) -> list[tuple[str, list[Candidate]]]:
        """The candidates by kind, in KIND_ORDER, each kind once: (label, candidates)."""
        by_kind: dict[str, list[Candidate]] = {}
        for candidate in self.candidates:
            by_kind.setdefault(candidate.kind, []).append(candidate)
        return [
            (KIND_LABELS[kind] if len(by_kind[kind]) == 1 else KIND_PLURALS[kind], by_kind[kind])
            for kind in KIND_ORDER
            if kind in by_kind
        ]

    @property
    def only(self) -> Candidate | None:
        """The record to go straight to: exactly one match, and every search answered."""
        return self.candidates[0] if len(self.candidates) == 1 and not self.problems and not self.more else None


@dataclass(frozen=True)
class FindPlan:
    record_id: int | None
    number: str | None
    last_chars: str | None
    name: str | None = None  # searched as a customer's name or email, and a business's name
    # The invoice number as a number (prefix and zeros left out), when no zeros were typed: "1963".
    numeric: tuple[str | None, int] | None = None


def _numeric(text: str) -> tuple[str | None, int] | None:
    """("INV", 1963) for "inv-1963" / (None, 1963) for "1963"; None when zeros were typed or not a number."""
    match = _NUMBERISH.fullmatch(text)
    if match is None or match.group(2).startswith("0"):
        return None
    prefix = match.group(1)
    return (prefix.upper() if prefix else None, int(match.group(2)))


def plan(text: str) -> FindPlan:
    """Which searches `text` calls for (see the module docstring)."""
    text = text.strip()
    record_id = parse_id(text)
    numeric = _numeric(text) if len(text) >= NUMBER_MIN_LENGTH else None
    number = (str(numeric[1]) if numeric else text) if len(text) >= NUMBER_MIN_LENGTH else None
    tail = _MASK.sub("", text)
    last_chars = tail if len(tail) == LAST_CHARS and not tail.isspace() else None
    wordy = any(c.isalpha() for c in text) and _NUMBERISH.fullmatch(text) is None
    name = text if len(text) >= NUMBER_MIN_LENGTH and wordy else None
    return FindPlan(record_id=record_id, number=number, last_chars=last_chars, name=name, numeric=numeric)


def looks_like_invoice_number(text: str) -> bool:
    """A prefix of letters and then digits ("INV-01963", "inv 1963"): what an invoice number looks like."""
    match = _NUMBERISH.fullmatch(text.strip())
    return match is not None and match.group(1) is not None and len(text.strip()) <= NUMBER_MAX_LENGTH


def invoice_number_matches(invoice_number: str | None, text: str) -> bool:
    """Does `text` name `invoice_number` exactly: equal in any case, or the same number without zeros."""
    text = text.strip()
    numeric = _numeric(text)
    if (invoice_number or "").casefold() == text.casefold():
        return True
    return numeric is not None and _is_number(invoice_number, numeric)


def _is_number(invoice_number: str | None, numeric: tuple[str | None, int]) -> bool:
    """Is `invoice_number` ("INV-01963") the number `numeric` names (("INV", 1963) or (None, 1963))?"""
    match = _NUMBERISH.fullmatch((invoice_number or "").strip())
    if match is None:
        return False
    prefix, value = numeric
    return int(match.group(2)) == value and (prefix is None or (match.group(1) or "").upper() == prefix)


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


def _customer_candidate(coworker: Coworker, why: str) -> Candidate:
    parts = [coworker.email, coworker.invoicing_business_name or coworker.company_name]
    return _candidate(
        "customer",
        coworker.id,
        coworker.full_name or f"Customer {coworker.id} (no name given)",
        parts,
        why,
        reverse("ledger:customer", args=[coworker.id]),
    )


def _business_candidate(business: Business, why: str) -> Candidate:
    return _candidate(
        "business",
        business.id,
        business.name or f"Business {business.id} (no name given)",
        [business.country_name, business.currency_code],
        why,
        f"{reverse('ledger:list')}?{urlencode({'business': business.id})}",
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


def find_records(*, client: NexudusClient, text: str, page: int = 1) -> FindResult:
    """Every record `text` may name, searched concurrently. `text` must be validated (QuickFindForm).
    `page`: which page of invoice-number matches (the only kind that runs to hundreds)."""
    wanted = plan(text)
    calls: dict[str, Callable[[], Any]] = {}
    if wanted.record_id is not None:
        rid = wanted.record_id
        calls["invoice_id"] = lambda: _get_or_none(client.get_invoice, rid)
        calls["ledger_entry_id"] = lambda: _get_or_none(client.get_ledger_entry, rid)
        calls["payment_token_id"] = lambda: _get_or_none(client.get_payment_token, rid)
    if wanted.number is not None:
        calls["invoice_number"] = lambda: client.search_invoices(
            InvoiceQuery(invoice_number=wanted.number, size=INVOICE_LIMIT, page=page, order_by="invoice_number")
        )
    if wanted.last_chars is not None:
        calls["token_end"] = lambda: client.search_payment_tokens(
            PaymentTokenQuery(token=wanted.last_chars, size=TOKEN_SCAN, order_by="created_on", descending=True)
        )
    if wanted.name is not None:
        name = wanted.name
        calls["customer_name"] = lambda: client.search_coworkers(
            CoworkerQuery(full_name=name, size=NAME_LIMIT, order_by="full_name")
        )
        calls["customer_email"] = lambda: client.search_coworkers(
            CoworkerQuery(email=name, size=NAME_LIMIT, order_by="full_name")
        )
        calls["business_name"] = lambda: client.search_businesses(
            BusinessQuery(name=name, size=NAME_LIMIT, order_by="name")
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
    for key, why in (
        ("customer_name", f"Name contains “{wanted.name}”"),
        ("customer_email", f"Email contains “{wanted.name}”"),
    ):
        if values.get(key) is not None:
            found = values[key]
            more = more or found.total_items > len(found.items)
            candidates += [_customer_candidate(c, why) for c in found.items if ("customer", c.id) not in seen]
            seen |= {("customer", c.id) for c in found.items}
    if values.get("business_name") is not None:
        found = values["business_name"]
        more = more or found.total_items > len(found.items)
        why = f"Business name contains “{wanted.name}”"
        candidates += [_business_candidate(b, why) for b in found.items]

    invoice_page, invoice_pages = 1, 1
    if values.get("invoice_number") is not None:
        found = values["invoice_number"]
        exact = [i for i in found.items if invoice_number_matches(i.invoice_number, text)]
        matches = exact or found.items
        if not exact:
            invoice_page, invoice_pages = found.page, max(found.total_pages, 1)
        why = "Invoice number" if exact else f"Invoice number contains “{wanted.number}”"
        candidates += [_invoice_candidate(i, why) for i in matches if ("invoice", i.id) not in seen]
        seen |= {("invoice", i.id) for i in matches}

    if values.get("token_end") is not None:
        tokens = values["token_end"]
        end = (wanted.last_chars or "").casefold()
        ending = [t for t in tokens.items if (t.token or "").casefold().endswith(end)]
        more = more or tokens.total_items > len(tokens.items)
        why = f"Token ends with “{wanted.last_chars}”"
        candidates += [_token_candidate(t, why) for t in ending if ("payment_token", t.id) not in seen]

    return FindResult(
        text=text,
        candidates=candidates,
        problems=problems,
        more=more or invoice_pages > 1,
        invoice_page=invoice_page,
        invoice_pages=invoice_pages,
    )
