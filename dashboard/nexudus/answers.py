"""Turns a Nexudus answer into data or exactly one NexudusError: the single status -> exception map."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import orjson
import requests

from .errors import (
    FieldError,
    NexudusError,
    NexudusMalformedResponse,
    NexudusNotFound,
    NexudusPermissionDenied,
    NexudusRateLimited,
    NexudusServerError,
    NexudusValidationError,
)

THROTTLE_STATUSES = frozenset({409, 429})  # 409 is Nexudus's legacy "throttled"

# Nexudus names a bad foreign key after the relation ("CoworkerInvoice"), a scalar after itself.
# Keys are lower-cased: the casing of PropertyName is not documented. Balance maps to no field on
# purpose: the form never asks for it (the dashboard sends the running balance it expects; the docs say
# Nexudus recomputes it, live captures show it stored as sent).
PROPERTY_FIELDS: dict[str, str | None] = {
    "coworkerinvoice": "coworker_invoice_id",
    "coworkerinvoiceid": "coworker_invoice_id",
    "coworker": "coworker_id",
    "coworkerid": "coworker_id",
    "business": "business_id",
    "businessid": "business_id",
    "regularpaymentprovider": "provider",
    "paymentgatewayname": "payment_gateway",
    "token": "token",
    "notes": "notes",
    "description": "description",
    "code": "code",
    "debit": "debit",
    "credit": "credit",
    "paymentmethodnumber": "payment_method_number",
    "transactiondate": "transaction_date",
    "transactiondatelocal": "transaction_date_local",
    "billed": "billed",
    "connectedtransactionguid": "connected_transaction_guid",
    "balance": None,
}
_WAIT_TEXT = re.compile(r"wait\D{0,20}?(\d+(?:\.\d+)?)\s*(?:s\b|sec)", re.IGNORECASE)


def raise_for_response(response: requests.Response, *, role: str | None) -> Any:
    """The one place an answer becomes data (decoded JSON) or a NexudusError. `role` names what the
    action needs, for a refusal (e.g. "CoworkerLedgerEntry-Create")."""
    status = response.status_code
    body = _json_or_none(response)
    if 200 <= status < 300:
        if status == 204:  # not documented, but an empty success is still a success
            return {}
        if body is None:
            raise NexudusMalformedResponse(status=status)
        if isinstance(body, Mapping) and body.get("WasSuccessful") is False:
            raise _validation_error(body, status)
        return body
    if status == 400:
        raise _validation_error(body if body is not None else _short_text(response), status)
    if status in (401, 403):
        raise NexudusPermissionDenied(status=status, role=role)
    if status == 404:
        raise NexudusNotFound(status=status)
    if status in THROTTLE_STATUSES:
        raise NexudusRateLimited(status=status, retry_after=_retry_after(response, body))
    if status >= 500:
        raise NexudusServerError(status=status)
    if 300 <= status < 400:
        raise NexudusMalformedResponse("Nexudus answered with a redirect.", status=status)
    raise NexudusError(f"Nexudus answered HTTP {status}.", status=status)


def _json_or_none(response: requests.Response) -> Any:
    try:
        return decode_json(response.content) if response.content else None
    except ValueError:  # also UnicodeDecodeError
        return None


def decode_json(content: bytes) -> Any:
    """JSON as the standard library reads it, decoded by orjson (several times faster on a page of 1,000
    records: issue 20). What orjson refuses and the standard library takes (NaN, integers past 64 bits) is
    read by the standard library, so the answer is the same either way; ValueError when neither can."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return json.loads(content)


def _short_text(response: requests.Response) -> str | None:
    text = response.text.strip()
    if not text or len(text) > 300 or text.startswith("<"):  # an HTML page is no message for a person
        return None
    return text


def _validation_error(body: Any, status: int) -> NexudusValidationError:
    errors: list[FieldError] = []
    message: str | None = body if isinstance(body, str) else None
    if isinstance(body, Mapping):
        message = body.get("Message") if isinstance(body.get("Message"), str) else None
        for item in body.get("Errors") or ():
            if not isinstance(item, Mapping):
                continue
            name = item.get("PropertyName") if isinstance(item.get("PropertyName"), str) else None
            errors.append(
                FieldError(
                    field=PROPERTY_FIELDS.get(name.lower()) if name else None,
                    message=str(item.get("Message") or "is not valid"),
                    property_name=name or None,
                    attempted_value=item.get("AttemptedValue"),
                )
            )
    return NexudusValidationError(message or None, status=status, errors=errors)


def _retry_after(response: requests.Response, body: Any) -> float | None:
    header = response.headers.get("Retry-After", "").strip()
    if header:
        try:
            return max(float(header), 0.0)
        except ValueError:
            pass
        try:
            return max(parsedate_to_datetime(header).timestamp() - time.time(), 0.0)
        except (TypeError, ValueError):
            pass
    text = body.get("Message") if isinstance(body, Mapping) else body
    if not isinstance(text, str):
        text = response.text if len(response.text) < 2000 else ""
    found = _WAIT_TEXT.search(text or "")
    return float(found.group(1)) if found else None
