"""The Nexudus REST client: one per request, using the signed-in person's token on a shared pooled session.

INTERFACE CONTRACT (implementation in progress): the signatures below are what the web layer codes against.
"""

from __future__ import annotations

from typing import Protocol

from .queries import (
    BusinessQuery,
    CoworkerQuery,
    InvoiceQuery,
    LedgerEntryDraft,
    LedgerEntryQuery,
    PaymentTokenDraft,
    PaymentTokenQuery,
)
from .records import Business, Coworker, Invoice, LedgerEntry, Page, PaymentToken, WriteResult


class TokenProvider(Protocol):
    """Supplies a person's access token. Implemented by dashboard.accounts (tokens stored encrypted)."""

    def access_token(self) -> str:
        """A token believed valid now (refreshed first when it is about to expire)."""

    def refresh(self, rejected_token: str) -> str:
        """Called when Nexudus answered 401 to `rejected_token`. Returns a fresh token (refreshing at most
        once even when several requests of the same person get 401 together; if another request already
        refreshed, returns that newer token). Raises NexudusAuthExpired when the session cannot go on."""


class NexudusClient:
    def __init__(self, *, tokens: TokenProvider, base_url: str | None = None,
                 request_id: str | None = None) -> None:
        raise NotImplementedError

    # payment tokens
    def search_payment_tokens(self, query: PaymentTokenQuery) -> Page[PaymentToken]: ...
    def get_payment_token(self, token_id: int) -> PaymentToken: ...
    def get_payment_tokens(self, ids: list[int]) -> list[PaymentToken]: ...
    def create_payment_token(self, draft: PaymentTokenDraft) -> WriteResult: ...
    def update_payment_token(self, token_id: int, draft: PaymentTokenDraft) -> WriteResult: ...
    def delete_payment_token(self, token_id: int) -> WriteResult: ...

    # ledger entries
    def search_ledger_entries(self, query: LedgerEntryQuery) -> Page[LedgerEntry]: ...
    def get_ledger_entry(self, entry_id: int) -> LedgerEntry: ...
    def get_ledger_entries(self, ids: list[int]) -> list[LedgerEntry]: ...
    def create_ledger_entry(self, draft: LedgerEntryDraft) -> WriteResult: ...
    def update_ledger_entry(self, entry_id: int, draft: LedgerEntryDraft) -> WriteResult: ...
    def delete_ledger_entry(self, entry_id: int) -> WriteResult: ...

    # related records (read-only)
    def search_invoices(self, query: InvoiceQuery) -> Page[Invoice]: ...
    def get_invoice(self, invoice_id: int) -> Invoice: ...
    def search_coworkers(self, query: CoworkerQuery) -> Page[Coworker]: ...
    def get_coworker(self, coworker_id: int) -> Coworker: ...
    def search_businesses(self, query: BusinessQuery) -> Page[Business]: ...
    def get_business(self, business_id: int) -> Business: ...
