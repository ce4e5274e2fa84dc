"""Writes for the ledger: creating a CoworkerLedgerEntry."""

from __future__ import annotations

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.queries import LedgerEntryDraft
from dashboard.nexudus.records import WriteResult


def ledger_entry_create(*, client: NexudusClient, draft: LedgerEntryDraft) -> WriteResult:
    """Send one create. Never retried here: a write whose outcome is unknown is reported, not repeated."""
    return client.create_ledger_entry(draft)
