"""Writing audit records: the one place rows are created, and the rule that no secret is ever stored.

A failure to store an audit row is logged loudly and never turned into a failure of the action itself:
the Nexudus write has already happened by then, and reporting it as failed would invite a duplicate.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, transaction
from django.http import HttpRequest

from dashboard.nexudus.errors import FieldError, NexudusError, NexudusValidationError
from dashboard.nexudus.records import WriteResult, mask_token

from .models import AuditRecord

if TYPE_CHECKING:
    from dashboard.core.export.response import ExportReport

logger = logging.getLogger(__name__)

# Never stored, not even masked.
_DROPPED_KEYS = ("password", "secret", "totp", "pending", "authorization", "access_token", "refresh_token")
# The longest text the dashboard sends (a token's notes): cut shorter, a change past the cut would read as
# no change in the record's history.
_MAX_TEXT = 2000
_MAX_ITEMS = 50


def _is_token_key(key: str) -> bool:
    return "token" in key.lower() and not key.lower().endswith(("_id", "token_id"))


def summarise(value: Any, *, key: str = "") -> Any:
    """`value` as JSON-safe data with secrets removed: payment token strings masked to their last 4,
    passwords and credentials dropped, long text cut. Dataclasses (drafts, queries) become mappings
    without their empty fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for name, item in list(value.items())[:_MAX_ITEMS]:
            name = str(name)
            if any(secret in name.lower() for secret in _DROPPED_KEYS) or item in (None, ""):
                continue
            out[name] = summarise(item, key=name)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        return [summarise(item, key=key) for item in list(value)[:_MAX_ITEMS]]
    if isinstance(value, bool) or value is None or isinstance(value, int) and not isinstance(value, Enum):
        return value
    if isinstance(value, Enum):
        return getattr(value, "label", value.name)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float):
        return value
    text = str(value)
    if key and _is_token_key(key):
        return mask_token(text)
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"


def _actor_email(user: Any) -> str:
    if user is None:
        return ""
    return (getattr(user, "email", "") or user.get_username() or "")[:254]


def record(
    *,
    user: Any,
    action: str,
    outcome: str,
    resource: str = "",
    record_id: int | None = None,
    request_summary: Any = None,
    answer_summary: Any = None,
    request_id: str | None = None,
    actor_email: str | None = None,
) -> AuditRecord | None:
    """Append one audit record. Returns it, or None when it could not be stored (logged as an error)."""
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    try:
        # A savepoint: a failed insert must not poison a transaction the caller may be in.
        with transaction.atomic():
            return AuditRecord.objects.create(
                actor=actor,
                actor_email=(actor_email if actor_email is not None else _actor_email(actor))[:254],
                action=action,
                resource=resource,
                record_id=record_id,
                request_summary=summarise(request_summary) if request_summary is not None else {},
                answer_summary=summarise(answer_summary) if answer_summary is not None else {},
                outcome=outcome,
                request_id=(request_id or "")[:64],
            )
    except DatabaseError:
        logger.exception(
            "Could not store an audit record: action=%s resource=%s record_id=%s outcome=%s",
            action,
            resource,
            record_id,
            outcome,
        )
        return None


# --- what Nexudus answered, in a few words ----------------------------------------------------------


def answer_of_success(result: WriteResult) -> dict[str, Any]:
    return {"id": result.id, "message": result.message, "updated_by": result.updated_by}


def answer_of_error(error: BaseException) -> dict[str, Any]:
    if isinstance(error, NexudusValidationError):
        return {
            "error": type(error).__name__,
            "message": error.message,
            "errors": [_field_error(e) for e in error.errors],
        }
    if isinstance(error, NexudusError):
        return {"error": type(error).__name__, "message": error.message, "status": error.status}
    return {"error": type(error).__name__}  # an unexpected failure: its text may hold anything


def _field_error(error: FieldError) -> dict[str, Any]:
    # attempted_value is left out on purpose: it may be the payment token itself.
    return {"field": error.field, "property": error.property_name, "message": error.message}


def record_export(request: HttpRequest, report: ExportReport) -> None:
    """The `on_finished` of a CSV export (core.export.response): one record per download, however it ended."""
    record(
        user=request.user,
        action=AuditRecord.Action.EXPORT,
        resource=report.resource,
        outcome=AuditRecord.Outcome.SUCCESS if report.succeeded else AuditRecord.Outcome.FAILED,
        request_summary=report.request_summary,
        answer_summary=report.answer,
        request_id=getattr(request, "request_id", None),
    )
