"""Typed Nexudus records: frozen dataclasses built from the wire JSON, and the page of a search.

Only this module and the client know Nexudus's JSON keys and date format; templates and tables read
attributes. Money is Decimal, dates are aware datetimes (UTC as Nexudus sends them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from .enums import PaymentProvider, RegularPaymentProvider, UnknownMember
from .errors import NexudusMalformedResponse

T = TypeVar("T")


# --- wire value parsers ---------------------------------------------------------------------------

# Fractional seconds of any length: live answers carry 0-7 digits ("...24.0050623Z", "...11.1Z"); a
# datetime holds 6, so extra digits are cut (not rounded: a microsecond never moves to the next second).
_FRACTION = re.compile(r"(?<=:\d\d)\.(\d+)")


def parse_datetime(value: object) -> datetime | None:
    """Nexudus dates are ISO 8601 ("2025-01-15T10:30:00Z", with 0-7 fractional digits live); a value
    without offset is taken as UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise NexudusMalformedResponse(f"Expected a date, got {type(value).__name__}.")
    try:  # Performance: CPython 3.11 reads the common shapes itself ("Z", up to 7 digits, cut to 6)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        pass
    else:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    text = _FRACTION.sub(lambda found: "." + found.group(1)[:6].ljust(6, "0"), value.strip(), count=1)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise NexudusMalformedResponse(f"Unreadable date {value!r}.") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_decimal(value: object) -> Decimal | None:
    """Money arrives as a JSON number or (e.g. `CoworkerInvoiceTotalAmount`) as a string."""
    kind = type(value)
    if kind is float or kind is int:  # Performance: the usual JSON number, 3 per ledger record (issue 20)
        amount = Decimal(str(value))  # str() first: a float like 0.1 must become Decimal("0.1")
        if not amount.is_finite():
            raise NexudusMalformedResponse(f"Unreadable amount {value!r}.")
        return amount
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise NexudusMalformedResponse("Expected an amount, got a boolean.")
    try:
        # str() first: a float like 0.1 must become Decimal("0.1"), not its binary expansion.
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise NexudusMalformedResponse(f"Unreadable amount {value!r}.") from exc
    if not amount.is_finite():
        raise NexudusMalformedResponse(f"Unreadable amount {value!r}.")
    return amount


def parse_int(value: object) -> int | None:
    if type(value) is int:  # Performance: the usual case, returned as it is (what int() would return)
        return value
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise NexudusMalformedResponse("Expected a number, got a boolean.")
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: an infinite float
        raise NexudusMalformedResponse(f"Expected a whole number, got {value!r}.") from exc


def parse_bool(value: object) -> bool | None:
    if value is None or value is True or value is False:
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise NexudusMalformedResponse(f"Expected true or false, got {value!r}.")


def parse_str(value: object) -> str | None:
    if value is None or type(value) is str:  # Performance: the usual cases, as str() would give them
        return value
    if isinstance(value, (dict, list)):
        raise NexudusMalformedResponse("Expected text, got a structure.")
    return str(value)


def _require_mapping(data: object) -> Mapping[str, Any]:
    if type(data) is dict:  # Performance: what the JSON decoder gives, without the ABC check (issue 20)
        return data
    if not isinstance(data, Mapping):
        raise NexudusMalformedResponse("Expected a record object.")
    return data


def _require_id(data: Mapping[str, Any]) -> int:
    record_id = parse_int(data.get("Id"))
    if record_id is None:
        raise NexudusMalformedResponse("A record came back without an Id.")
    return record_id


def mask_token(token: str | None) -> str:
    """Only the last 4 characters of a payment token are ever shown or exported."""
    if not token:
        return ""
    if len(token) <= 4:
        return "•" * len(token)
    return "•" * min(len(token) - 4, 8) + token[-4:]


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a Nexudus search, as the envelope describes it."""

    items: list[T]
    page: int
    size: int
    total_items: int
    total_pages: int
    has_next: bool
    has_previous: bool
    order_field: str | None = None  # Nexudus property the results were sorted by
    descending: bool = False

    @classmethod
    def from_api(
        cls, data: object, parse_record: Callable[[Mapping[str, Any]], T], *, descending_value: int = -1
    ) -> Page[T]:
        """`descending_value`: what `CurrentSortDirection` says for descending (-1, or 1 where 0 means
        ascending: see settings.NEXUDUS_SORT_DIR_ASCENDING)."""
        envelope = _require_mapping(data)
        records = envelope.get("Records")
        if not isinstance(records, list):
            raise NexudusMalformedResponse("A search answer came back without Records.")
        page = parse_int(envelope.get("CurrentPage")) or 1
        size = parse_int(envelope.get("CurrentPageSize"))
        if size is None:
            size = parse_int(envelope.get("PageSize")) or len(records)
        total_items = parse_int(envelope.get("TotalItems"))
        if total_items is None:
            total_items = len(records)
        total_pages = parse_int(envelope.get("TotalPages"))
        if total_pages is None:
            total_pages = (total_items + size - 1) // size if size else 1
        has_next = parse_bool(envelope.get("HasNextPage"))
        has_previous = parse_bool(envelope.get("HasPreviousPage"))
        return cls(
            items=[parse_record(_require_mapping(r)) for r in records],
            page=page,
            size=size,
            total_items=total_items,
            total_pages=total_pages,
            has_next=page < total_pages if has_next is None else has_next,
            has_previous=page > 1 if has_previous is None else has_previous,
            order_field=parse_str(envelope.get("CurrentOrderField")),
            descending=_is_descending(envelope.get("CurrentSortDirection"), descending_value),
        )


def _is_descending(value: object, descending_value: int) -> bool:
    """`CurrentSortDirection` read as descending: the number for descending under the configured reading,
    or a word (the public API was seen answering "ASC"/"DESC")."""
    if isinstance(value, str) and value.strip().upper() in ("DESC", "DESCENDING"):
        return True
    try:
        return parse_int(value) == descending_value
    except NexudusMalformedResponse:
        return False


@dataclass(frozen=True)
class WriteResult:
    """What Nexudus answered to a successful create, update or delete. `record` is the created record when
    the answer carried it whole (live create answers do; the documented one carries only the Id)."""

    id: int | None
    message: str
    updated_on: datetime | None = None
    updated_by: str | None = None
    record: Any = None


@dataclass(frozen=True)
class PaymentToken:
    """A CoworkerInvoicePaymentToken. `provider` is None in search results (a documented omission)."""

    id: int
    coworker_invoice_id: int | None
    provider: RegularPaymentProvider | UnknownMember | None
    token: str | None
    notes: str | None
    created_on: datetime | None
    updated_on: datetime | None
    updated_by: str | None
    unique_id: str | None

    @property
    def masked_token(self) -> str:
        return mask_token(self.token)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> PaymentToken:
        data = _require_mapping(data)
        return cls(
            id=_require_id(data),
            coworker_invoice_id=parse_int(data.get("CoworkerInvoiceId")),
            provider=RegularPaymentProvider.parse(data.get("RegularPaymentProvider")),  # type: ignore[arg-type]
            token=parse_str(data.get("Token")),
            notes=parse_str(data.get("Notes")),
            created_on=parse_datetime(data.get("CreatedOn")),
            updated_on=parse_datetime(data.get("UpdatedOn")),
            updated_by=parse_str(data.get("UpdatedBy")),
            unique_id=parse_str(data.get("UniqueId")),
        )


@dataclass(frozen=True)
class LedgerEntry:
    """A CoworkerLedgerEntry: one debit/credit line; `balance` is the customer's running balance after it
    (positive: the customer owes)."""

    id: int
    business_id: int | None
    business_name: str | None
    currency_code: str | None
    coworker_id: int | None
    coworker_full_name: str | None
    coworker_invoice_id: int | None
    invoice_number: str | None
    invoice_total_amount: Decimal | None
    invoice_bill_to_name: str | None
    invoice_paid: bool | None
    invoice_paid_on: datetime | None
    invoice_refunded: bool | None
    invoice_refunded_on: datetime | None
    invoice_due_date: datetime | None
    description: str
    code: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    payment_gateway: PaymentProvider | UnknownMember | None
    payment_method_number: str | None
    transaction_date: datetime | None
    transaction_date_local: datetime | None  # None also when absent (live records omit it)
    billed: bool | None  # None: not given by Nexudus (live records omit it)
    connected_transaction_guid: str | None
    created_on: datetime | None
    updated_on: datetime | None
    updated_by: str | None
    unique_id: str | None = None  # the entry's GUID: what another entry's ConnectedTransactionGuid names

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> LedgerEntry:
        data = _require_mapping(data)
        return cls(
            id=_require_id(data),
            business_id=parse_int(data.get("BusinessId")),
            business_name=parse_str(data.get("BusinessName")),
            currency_code=parse_str(data.get("BusinessCurrencyCode")),
            coworker_id=parse_int(data.get("CoworkerId")),
            coworker_full_name=parse_str(data.get("CoworkerFullName")),
            coworker_invoice_id=parse_int(data.get("CoworkerInvoiceId")),
            invoice_number=parse_str(data.get("CoworkerInvoiceInvoiceNumber")),
            invoice_total_amount=parse_decimal(data.get("CoworkerInvoiceTotalAmount")),
            invoice_bill_to_name=parse_str(data.get("CoworkerInvoiceBillToName")),
            invoice_paid=parse_bool(data.get("CoworkerInvoicePaid")),
            invoice_paid_on=parse_datetime(data.get("CoworkerInvoicePaidOn")),
            invoice_refunded=parse_bool(data.get("CoworkerInvoiceRefunded")),
            invoice_refunded_on=parse_datetime(data.get("CoworkerInvoiceRefundedOn")),
            invoice_due_date=parse_datetime(data.get("CoworkerInvoiceDueDate")),
            description=parse_str(data.get("Description")) or "",
            code=parse_str(data.get("Code")) or "",
            debit=parse_decimal(data.get("Debit")) or Decimal("0"),
            credit=parse_decimal(data.get("Credit")) or Decimal("0"),
            balance=parse_decimal(data.get("Balance")) or Decimal("0"),
            payment_gateway=PaymentProvider.parse(data.get("PaymentGatewayName")),  # type: ignore[arg-type]
            payment_method_number=parse_str(data.get("PaymentMethodNumber")),
            transaction_date=parse_datetime(data.get("TransactionDate")),
            transaction_date_local=parse_datetime(data.get("TransactionDateLocal")),
            billed=parse_bool(data.get("Billed")),
            connected_transaction_guid=parse_str(data.get("ConnectedTransactionGuid")),
            created_on=parse_datetime(data.get("CreatedOn")),
            updated_on=parse_datetime(data.get("UpdatedOn")),
            updated_by=parse_str(data.get("UpdatedBy")),
            unique_id=parse_str(data.get("UniqueId")),
        )


@dataclass(frozen=True)
class Invoice:
    """A CoworkerInvoice (read-only here)."""

    id: int
    invoice_number: str | None
    coworker_id: int | None
    coworker_full_name: str | None
    business_id: int | None
    business_name: str | None
    bill_to_name: str | None
    currency_code: str | None
    total_amount: Decimal
    paid_amount: Decimal
    paid: bool
    paid_on: datetime | None
    due_date: datetime | None
    refunded: bool
    refunded_on: datetime | None
    refunded_amount: Decimal
    draft: bool
    void: bool
    credit_note: bool
    created_on: datetime | None
    updated_on: datetime | None

    @property
    def outstanding(self) -> Decimal:
        return max(self.total_amount - self.paid_amount, Decimal("0"))

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Invoice:
        data = _require_mapping(data)
        return cls(
            id=_require_id(data),
            invoice_number=parse_str(data.get("InvoiceNumber")),
            coworker_id=parse_int(data.get("CoworkerId")),
            coworker_full_name=parse_str(data.get("CoworkerFullName")),
            business_id=parse_int(data.get("BusinessId")),
            business_name=parse_str(data.get("BusinessName")),
            bill_to_name=parse_str(data.get("BillToName")),
            currency_code=parse_str(data.get("CurrencyCode")),
            total_amount=parse_decimal(data.get("TotalAmount")) or Decimal("0"),
            paid_amount=parse_decimal(data.get("PaidAmount")) or Decimal("0"),
            paid=bool(parse_bool(data.get("Paid"))),
            paid_on=parse_datetime(data.get("PaidOn")),
            due_date=parse_datetime(data.get("DueDate")),
            refunded=bool(parse_bool(data.get("Refunded"))),
            refunded_on=parse_datetime(data.get("RefundedOn")),
            refunded_amount=parse_decimal(data.get("RefundedAmount")) or Decimal("0"),
            draft=bool(parse_bool(data.get("Draft"))),
            void=bool(parse_bool(data.get("Void"))),
            credit_note=bool(parse_bool(data.get("CreditNote"))),
            created_on=parse_datetime(data.get("CreatedOn")),
            updated_on=parse_datetime(data.get("UpdatedOn")),
        )


@dataclass(frozen=True)
class Coworker:
    """A Coworker (customer), read-only here."""

    id: int
    full_name: str | None
    email: str | None
    company_name: str | None
    billing_email: str | None
    invoicing_business_id: int | None
    invoicing_business_name: str | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Coworker:
        data = _require_mapping(data)
        return cls(
            id=_require_id(data),
            full_name=parse_str(data.get("FullName")),
            email=parse_str(data.get("Email")),
            company_name=parse_str(data.get("CompanyName")),
            billing_email=parse_str(data.get("BillingEmail")),
            invoicing_business_id=parse_int(data.get("InvoicingBusinessId")),
            invoicing_business_name=parse_str(data.get("InvoicingBusinessName")),
        )


@dataclass(frozen=True)
class Business:
    """A Business (location), read-only here. Its currency decides how money is shown."""

    id: int
    name: str | None
    currency_code: str | None
    country_name: str | None
    time_zone: str | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Business:
        data = _require_mapping(data)
        return cls(
            id=_require_id(data),
            name=parse_str(data.get("Name")),
            currency_code=parse_str(data.get("CurrencyCode")),
            country_name=parse_str(data.get("CountryName")),
            time_zone=parse_str(data.get("SimpleTimeZoneId")),
        )


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint returns; `expires_at` is computed from `expires_in` on receipt."""

    access_token: str
    refresh_token: str
    expires_at: datetime

    def __repr__(self) -> str:  # never let a token reach a log line through a repr
        return f"TokenSet(expires_at={self.expires_at.isoformat()})"
