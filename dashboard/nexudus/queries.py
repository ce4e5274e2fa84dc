"""Search queries and write drafts in our own field names; the client maps them to Nexudus's wire names.

A query holds only what the person asked for (None = no filter). Sorting names a record attribute
(e.g. "created_on"); the client translates it to Nexudus's `orderBy` and `dir` (1 ascending, -1
descending). Range bounds are aware datetimes or Decimals; the client formats dates as
`YYYY-MM-DDTHH:mm` in UTC, the documented range-filter format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .enums import PaymentProvider, RegularPaymentProvider

MAX_PAGE_SIZE = 1000  # the largest `size` Nexudus documents


@dataclass(frozen=True)
class SearchQuery:
    page: int = 1
    size: int = 25
    order_by: str | None = None  # a record attribute name, e.g. "created_on"
    descending: bool = False
    id: int | None = None  # the top-level `Id` filter


@dataclass(frozen=True)
class PaymentTokenQuery(SearchQuery):
    coworker_invoice_id: int | None = None
    provider: RegularPaymentProvider | None = None
    token: str | None = None
    notes: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None


@dataclass(frozen=True)
class LedgerEntryQuery(SearchQuery):
    business_id: int | None = None
    business_name: str | None = None
    currency_code: str | None = None
    coworker_id: int | None = None
    coworker_full_name: str | None = None
    coworker_invoice_id: int | None = None
    invoice_number: str | None = None
    description: str | None = None
    code: str | None = None
    payment_gateway: PaymentProvider | None = None
    payment_method_number: str | None = None
    billed: bool | None = None
    connected_transaction_guid: str | None = None
    debit_from: Decimal | None = None
    debit_to: Decimal | None = None
    credit_from: Decimal | None = None
    credit_to: Decimal | None = None
    balance_from: Decimal | None = None
    balance_to: Decimal | None = None
    transaction_from: datetime | None = None
    transaction_to: datetime | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None


@dataclass(frozen=True)
class InvoiceQuery(SearchQuery):
    invoice_number: str | None = None
    coworker_id: int | None = None
    business_id: int | None = None
    paid: bool | None = None


@dataclass(frozen=True)
class CoworkerQuery(SearchQuery):
    full_name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class BusinessQuery(SearchQuery):
    name: str | None = None


@dataclass(frozen=True)
class PaymentTokenDraft:
    """The writable fields of a CoworkerInvoicePaymentToken."""

    coworker_invoice_id: int
    provider: RegularPaymentProvider | None = None
    token: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class LedgerEntryDraft:
    """The writable fields of a CoworkerLedgerEntry.

    `expected_balance` is the customer's balance the dashboard expects after this entry (current balance
    + debit - credit). Nexudus requires `Balance` in the body; it is sent as this value so that even an
    API that trusted it would stay right. What the dashboard shows is always the balance Nexudus returns.
    """

    business_id: int
    coworker_id: int
    description: str
    code: str
    debit: Decimal
    credit: Decimal
    coworker_invoice_id: int | None = None
    payment_gateway: PaymentProvider | None = None
    payment_method_number: str | None = None
    transaction_date: datetime | None = None
    transaction_date_local: datetime | None = None
    billed: bool = False
    connected_transaction_guid: str | None = None
    expected_balance: Decimal = Decimal("0")
