"""Does a customer's ledger add up? Each entry's balance = the one before + debit - credit, per business.

Pure functions over `LedgerEntry` records, in the order Nexudus chains them (transaction date, then id).
Used wherever a ledger is shown, so the dashboard never vouches for a balance its entries contradict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.utils import timezone

from dashboard.core.templatetags.billing import round_money
from dashboard.nexudus.records import LedgerEntry

from .wording import balance_in_words, balance_state

_EPOCH = datetime.min.replace(tzinfo=UTC)


def chain_key(entry: LedgerEntry) -> tuple[datetime, int]:
    """The order Nexudus chains running balances in: transaction date, then id (same-moment entries)."""
    return (entry.transaction_date or entry.created_on or _EPOCH, entry.id)


@dataclass(frozen=True)
class ChainBreak:
    """An entry whose balance does not follow from the one before it."""

    entry: LedgerEntry
    expected: Decimal  # the balance before it + its debit - its credit
    shown: Decimal  # the balance Nexudus has on it


@dataclass(frozen=True)
class ChainCheck:
    """One customer's chain at one business, as far as the entries given reach."""

    business_id: int | None
    currency_code: str | None
    entries: tuple[LedgerEntry, ...]  # chain order, oldest first
    breaks: tuple[ChainBreak, ...]
    opening: Decimal  # the balance before the first entry given (0 when it is the customer's first)
    complete: bool  # the entries start at the customer's first entry

    @property
    def adds_up(self) -> bool:
        return not self.breaks

    @property
    def nexudus_balance(self) -> Decimal:
        """Nexudus's own figure: the balance on the last entry."""
        return self.entries[-1].balance if self.entries else self.opening

    @property
    def entries_balance(self) -> Decimal:
        """What the entries add up to: the opening balance plus every debit, minus every credit."""
        return self.opening + sum((e.debit - e.credit for e in self.entries), Decimal("0"))


def _rounded(amount: Decimal, currency_code: str | None) -> Decimal:
    """Compared at the currency's places: a wire value such as 95.000000001 is still 95.00."""
    return round_money(amount, currency_code)


def check_chain(entries: Iterable[LedgerEntry], *, complete: bool = True) -> ChainCheck:
    """Check one chain (one customer at one business). `complete`: the entries start at the customer's very
    first one, so the balance before them is 0; otherwise (a window of the newest) the first entry's own
    balance is taken as the starting point and only the links after it are checked."""
    ordered = tuple(sorted(entries, key=chain_key))
    currency = next((e.currency_code for e in ordered if e.currency_code), None)
    if not ordered:
        return ChainCheck(None, currency, (), (), Decimal("0"), complete)
    first = ordered[0]
    opening = Decimal("0") if complete else first.balance - first.debit + first.credit
    breaks, previous = [], opening
    for entry in ordered:
        expected = previous + entry.debit - entry.credit
        if _rounded(expected, currency) != _rounded(entry.balance, currency):
            breaks.append(ChainBreak(entry=entry, expected=expected, shown=entry.balance))
        previous = entry.balance  # each link on its own: one break is reported once, not on every later entry
    return ChainCheck(first.business_id, currency, ordered, tuple(breaks), opening, complete)


ChainId = tuple[int | None, int | None]  # (customer, business)


def check_chains(entries: Iterable[LedgerEntry], *, complete: bool = True) -> dict[ChainId, ChainCheck]:
    """Each (customer, business) chain among `entries` checked on its own."""
    chains: dict[ChainId, list[LedgerEntry]] = {}
    for entry in entries:
        chains.setdefault((entry.coworker_id, entry.business_id), []).append(entry)
    return {key: check_chain(group, complete=complete) for key, group in chains.items()}


# --- in words ----------------------------------------------------------------------------------------


def _day(moment: datetime | None) -> str:
    if moment is None:
        return "no date"
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b}" + (f" {local.year}" if local.year != timezone.localdate().year else "")


def break_words(found: ChainBreak, currency_code: str | None) -> str:
    """'Balances stop adding up at entry 1019987 (26 Nov): expected GBP 120.00 owed, Nexudus shows GBP 95.00 owed'."""
    entry = found.entry
    return (
        f"Balances stop adding up at entry {entry.id} ({_day(entry.transaction_date or entry.created_on)}): "
        f"expected {balance_state(found.expected, currency_code)}, "
        f"Nexudus shows {balance_state(found.shown, currency_code)}"
    )


def chain_warning(check: ChainCheck) -> str:
    """The first break in words, and how many more there are; '' when the chain adds up."""
    if check.adds_up:
        return ""
    text = break_words(check.breaks[0], check.currency_code)
    more = len(check.breaks) - 1
    if more:
        text += f" (and {more} more entr{'y' if more == 1 else 'ies'} after it)"
    return f"{text}."


def owes_words(check: ChainCheck) -> str:
    """What the customer owes by their entries ('owes GBP 120.00'), with Nexudus's figure beside it when
    the two differ ('owes GBP 120.00 by the entries; Nexudus shows GBP 95.00 owed')."""
    by_entries = balance_in_words(check.entries_balance, check.currency_code)
    if _rounded(check.entries_balance, check.currency_code) == _rounded(check.nexudus_balance, check.currency_code):
        return by_entries
    return f"{by_entries} by the entries; Nexudus shows {balance_state(check.nexudus_balance, check.currency_code)}"


class ChainFollower:
    """The chain check one entry at a time, for a stream in chain order (a CSV export, oldest first): each
    entry is checked against the one before it of the same customer and business. O(1) memory per chain."""

    def __init__(self) -> None:
        self._previous: dict[ChainId, Decimal] = {}

    def check(self, entry: LedgerEntry) -> str:
        """'adds up', or 'expected GBP 120.00 owed, Nexudus shows GBP 95.00 owed'."""
        key = (entry.coworker_id, entry.business_id)
        expected = self._previous.get(key, Decimal("0")) + entry.debit - entry.credit
        self._previous[key] = entry.balance
        if _rounded(expected, entry.currency_code) == _rounded(entry.balance, entry.currency_code):
            return "adds up"
        return (
            f"expected {balance_state(expected, entry.currency_code)}, "
            f"Nexudus shows {balance_state(entry.balance, entry.currency_code)}"
        )
