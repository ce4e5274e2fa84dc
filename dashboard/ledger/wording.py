"""Balances and ledger entries in words, and the currency places checked before anything reaches Nexudus.

Money formatting and currency places come from core (`billing.money`, `billing.currency_places`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from dashboard.core.problems import UpstreamProblem
from dashboard.core.templatetags.billing import currency_places as currency_places  # used by .forms
from dashboard.core.templatetags.billing import money as format_money
from dashboard.core.templatetags.billing import round_money

# The most places any ISO 4217 currency in core's table uses (BHD, KWD...): finer is wrong everywhere.
MAX_PLACES = 3


def decimal_places(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def balance_in_words(balance: Decimal | None, currency_code: str | None) -> str:
    """Nexudus's sign convention in words: positive = the customer owes, negative = in credit."""
    if balance is None:
        return "unknown"
    rounded = round_money(balance, currency_code)
    if rounded > 0:
        return f"owes {format_money(rounded, currency_code)}"
    if rounded < 0:
        return f"in credit {format_money(-rounded, currency_code)}"
    return "settled"


def balance_state(balance: Decimal | None, currency_code: str | None) -> str:
    """The same, as a state: 'GBP 120.00 owed' / 'GBP 15.00 in credit' / 'settled'."""
    words = balance_in_words(balance, currency_code)
    if words.startswith("owes "):
        return f"{words[5:]} owed"
    if words.startswith("in credit "):
        return f"{words[10:]} in credit"
    return words


def entry_summary(
    *,
    debit: Decimal,
    credit: Decimal,
    currency_code: str | None,
    customer: str,
    business: str,
    invoice_number: str | None,
    balance_before: Decimal,
) -> str:
    """'Credit GBP 120.00 to Jane Doe at Main St, linked to invoice INV-0042; balance goes from
    GBP 120.00 owed to settled.'"""
    moves = []
    if debit:
        moves.append(f"debit {format_money(debit, currency_code)}")
    if credit:
        moves.append(f"credit {format_money(credit, currency_code)}")
    text = " and ".join(moves) or "nothing"
    text = f"{text[0].upper()}{text[1:]} to {customer} at {business}"
    if invoice_number:
        text += f", linked to invoice {invoice_number}"
    after = balance_before + debit - credit
    return (
        f"{text}; balance goes from {balance_state(balance_before, currency_code)} "
        f"to {balance_state(after, currency_code)}."
    )


def balance_moved_note(moved, currency_code: str | None) -> str:
    """Why a save stopped: the balance the review showed is no longer the customer's latest."""
    return (
        "Nothing was saved: the customer's balance changed since you reviewed this entry (someone else saved "
        f"an entry for them). It was {balance_state(moved.reviewed, currency_code)}, it is now "
        f"{balance_state(moved.current, currency_code)}. Check the new figures below, then save again."
    )


def ledger_busy_problem() -> UpstreamProblem:
    """The refusal when another writer holds the customer's ledger for longer than we wait."""
    return UpstreamProblem(
        kind="ledger_busy",
        title="Someone else is writing to this customer's ledger right now; nothing was saved — try again",
        explanation="Another entry for this customer is being saved at this moment. Billing Desk writes one "
        "entry at a time per customer, so every balance builds on the one before it.",
        next_step="Your entry is kept below: save it again in a few seconds.",
        can_retry=False,
    )


def back_dated_warning(transaction_date, latest) -> str:
    """An entry dated before the customer's newest one lands inside the chain, not at its end: a Nexudus
    that keeps balances as sent would leave every later balance as it is, and the ledger would stop adding up."""
    newest = latest.transaction_date if latest is not None else None
    if transaction_date is None or newest is None or transaction_date >= newest:
        return ""
    return (
        f"This entry is dated before the customer's newest entry ({newest:%d %b %Y}). Its balance is worked out "
        "from their latest balance, and the entries after it keep theirs: if Nexudus stores balances as sent, "
        "this customer's ledger will stop adding up here. Leave the date empty to record it now."
    )


DUPLICATE_DAYS = 3  # an entry of the same amount for the same customer this recent may be the same one


def amount_warnings(
    *,
    debit: Decimal,
    credit: Decimal,
    currency_code: str | None,
    balance_before: Decimal,
    invoice: Any | None,
    recent_entries: Iterable[Any],
    now: datetime,
) -> list[str]:
    """What the review should point out about the amounts before anything is saved: an invoice already
    paid, a credit larger than what is outstanding (on the invoice, or overall), and the same amount
    recorded for this customer in the last few days (a possible duplicate)."""
    warnings = []
    if invoice is not None:
        number = invoice.invoice_number or str(invoice.id)
        if invoice.paid and credit:
            warnings.append(f"Invoice {number} is already paid: check this credit is not a second payment.")
        elif credit > invoice.outstanding:
            warnings.append(
                f"The credit of {format_money(credit, currency_code)} is more than the "
                f"{format_money(invoice.outstanding, invoice.currency_code or currency_code)} outstanding on "
                f"invoice {number}."
            )
    elif credit and credit > max(balance_before, Decimal("0")):
        warnings.append(
            f"The credit of {format_money(credit, currency_code)} is more than the customer owes "
            f"({balance_in_words(balance_before, currency_code)}): they will be in credit afterwards."
        )
    since = now - timedelta(days=DUPLICATE_DAYS)
    for entry in recent_entries:
        when = entry.created_on or entry.transaction_date
        if when is None or when < since:
            continue
        if (debit, credit) == (entry.debit, entry.credit):
            amount = format_money(credit or debit, currency_code)
            warnings.append(
                f"The same amount ({amount} {'credit' if credit else 'debit'}) was recorded for this customer "
                f"on {timezone.localtime(when):%d %b %Y at %H:%M} (entry {entry.id}, “{entry.description}”): "
                "is this a duplicate?"
            )
            break
    return warnings
