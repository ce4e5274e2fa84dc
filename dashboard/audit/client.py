"""`AuditedClient`: the Nexudus client, with every create/update/delete recorded in the audit trail.

Reads pass straight through. A write is recorded once, after Nexudus answered (or did not), with what was
asked (secrets masked) and what came back; the exception, if any, is re-raised unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import (
    NexudusError,
    NexudusMalformedResponse,
    NexudusValidationError,
    NexudusWriteOutcomeUnknown,
)
from dashboard.nexudus.queries import (
    BusinessQuery,
    CoworkerQuery,
    InvoiceQuery,
    LedgerEntryDraft,
    LedgerEntryQuery,
    PaymentTokenDraft,
    PaymentTokenQuery,
)
from dashboard.nexudus.records import Business, Coworker, Invoice, LedgerEntry, Page, PaymentToken, WriteResult

from .models import AuditRecord
from .services import answer_of_error, answer_of_success, record


def outcome_of(error: BaseException) -> str:
    """How a failed write is filed. An unreadable answer may follow a saved write, so like a missing
    answer its outcome is unknown (the same rule as core.submissions)."""
    if isinstance(error, NexudusValidationError):
        return AuditRecord.Outcome.REJECTED
    if isinstance(error, (NexudusWriteOutcomeUnknown, NexudusMalformedResponse)):
        return AuditRecord.Outcome.UNKNOWN
    return AuditRecord.Outcome.FAILED


class AuditedClient(NexudusClient):
    """A `NexudusClient` for `user` whose creates, updates and deletes are audited. Every call goes to
    the wrapped client (it owns the token, session and budget), so this holds no client state of its own,
    only what it files (`note`, see `noted`); tests/audit/test_audit.py checks that it answers for every
    public method of `NexudusClient`."""

    def __init__(
        self,
        client: NexudusClient,
        user: Any,
        request_id: str | None = None,
        note: Mapping[str, Any] | None = None,
    ) -> None:
        # Not NexudusClient.__init__: nothing of the base is used, every method below delegates.
        self.wrapped = client
        self.user = user
        self.request_id = request_id
        #: Filed with each write's request beside what was sent (see `noted`).
        self.note: Mapping[str, Any] = dict(note or {})

    def prepare(self) -> None:
        self.wrapped.prepare()

    # reads: straight through
    def search_payment_tokens(self, query: PaymentTokenQuery) -> Page[PaymentToken]:
        return self.wrapped.search_payment_tokens(query)

    def get_payment_token(self, token_id: int) -> PaymentToken:
        return self.wrapped.get_payment_token(token_id)

    def get_payment_tokens(self, ids: list[int]) -> list[PaymentToken]:
        return self.wrapped.get_payment_tokens(ids)

    def search_ledger_entries(self, query: LedgerEntryQuery) -> Page[LedgerEntry]:
        return self.wrapped.search_ledger_entries(query)

    def get_ledger_entry(self, entry_id: int) -> LedgerEntry:
        return self.wrapped.get_ledger_entry(entry_id)

    def get_ledger_entries(self, ids: list[int]) -> list[LedgerEntry]:
        return self.wrapped.get_ledger_entries(ids)

    def search_invoices(self, query: InvoiceQuery) -> Page[Invoice]:
        return self.wrapped.search_invoices(query)

    def get_invoice(self, invoice_id: int) -> Invoice:
        return self.wrapped.get_invoice(invoice_id)

    def get_invoices(self, ids: list[int]) -> list[Invoice]:
        return self.wrapped.get_invoices(ids)

    def search_coworkers(self, query: CoworkerQuery) -> Page[Coworker]:
        return self.wrapped.search_coworkers(query)

    def get_coworker(self, coworker_id: int) -> Coworker:
        return self.wrapped.get_coworker(coworker_id)

    def search_businesses(self, query: BusinessQuery) -> Page[Business]:
        return self.wrapped.search_businesses(query)

    def get_business(self, business_id: int) -> Business:
        return self.wrapped.get_business(business_id)

    # writes: audited
    def create_payment_token(self, draft: PaymentTokenDraft) -> WriteResult:
        return self._audited("create", "payment_token", None, draft, lambda: self.wrapped.create_payment_token(draft))

    def update_payment_token(self, token_id: int, draft: PaymentTokenDraft) -> WriteResult:
        return self._audited(
            "update", "payment_token", token_id, draft, lambda: self.wrapped.update_payment_token(token_id, draft)
        )

    def delete_payment_token(self, token_id: int) -> WriteResult:
        return self._audited(
            "delete", "payment_token", token_id, {"arguments": []}, lambda: self.wrapped.delete_payment_token(token_id)
        )

    def create_ledger_entry(self, draft: LedgerEntryDraft) -> WriteResult:
        return self._audited("create", "ledger_entry", None, draft, lambda: self.wrapped.create_ledger_entry(draft))

    def update_ledger_entry(self, entry_id: int, draft: LedgerEntryDraft) -> WriteResult:
        return self._audited(
            "update", "ledger_entry", entry_id, draft, lambda: self.wrapped.update_ledger_entry(entry_id, draft)
        )

    def delete_ledger_entry(self, entry_id: int) -> WriteResult:
        return self._audited(
            "delete", "ledger_entry", entry_id, {"arguments": []}, lambda: self.wrapped.delete_ledger_entry(entry_id)
        )

    def _audited(
        self, verb: str, resource: str, record_id: int | None, summary: Any, send: Callable[[], WriteResult]
    ) -> WriteResult:
        """`send()`, recorded once after Nexudus answered (or did not); its exception re-raised unchanged."""
        try:
            result = send()
        except NexudusError as error:
            self._record(verb, resource, record_id, summary, outcome_of(error), answer_of_error(error))
            raise
        except Exception as error:  # our bug or the transport's: nothing says whether it was saved
            self._record(verb, resource, record_id, summary, AuditRecord.Outcome.UNKNOWN, answer_of_error(error))
            raise
        new_id = result.id if isinstance(result, WriteResult) else None
        self._record(
            verb,
            resource,
            new_id if new_id is not None else record_id,
            summary,
            AuditRecord.Outcome.SUCCESS,
            answer_of_success(result) if isinstance(result, WriteResult) else {},
        )
        return result

    def _record(
        self, verb: str, resource: str, record_id: int | None, summary: Any, outcome: str, answer: dict
    ) -> None:
        if self.note:
            fields = summary if isinstance(summary, Mapping) else _fields(summary)
            summary = {**fields, **self.note}
        record(
            user=self.user,
            action=verb,
            resource=resource,
            record_id=record_id,
            request_summary=summary,
            outcome=outcome,
            answer_summary=answer,
            request_id=self.request_id,
        )


def _fields(draft: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(draft) and not isinstance(draft, type):
        return {field.name: getattr(draft, field.name) for field in dataclasses.fields(draft)}
    return {"request": draft}


def noted(client: NexudusClient, **note: Any) -> NexudusClient:
    """`client`, whose writes also file `note` in their audit request, e.g. `before=` the record as read just
    before changing it (the history then says what it was). A client that is not audited is returned as is."""
    if not isinstance(client, AuditedClient):
        return client
    return AuditedClient(client.wrapped, client.user, client.request_id, note={**client.note, **note})
