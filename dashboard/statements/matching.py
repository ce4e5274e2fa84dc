"""Matching a statement line to open invoices, with a verdict in words. Pure: the invoices come in a book.

First the invoice number anywhere in the reference (any case, with or without its prefix or leading zeros);
otherwise the amount and the payer's name against customers with an unpaid invoice of that amount.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from dashboard.nexudus.records import Invoice

ZERO = Decimal("0")
# Words that may stand before an invoice number in a bank reference instead of its own prefix.
_INVOICE_WORDS = {"inv", "invoice", "invoices", "rechnung", "re", "rg", "facture", "fact", "factura", "fattura"}
_NUMBER_WORDS = _INVOICE_WORDS | {"no", "nr", "nummer", "num", "number", "ref", "reference"}
_HONORIFICS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "mx",
    "herr",
    "frau",
    "mme",
    "m",
    "ltd",
    "limited",
    "gmbh",
    "plc",
    "inc",
    "llc",
    "sa",
    "sas",
    "sarl",
    "bv",
    "ag",
    "co",
    "the",
    "and",
    "und",
}
MAX_CANDIDATES = 8


class Verdict(StrEnum):
    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    ALREADY_PAID = "already paid"
    OVERPAID = "overpaid"
    NO_MATCH = "no match"
    NOT_A_PAYMENT = "not a payment"  # money out, or zero
    ALREADY_RECORDED = "already recorded"  # by an earlier import of the same statement

    @property
    def accepted_by_default(self) -> bool:
        return self is Verdict.MATCHED


@dataclass(frozen=True)
class Allocation:
    """Part of a line's amount credited to one invoice (or, with no invoice, to the customer's account)."""

    coworker_id: int
    business_id: int
    amount: Decimal
    invoice: Invoice | None = None


@dataclass(frozen=True)
class Match:
    verdict: Verdict
    explanation: str
    allocations: tuple[Allocation, ...] = ()
    candidates: tuple[Invoice, ...] = ()


def outstanding(invoice: Invoice) -> Decimal:
    return max(invoice.total_amount - invoice.paid_amount, ZERO)


def fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


def number_key(invoice_number: str | None) -> tuple[str, int] | None:
    """('inv', 1963) for 'INV-01963': letters before the last digit run, and that run's value."""
    match = re.search(r"([a-z]*)\s*(\d+)\s*$", fold(invoice_number or ""))
    return (match.group(1), int(match.group(2))) if match else None


def reference_numbers(reference: str) -> list[tuple[str, int, bool]]:
    """Every (letters before, value, had leading zeros) digit run of a reference, in order."""
    found = []
    for match in re.finditer(r"(?:([a-z]+)\s*)?(\d+)", fold(reference)):
        digits = match.group(2)
        found.append((match.group(1) or "", int(digits), len(digits) > 1 and digits.startswith("0")))
    return found


def _prefix_fits(written: str, prefix: str) -> bool:
    if not written:
        return True
    if written in _NUMBER_WORDS:
        return True
    return bool(prefix) and (written.startswith(prefix) or prefix.startswith(written))


def _name_tokens(text: str | None) -> list[str]:
    return [t for t in fold(text or "").split() if t not in _HONORIFICS]


def name_agrees(payer: str, *names: str | None) -> bool:
    """Whether a bank's payer name ('MR H AHMED', 'AHMED HARRY', 'Harry Ahmed Ltd') is one of `names`:
    the surname present and the first name or its initial present (or a company's every word)."""
    payer_tokens = set(_name_tokens(payer))
    if not payer_tokens:
        return False
    for name in names:
        tokens = _name_tokens(name)
        if not tokens:
            continue
        if len(tokens) == 1:
            if tokens[0] in payer_tokens:
                return True
            continue
        first, last = tokens[0], tokens[-1]
        if last in payer_tokens and (first in payer_tokens or first[0] in payer_tokens):
            return True
        if set(tokens) <= payer_tokens:
            return True
    return False


@dataclass
class InvoiceBook:
    """The invoices a statement is matched against: every open one, and paid ones its references named."""

    invoices: list[Invoice] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_value: dict[int, list[Invoice]] = defaultdict(list)
        self._by_amount: dict[Decimal, list[Invoice]] = defaultdict(list)
        seen: set[int] = set()
        for invoice in self.invoices:
            if invoice.id in seen or invoice.draft or invoice.void or invoice.credit_note:
                continue
            seen.add(invoice.id)
            key = number_key(invoice.invoice_number)
            if key is not None:
                self._by_value[key[1]].append(invoice)
            if not invoice.paid and outstanding(invoice) > ZERO:
                self._by_amount[outstanding(invoice)].append(invoice)

    def add(self, invoices: Iterable[Invoice]) -> None:
        self.invoices = [*self.invoices, *invoices]
        self.__post_init__()

    def named_in(self, reference: str) -> list[Invoice]:
        """The invoices whose number the reference holds, in the order written, each once."""
        found: list[Invoice] = []
        for written, value, zero_padded in reference_numbers(reference):
            own_prefix = any(
                (k := number_key(i.invoice_number)) and k[0] == written for i in self._by_value.get(value, [])
            )
            if value < 100 and not zero_padded and written not in _INVOICE_WORDS and not (written and own_prefix):
                continue  # a bare "10" is more often days, a quantity or a date part than an invoice
            for invoice in self._by_value.get(value, []):
                key = number_key(invoice.invoice_number)
                if key and _prefix_fits(written, key[0]) and invoice not in found:
                    found.append(invoice)
        return found

    def with_amount(self, amount: Decimal, currency_code: str | None = None) -> list[Invoice]:
        return [i for i in self._by_amount.get(amount, []) if not currency_code or i.currency_code == currency_code]

    def open_for_payer(self, payer: str, currency_code: str | None = None) -> list[Invoice]:
        return [
            i
            for items in self._by_amount.values()
            for i in items
            if (not currency_code or i.currency_code == currency_code)
            and name_agrees(payer, i.coworker_full_name, i.bill_to_name)
        ]


def _money(amount: Decimal, invoice: Invoice | None = None) -> str:
    code = invoice.currency_code if invoice is not None and invoice.currency_code else ""
    return f"{code} {amount:,.2f}".strip()


def _label(invoice: Invoice) -> str:
    return invoice.invoice_number or f"invoice {invoice.id}"


def allocate(amount: Decimal, invoices: list[Invoice]) -> Match:
    """`amount` spread over `invoices` in order, each up to what it still owes. More than they owe: overpaid
    (the excess as a credit on the last customer's account); a paid invoice takes nothing."""
    open_ones = [i for i in invoices if not i.paid and outstanding(i) > ZERO]
    if not open_ones:
        names = ", ".join(_label(i) for i in invoices)
        return Match(
            Verdict.ALREADY_PAID,
            f"{names} {'is' if len(invoices) == 1 else 'are'} already paid.",
            candidates=tuple(invoices),
        )
    remaining = amount
    allocations: list[Allocation] = []
    for invoice in open_ones:
        if remaining <= ZERO:
            break
        part = min(remaining, outstanding(invoice))
        allocations.append(Allocation(invoice.coworker_id or 0, invoice.business_id or 0, part, invoice))
        remaining -= part
    owed = sum((outstanding(i) for i in open_ones), ZERO)
    skipped = [i for i in invoices if i not in open_ones]
    also = f" ({', '.join(_label(i) for i in skipped)} already paid)" if skipped else ""
    labels = ", ".join(_label(i) for i in open_ones)
    if remaining > ZERO:
        last = open_ones[-1]
        allocations.append(Allocation(last.coworker_id or 0, last.business_id or 0, remaining, None))
        return Match(
            Verdict.OVERPAID,
            f"Pays {labels} in full and {_money(remaining, last)} more than owed{also}: the excess would "
            f"be credited to the customer's account.",
            tuple(allocations),
            tuple(invoices),
        )
    if amount < owed:
        what = f"Part payment: {_money(amount, open_ones[0])} of {_money(owed, open_ones[0])} owed on {labels}{also}."
    else:
        what = f"Pays {labels} in full{also}."
    return Match(Verdict.MATCHED, what, tuple(allocations), tuple(invoices))


def match_line(
    *, amount: Decimal, reference: str, payer: str, book: InvoiceBook, currency_code: str | None = None
) -> Match:
    """The verdict for one statement line (not knowing earlier imports: the caller checks those)."""
    if amount <= ZERO:
        return Match(Verdict.NOT_A_PAYMENT, "Money out (or zero): not a payment received.")
    named = book.named_in(reference)
    if currency_code:
        named = [i for i in named if i.currency_code in (None, currency_code)]
    if named:
        customers = {i.coworker_id for i in named if not i.paid}
        if len(customers) > 1 and not any(name_agrees(payer, i.coworker_full_name, i.bill_to_name) for i in named):
            return Match(
                Verdict.AMBIGUOUS,
                "The reference names invoices of different customers: choose one.",
                candidates=tuple(named[:MAX_CANDIDATES]),
            )
        return allocate(amount, named)
    same_amount = book.with_amount(amount, currency_code)
    by_name = [i for i in same_amount if name_agrees(payer, i.coworker_full_name, i.bill_to_name)]
    if len(by_name) == 1:
        match = allocate(amount, by_name)
        return Match(
            match.verdict,
            f"No invoice number in the reference; amount and payer name agree. {match.explanation}",
            match.allocations,
            match.candidates,
        )
    if len(by_name) > 1:
        return Match(
            Verdict.AMBIGUOUS,
            f"{len(by_name)} unpaid invoices of this payer are of this amount: choose one.",
            candidates=tuple(by_name[:MAX_CANDIDATES]),
        )
    payer_open = book.open_for_payer(payer, currency_code) if payer else []
    if payer_open:
        return Match(
            Verdict.NO_MATCH,
            "No invoice number in the reference and no unpaid invoice of this amount for "
            "this payer; their unpaid invoices are listed.",
            candidates=tuple(payer_open[:MAX_CANDIDATES]),
        )
    if same_amount:
        return Match(
            Verdict.NO_MATCH,
            "No invoice number in the reference and the payer's name matches no customer; "
            "unpaid invoices of this amount are listed.",
            candidates=tuple(same_amount[:MAX_CANDIDATES]),
        )
    return Match(Verdict.NO_MATCH, "No invoice number in the reference and no unpaid invoice of this amount.")
