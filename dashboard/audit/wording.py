"""Audit records in words: what was asked, what Nexudus answered, and a record's history line ("changed the
payment provider from Stripe to GoCardless"). Plain text: templates escape it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard.nexudus.enums import RegularPaymentProvider
from dashboard.nexudus.records import mask_token

from .models import AuditRecord

NONE = "(none)"

#: Query and body fields as people say them; others lose their underscores ("created_from" → "created from").
FIELD_WORDS = {
    "coworker_full_name": "customer",
    "coworker_id": "customer id",
    "coworker": "customer",
    "business_name": "business",
    "business_id": "business id",
    "coworker_invoice_id": "invoice id",
    "invoice_number": "invoice",
    "payment_gateway": "gateway",
}
#: Paging and sorting say nothing about what was asked for.
_PAGING = {"page", "size", "order_by", "descending"}
_PLURALS = {"payment_token": "payment tokens", "ledger_entry": "ledger entries"}

#: A payment token's fields as a change tells them, the editable ones first; keys are the draft's (and
#: `payment_tokens.services.payment_token_facts`') names.
TOKEN_FIELDS = {
    "provider": "payment provider",
    "notes": "notes",
    "token": "token",
    "coworker_invoice_id": "invoice ID",
}
_EDITABLE = ("provider", "notes")

#: (done, attempted) forms of each write.
_VERBS: dict[str, tuple[str, str]] = {
    AuditRecord.Action.CREATE: ("created", "create"),
    AuditRecord.Action.UPDATE: ("changed", "change"),
    AuditRecord.Action.DELETE: ("deleted", "delete"),
}


def answer_words(record: AuditRecord) -> str:
    """What Nexudus answered, in one line."""
    answer = record.answer_summary if isinstance(record.answer_summary, dict) else {}
    if record.action == AuditRecord.Action.EXPORT:
        rows = answer.get("rows")
        text = f"{rows:,} rows" if isinstance(rows, int) else ""
        return f"{text}{'; ' if text and answer.get('stopped') else ''}{answer.get('stopped', '')}"
    errors = answer.get("errors")
    if errors and isinstance(errors, list):
        return "; ".join(
            f"{e.get('property') or e.get('field') or 'Record'}: {e.get('message')}" if isinstance(e, dict) else str(e)
            for e in errors
        )
    if answer.get("id") is not None and record.outcome == AuditRecord.Outcome.SUCCESS:
        return f"Id {answer['id']}"
    return str(answer.get("message") or answer.get("reason") or "")


def _field_words(values: dict) -> str:
    parts = []
    for key, value in values.items():
        if key in _PAGING or value in (None, "", [], {}):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        parts.append(f"{FIELD_WORDS.get(key, key.replace('_', ' '))} {shown}")
    return ", ".join(parts)


def request_words(record: AuditRecord) -> str:
    """What was asked, in words: "Exported ledger entries: business Canal Works, code PAYM"; a token's change
    or deletion as its history tells it ("Change the payment provider from Stripe to GoCardless")."""
    summary = record.request_summary or {}
    if not isinstance(summary, dict):
        return str(summary)
    if record.action == AuditRecord.Action.EXPORT:
        what = _PLURALS.get(record.resource, record.resource.replace("_", " "))
        filters = summary.get("filters")
        words = _field_words(filters) if isinstance(filters, dict) else ""
        return f"Exported {what}: {words}" if words else f"Exported all {what}"
    if record.resource == "payment_token" and record.action in (AuditRecord.Action.UPDATE, AuditRecord.Action.DELETE):
        _done, attempted, what = _token_write_words(record.action, summary)
        return f"{attempted[:1].upper()}{attempted[1:]} {what}"
    return _field_words(summary)


def history_words(record: AuditRecord) -> str:
    """What the person did to the record, told after their name: "changed the payment provider from Stripe
    to GoCardless", "deleted the token (it was Stripe ••••4242 for invoice ID 300001)", "created it"; an
    attempt that did not succeed as such ("tried to change …; Nexudus refused: …")."""
    summary = record.request_summary if isinstance(record.request_summary, dict) else {}
    if record.resource == "payment_token" and record.action in _VERBS:
        done, attempted, what = _token_write_words(record.action, summary)
    else:
        done, attempted = _VERBS.get(record.action, (record.get_action_display().lower(),) * 2)
        what = "it"
    if record.outcome == AuditRecord.Outcome.SUCCESS:
        return f"{done} {what}"
    answer = answer_words(record)
    if record.outcome == AuditRecord.Outcome.REJECTED:
        why = "Nexudus refused"
    elif record.outcome == AuditRecord.Outcome.UNKNOWN:
        why, answer = "outcome unknown", answer or "Nexudus did not say whether it was saved"
    else:
        why = "it did not go through"
    return f"tried to {attempted} {what}; {why}{': ' + answer if answer else ''}"


# --- a payment token's writes ---------------------------------------------------------------------------


def token_value_words(field: str, value: Any) -> str:
    """One field's value as a change shows it: a provider by its label, the token masked, notes quoted."""
    if value is None or value == "" or isinstance(value, bool | list | dict):
        return NONE
    text = str(value)
    if field == "provider":
        return _provider_label(text)
    if field == "token":
        return mask_token(text)  # already masked when filed; masked again in case it was not
    if field == "notes":
        return f"“{text}”"
    return text


def _provider_label(text: str) -> str:
    """Filed as its label; a number (from a row filed otherwise) is shown by its label too."""
    if text.strip().isascii() and text.strip().isdigit():
        member = RegularPaymentProvider.parse(text.strip())
        return member.label if member is not None else NONE
    return text


def token_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(field, before, after) in words for each field that differs, the editable ones first."""
    found = []
    for field, name in TOKEN_FIELDS.items():
        old, new = token_value_words(field, before.get(field)), token_value_words(field, after.get(field))
        if old != new:
            found.append((name, old, new))
    return found


def token_change_words(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """'the payment provider from Stripe to GoCardless and the notes from (none) to “Card replaced”'."""
    return _and([f"the {name} from {old} to {new}" for name, old, new in token_changes(before, after)])


def token_description(facts: Mapping[str, Any]) -> str:
    """A token as it was, for a deletion or creation: 'Stripe ••••4242 for invoice ID 300001, notes “…”'."""
    words = {field: token_value_words(field, facts.get(field)) for field in TOKEN_FIELDS}
    described = " ".join(words[field] for field in ("provider", "token") if words[field] != NONE)
    if words["coworker_invoice_id"] != NONE:
        described = f"{described} for invoice ID {words['coworker_invoice_id']}".strip()
    if words["notes"] != NONE:
        described = f"{described}, notes {words['notes']}" if described else f"notes {words['notes']}"
    return described


def _token_write_words(action: str, summary: Mapping[str, Any]) -> tuple[str, str, str]:
    """(done, attempted, what) for a token's write, from its filed request: what was sent, and `before`,
    the record as read just before (rows filed before it was kept have none)."""
    before = summary.get("before")
    after = {key: value for key, value in summary.items() if key != "before"}
    done, attempted = _VERBS[action]
    if action == AuditRecord.Action.CREATE:
        described = token_description(after)
        return done, attempted, f"it ({described})" if described else "it"
    if action == AuditRecord.Action.DELETE:
        described = token_description(before) if isinstance(before, Mapping) else ""
        return done, attempted, f"the token (it was {described})" if described else "the token"
    if not isinstance(before, Mapping):
        now = ", ".join(f"{TOKEN_FIELDS[field]} {token_value_words(field, after.get(field))}" for field in _EDITABLE)
        return done, attempted, f"the token (to {now})"
    changed = token_change_words(before, after)
    if changed:
        return done, attempted, changed
    same = ", ".join(f"{TOKEN_FIELDS[field]} {token_value_words(field, before.get(field))}" for field in _EDITABLE)
    return "saved", "save", f"the token with nothing different ({same})"


def _and(parts: list[str]) -> str:
    return " and ".join(parts) if len(parts) < 3 else ", ".join(parts[:-1]) + " and " + parts[-1]
