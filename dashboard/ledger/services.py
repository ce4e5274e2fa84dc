"""Writes for the ledger: creating a CoworkerLedgerEntry, one writer per customer ledger at a time.

Nexudus may keep an entry's `Balance` exactly as sent (live captures; see issue 16), so the dashboard
decides the running balance it writes. Inside the ledger's lock, held by every instance: read the latest
entry again, stop if its balance is not the one the person reviewed, post previous + debit - credit, read
the entry back. Two writers can then never both build on the same "latest" balance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError
from dashboard.nexudus.queries import LedgerEntryDraft
from dashboard.nexudus.records import LedgerEntry
from dashboard.runtime.locks import LockBusy, exclusive

from .selectors import ledger_latest_entry, ledger_reversal_of

logger = logging.getLogger(__name__)


class LedgerBusy(Exception):
    """Someone else held this customer's ledger for longer than we wait: nothing was written."""

    message = "Someone else is writing to this customer's ledger right now; nothing was saved — try again."

    def __init__(self) -> None:
        super().__init__(self.message)


class AlreadyReversed(Exception):
    """The entry being reversed has a reversal already (found inside the lock): nothing was written."""

    def __init__(self, reversal: LedgerEntry) -> None:
        super().__init__(f"Entry already reversed by entry {reversal.id}.")
        self.reversal = reversal


class BalanceMoved(Exception):
    """The latest balance is not the one the person reviewed: nothing was written, they must see it."""

    def __init__(self, *, reviewed: Decimal, current: Decimal, latest: LedgerEntry | None) -> None:
        super().__init__(f"The balance moved from {reviewed} to {current} since the review.")
        self.reviewed = reviewed
        self.current = current
        self.latest = latest


@dataclass(frozen=True)
class LedgerWrite:
    """A saved entry: the create answer's id and message (as `WriteResult`), the balance it was built on
    and the one sent, and the entry as read back (None when that read failed: the entry is saved anyway)."""

    id: int | None
    message: str
    balance_before: Decimal
    balance_sent: Decimal
    entry: LedgerEntry | None = None


def ledger_lock_name(*, coworker_id: int, business_id: int) -> str:
    return f"ledger-{coworker_id}-{business_id}"


def ledger_entry_create(
    *, client: NexudusClient, draft: LedgerEntryDraft, balance_reviewed: Decimal, reverses: LedgerEntry | None = None
) -> LedgerWrite:
    """Write `draft` on top of the customer's latest balance, which must still be `balance_reviewed`.

    Raises LedgerBusy (lock not had in time), BalanceMoved (the balance changed since the review) or, for
    the reversal of `reverses`, AlreadyReversed (another reversal exists, checked inside the same lock, so
    two reversals can never both be written): in each case nothing was sent. Never retried here: a write
    whose outcome is unknown is reported, not repeated (NexudusWriteOutcomeUnknown propagates).
    """
    name = ledger_lock_name(coworker_id=draft.coworker_id, business_id=draft.business_id)
    try:
        with exclusive(name, timeout=settings.LEDGER_WRITE_LOCK_TIMEOUT):
            if reverses is not None and (existing := ledger_reversal_of(client=client, original=reverses)):
                raise AlreadyReversed(existing)
            latest = ledger_latest_entry(client=client, coworker_id=draft.coworker_id, business_id=draft.business_id)
            before = latest.balance if latest is not None else Decimal("0")
            if before != balance_reviewed:
                raise BalanceMoved(reviewed=balance_reviewed, current=before, latest=latest)
            sent = replace(draft, expected_balance=before + draft.debit - draft.credit)
            result = client.create_ledger_entry(sent)
            entry = _read_back(client, result.id)
    except LockBusy as busy:
        raise LedgerBusy() from busy
    return LedgerWrite(
        id=result.id, message=result.message, balance_before=before, balance_sent=sent.expected_balance, entry=entry
    )


def _read_back(client: NexudusClient, entry_id: int | None) -> LedgerEntry | None:
    """The saved entry as Nexudus keeps it, read while the lock is still held (so it is the chain's last).
    A failed read must not turn a saved entry into a failure, which would release its one-time key."""
    if entry_id is None:
        return None
    try:
        return client.get_ledger_entry(entry_id)
    except NexudusAuthExpired:
        return None
    except NexudusError:
        logger.warning("Saved ledger entry %s could not be read back.", entry_id, exc_info=True)
        return None
