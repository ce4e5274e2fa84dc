"""An invoice's payment state in plain words: "Paid in full on 15 Jan 2025 by Stripe"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from dashboard.core.templatetags.billing import money
from dashboard.nexudus.records import Invoice, LedgerEntry, PaymentToken


@dataclass(frozen=True)
class Verdict:
    kind: str  # paid | part_paid | unpaid | overdue | refunded | void | draft | credit_note | nothing_due
    text: str


def day_words(moment: datetime | date) -> str:
    """'15 Jan 2025' in the dashboard's time zone."""
    day = timezone.localtime(moment).date() if isinstance(moment, datetime) else moment
    return f"{day.day} {day:%b %Y}"


def due_words(due: datetime | None, today: date) -> tuple[str, bool]:
    """('due in 3 days' | 'due today' | '12 days overdue' | '', overdue?)."""
    if due is None:
        return "", False
    days = (timezone.localtime(due).date() - today).days
    if days > 1:
        return f"due in {days} days", False
    if days == 1:
        return "due tomorrow", False
    if days == 0:
        return "due today", False
    return f"{-days} day{'s' if days != -1 else ''} overdue", True


def paid_by(entries: Sequence[LedgerEntry], tokens: Sequence[PaymentToken]) -> str | None:
    """How the invoice was paid: the gateway of its latest payment (a credit) in the ledger, else the
    provider of its latest payment token (known only once the full token records are read)."""
    payments = [e for e in entries if e.credit > 0 and e.payment_gateway is not None]
    if payments:
        latest = max(payments, key=lambda e: (e.transaction_date or e.created_on or timezone.now(), e.id))
        return latest.payment_gateway.label  # type: ignore[union-attr]
    with_provider = [t for t in tokens if t.provider is not None]
    if with_provider:
        return max(with_provider, key=lambda t: (t.created_on or timezone.now(), t.id)).provider.label  # type: ignore[union-attr]
    return None


def invoice_verdict(
    invoice: Invoice,
    entries: Sequence[LedgerEntry] = (),
    tokens: Sequence[PaymentToken] = (),
    *,
    today: date | None = None,
) -> Verdict:
    today = today or timezone.localdate()
    currency = invoice.currency_code
    if invoice.void:
        return Verdict("void", "Void: this invoice was cancelled, nothing is due")
    if invoice.draft:
        return Verdict("draft", "Draft: not issued yet, so nothing is due")
    if invoice.credit_note:
        return Verdict("credit_note", f"Credit note for {money(invoice.total_amount, currency)}")
    if invoice.refunded:
        when = f" on {day_words(invoice.refunded_on)}" if invoice.refunded_on else ""
        amount = invoice.refunded_amount or invoice.total_amount
        return Verdict("refunded", f"Refunded{when} ({money(amount, currency)})")
    if invoice.total_amount <= 0:
        return Verdict("nothing_due", f"Nothing to pay (total {money(invoice.total_amount, currency)})")
    if invoice.paid or invoice.paid_amount >= invoice.total_amount:
        when = f" on {day_words(invoice.paid_on)}" if invoice.paid_on else ""
        how = paid_by(entries, tokens)
        return Verdict("paid", f"Paid in full{when}{f' by {how}' if how else ''}")
    due, overdue = due_words(invoice.due_date, today)
    if invoice.paid_amount > Decimal("0"):
        text = f"Part paid: {money(invoice.outstanding, currency)} of {money(invoice.total_amount)} outstanding"
        return Verdict("part_paid", f"{text}, {due}" if due else text)
    return Verdict("overdue" if overdue else "unpaid", f"Unpaid, {due}" if due else "Unpaid")


@dataclass(frozen=True)
class TokenNote:
    """What one payment token on file means for the verdict, in words; `mismatch`: the invoice's payment
    came through a different gateway than this token's provider (worth checking)."""

    token_id: int
    text: str
    mismatch: bool = False


def _same_provider(gateway: object, provider: object) -> bool:
    return str(getattr(gateway, "label", gateway)).casefold() == str(getattr(provider, "label", provider)).casefold()


def token_notes(tokens: Sequence[PaymentToken], entries: Sequence[LedgerEntry]) -> list[TokenNote]:
    """Each token in words: a token is a way to take payment (a saved card or mandate), never a payment
    itself; only a ledger credit pays the invoice. Tokens whose provider is not known yet say so."""
    payments = [e for e in entries if e.credit > 0]
    notes = []
    for token in tokens:
        provider = token.provider.label if token.provider is not None else None
        when = f" on {day_words(token.created_on)}" if token.created_on else ""
        what = f"A {provider} token" if provider else "A payment token"
        if not payments:
            notes.append(
                TokenNote(
                    token.id, f"{what} was recorded{when}; no payment has been recorded against this invoice yet."
                )
            )
            continue
        if provider is None:
            notes.append(TokenNote(token.id, f"{what} was recorded{when}."))
            continue
        matching = [
            e for e in payments if e.payment_gateway is not None and _same_provider(e.payment_gateway, provider)
        ]
        if matching:
            paid = matching[-1]
            day = f" on {day_words(paid.transaction_date)}" if paid.transaction_date else ""
            notes.append(
                TokenNote(
                    token.id,
                    f"{what} was recorded{when}; a {provider} payment of "
                    f"{money(paid.credit, paid.currency_code)} was recorded{day}.",
                )
            )
            continue
        gateways = sorted({e.payment_gateway.label for e in payments if e.payment_gateway is not None})
        through = " and ".join(gateways) if gateways else "no gateway given"
        notes.append(
            TokenNote(
                token.id,
                f"{what} was recorded{when}, but the payments against this invoice came through {through}, not "
                f"{provider}: check which is right.",
                mismatch=True,
            )
        )
    return notes
