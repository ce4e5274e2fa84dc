"""Nexudus's wire names in one place: per-entity paths, roles, filter and sort tables, and the encoding
of queries and drafts into request parameters and JSON bodies (plus decoding of write envelopes)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any, Generic, TypeVar

from .errors import NexudusMalformedResponse
from .queries import MAX_PAGE_SIZE, LedgerEntryDraft, PaymentTokenDraft, SearchQuery
from .records import (
    Business,
    Coworker,
    Invoice,
    LedgerEntry,
    PaymentToken,
    WriteResult,
    mask_token,
    parse_datetime,
    parse_int,
    parse_str,
)

R = TypeVar("R")


# --- what each entity looks like on the wire -------------------------------------------------------


def _sort_fields(record: type, overrides: Mapping[str, str]) -> dict[str, str]:
    """record attribute -> Nexudus property: PascalCase of the attribute unless the names differ."""
    return {
        f.name: overrides.get(f.name) or "".join(part.capitalize() for part in f.name.split("_"))
        for f in fields(record)
    }


@dataclass(frozen=True)
class Resource(Generic[R]):
    path: str
    entity: str  # Nexudus entity name: the role prefix ("CoworkerLedgerEntry-Create")
    parse: Callable[[Mapping[str, Any]], R]
    filters: Mapping[str, str]  # query attribute -> wire parameter
    sort_fields: Mapping[str, str]  # record attribute -> Nexudus `orderBy` property


_PT = "CoworkerInvoicePaymentToken"
PAYMENT_TOKENS: Resource[PaymentToken] = Resource(
    "/api/billing/coworkerinvoicepaymenttokens",
    _PT,
    PaymentToken.from_api,
    {
        "coworker_invoice_id": f"{_PT}_CoworkerInvoice",
        "provider": f"{_PT}_RegularPaymentProvider",
        "token": f"{_PT}_Token",
        "notes": f"{_PT}_Notes",
        "created_from": f"from_{_PT}_CreatedOn",
        "created_to": f"to_{_PT}_CreatedOn",
        "updated_from": f"from_{_PT}_UpdatedOn",
        "updated_to": f"to_{_PT}_UpdatedOn",
    },
    _sort_fields(PaymentToken, {"provider": "RegularPaymentProvider"}),
)

_LE = "CoworkerLedgerEntry"
LEDGER_ENTRIES: Resource[LedgerEntry] = Resource(
    "/api/billing/coworkerledgerentries",
    _LE,
    LedgerEntry.from_api,
    {
        "business_id": f"{_LE}_Business",
        "business_name": f"{_LE}_Business_Name",
        "currency_code": f"{_LE}_Business_Currency_Code",
        "coworker_id": f"{_LE}_Coworker",
        "coworker_full_name": f"{_LE}_Coworker_FullName",
        "coworker_invoice_id": f"{_LE}_CoworkerInvoice",
        "invoice_number": f"{_LE}_CoworkerInvoice_InvoiceNumber",
        "description": f"{_LE}_Description",
        "code": f"{_LE}_Code",
        "payment_gateway": f"{_LE}_PaymentGatewayName",
        "payment_method_number": f"{_LE}_PaymentMethodNumber",
        "billed": f"{_LE}_Billed",
        "connected_transaction_guid": f"{_LE}_ConnectedTransactionGuid",
        "debit_from": f"from_{_LE}_Debit",
        "debit_to": f"to_{_LE}_Debit",
        "credit_from": f"from_{_LE}_Credit",
        "credit_to": f"to_{_LE}_Credit",
        "balance_from": f"from_{_LE}_Balance",
        "balance_to": f"to_{_LE}_Balance",
        "transaction_from": f"from_{_LE}_TransactionDate",
        "transaction_to": f"to_{_LE}_TransactionDate",
        "created_from": f"from_{_LE}_CreatedOn",
        "created_to": f"to_{_LE}_CreatedOn",
        "updated_from": f"from_{_LE}_UpdatedOn",
        "updated_to": f"to_{_LE}_UpdatedOn",
    },
    _sort_fields(
        LedgerEntry,
        {
            "currency_code": "BusinessCurrencyCode",
            "payment_gateway": "PaymentGatewayName",
            "invoice_number": "CoworkerInvoiceInvoiceNumber",
            "invoice_total_amount": "CoworkerInvoiceTotalAmount",
            "invoice_bill_to_name": "CoworkerInvoiceBillToName",
            "invoice_paid": "CoworkerInvoicePaid",
            "invoice_paid_on": "CoworkerInvoicePaidOn",
            "invoice_refunded": "CoworkerInvoiceRefunded",
            "invoice_refunded_on": "CoworkerInvoiceRefundedOn",
            "invoice_due_date": "CoworkerInvoiceDueDate",
        },
    ),
)

INVOICES: Resource[Invoice] = Resource(
    "/api/billing/coworkerinvoices",
    "CoworkerInvoice",
    Invoice.from_api,
    {
        "invoice_number": "CoworkerInvoice_InvoiceNumber",
        "coworker_id": "CoworkerInvoice_Coworker",
        "business_id": "CoworkerInvoice_Business",
        "paid": "CoworkerInvoice_Paid",
    },
    _sort_fields(Invoice, {}),
)
COWORKERS: Resource[Coworker] = Resource(
    "/api/spaces/coworkers",
    "Coworker",
    Coworker.from_api,
    {"full_name": "Coworker_FullName", "email": "Coworker_Email"},
    _sort_fields(Coworker, {}),
)
BUSINESSES: Resource[Business] = Resource(
    "/api/sys/businesses",
    "Business",
    Business.from_api,
    {"name": "Business_Name"},
    _sort_fields(Business, {"time_zone": "SimpleTimeZoneId"}),
)


def wire_value(value: object) -> str:
    """A filter value as Nexudus reads it: dates in UTC `YYYY-MM-DDTHH:mm`, amounts as plain decimals."""
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, IntEnum):
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return _utc(value).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, int | str):
        return str(value)
    raise TypeError(f"Cannot send {type(value).__name__} as a Nexudus filter.")


def sort_dir(*, descending: bool, ascending_value: int) -> str:
    """The `dir` value: the docs disagree on its meaning (1 ascending / -1 descending, or 0 ascending /
    1 descending), so `ascending_value` (settings.NEXUDUS_SORT_DIR_ASCENDING) decides."""
    if not descending:
        return str(ascending_value)
    return "-1" if ascending_value == 1 else "1"


def descending_value(ascending_value: int) -> int:
    """What `CurrentSortDirection` says for a descending answer, under the same reading."""
    return -1 if ascending_value == 1 else 1


def search_params(resource: Resource[Any], query: SearchQuery, *, ascending_value: int = 0) -> dict[str, str]:
    """`dir` goes only with `orderBy` (as every public client does): a descending query without a sort
    field sorts by Id, the documented default order."""
    params = {
        "page": str(max(query.page, 1)),
        "size": str(min(max(query.size, 1), MAX_PAGE_SIZE)),
    }
    order_by = query.order_by or ("id" if query.descending else None)
    if order_by:
        if order_by not in resource.sort_fields:
            raise ValueError(f"{resource.entity} cannot be sorted by {order_by!r}.")
        params["orderBy"] = resource.sort_fields[order_by]
        params["dir"] = sort_dir(descending=query.descending, ascending_value=ascending_value)
    if query.id is not None:
        params["Id"] = str(query.id)
    for attribute, wire_name in resource.filters.items():
        value = getattr(query, attribute)
        if value is not None and value != "":
            params[wire_name] = wire_value(value)
    return params


def _utc(moment: datetime) -> datetime:
    # A naive datetime is taken as UTC, as records.parse_datetime reads Nexudus's own dates.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime | None, *, wall_clock: bool = False) -> str | None:
    if moment is None:
        return None
    # `...Local` twins carry the location's wall-clock time with a literal Z, as Nexudus writes them.
    return (moment if wall_clock else _utc(moment)).strftime("%Y-%m-%dT%H:%M:%SZ")


def payment_token_body(draft: PaymentTokenDraft) -> dict[str, object]:
    body: dict[str, object] = {"CoworkerInvoiceId": draft.coworker_invoice_id}
    if draft.provider is not None:
        body["RegularPaymentProvider"] = int(draft.provider)
    body.update(Token=draft.token, Notes=draft.notes)
    return body


def ledger_entry_body(draft: LedgerEntryDraft) -> dict[str, object]:
    body: dict[str, object] = {
        "BusinessId": draft.business_id,
        "CoworkerId": draft.coworker_id,
        "Description": draft.description,
        "Code": draft.code,
        "Debit": draft.debit,
        "Credit": draft.credit,  # Decimals: http.dumps_exact writes them exactly
        # Required by Nexudus. The docs call it read-only (recomputed), but live entries keep the Balance
        # sent, so it must be the right running balance: the one the dashboard expects after this entry.
        "Balance": draft.expected_balance,
        "CoworkerInvoiceId": draft.coworker_invoice_id,
    }
    if draft.payment_gateway is not None:  # "none" is 0 or absent; absent is accepted either way
        body["PaymentGatewayName"] = int(draft.payment_gateway)
    body.update(
        PaymentMethodNumber=draft.payment_method_number,
        TransactionDate=_iso(draft.transaction_date),
        TransactionDateLocal=_iso(draft.transaction_date_local, wall_clock=True),
        Billed=draft.billed,
        ConnectedTransactionGuid=draft.connected_transaction_guid,
    )
    return body


def write_result(
    data: object,
    *,
    known_id: int | None,
    parse_record: Callable[[Mapping[str, Any]], Any] | None = None,
    secrets: tuple[str | None, ...] = (),
) -> WriteResult:
    """The write envelope. `Value` is `{"Id": n}` in the docs; live create answers carry the whole record,
    which `parse_record` turns into `WriteResult.record` (left None when the record is absent or unreadable:
    the write itself succeeded, and the caller can still read the record by its Id).

    Live messages name the record (`... "<ToStringText>" was successfully created.`), and a payment
    token's ToStringText is its token string: every one of `secrets` is masked in the message."""
    if not isinstance(data, Mapping):
        raise NexudusMalformedResponse("A write answer came back without its envelope.")
    value = data.get("Value")
    record_id = parse_int(value.get("Id")) if isinstance(value, Mapping) else None
    if record_id is None and known_id is None:
        raise NexudusMalformedResponse("Nexudus did not say which record it created.")
    record = None
    if parse_record is not None and isinstance(value, Mapping) and set(value) - {"Id"}:
        try:
            record = parse_record(value)
        except NexudusMalformedResponse:
            record = None
    message = parse_str(data.get("Message")) or ""
    for secret in secrets:
        if secret and secret.strip():
            message = message.replace(secret, mask_token(secret))
    return WriteResult(
        id=record_id if record_id is not None else known_id,
        message=message,
        updated_on=parse_datetime(data.get("UpdatedOn")),
        updated_by=parse_str(data.get("UpdatedBy")),
        record=record,
    )
