"""The audit trail table: the shared htmx table template over our own database."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from dashboard.core.tables import NexudusTable
from dashboard.core.templatetags.billing import ago, long_text

from .models import AuditRecord

DETAIL_URLS = {
    "payment_token": "payment_tokens:detail",
    "ledger_entry": "ledger:detail",
    "statement_import": "statements:results",
}
SUMMARY_PREVIEW = 160


def record_url(resource: str, record_id: int | None) -> str | None:
    name = DETAIL_URLS.get(resource)
    if name is None or record_id is None:
        return None
    try:
        return reverse(name, args=[record_id])
    except NoReverseMatch:
        return None


def answer_words(record: AuditRecord) -> str:
    """What Nexudus answered, in one line."""
    answer = record.answer_summary or {}
    if record.action == AuditRecord.Action.EXPORT:
        rows = answer.get("rows")
        text = f"{rows:,} rows" if isinstance(rows, int) else ""
        return f"{text}{'; ' if text and answer.get('stopped') else ''}{answer.get('stopped', '')}"
    if answer.get("errors"):
        return "; ".join(
            f"{e.get('property') or e.get('field') or 'Record'}: {e.get('message')}" for e in answer["errors"]
        )
    if answer.get("id") is not None and record.outcome == AuditRecord.Outcome.SUCCESS:
        return f"Id {answer['id']}"
    return answer.get("message") or answer.get("reason") or ""


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


def _field_words(values: dict) -> str:
    parts = []
    for key, value in values.items():
        if key in _PAGING or value in (None, "", [], {}):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        parts.append(f"{FIELD_WORDS.get(key, key.replace('_', ' '))} {shown}")
    return ", ".join(parts)


def request_words(record: AuditRecord) -> str:
    """What was asked, in words: "Exported ledger entries: business Canal Works, code PAYM"."""
    summary = record.request_summary or {}
    if not isinstance(summary, dict):
        return str(summary)
    if record.action == AuditRecord.Action.EXPORT:
        what = _PLURALS.get(record.resource, record.resource.replace("_", " "))
        filters = summary.get("filters")
        words = _field_words(filters) if isinstance(filters, dict) else ""
        return f"Exported {what}: {words}" if words else f"Exported all {what}"
    return _field_words(summary)


def _preview(text: str) -> str:
    return long_text(text, SUMMARY_PREVIEW)


class AuditRecordTable(NexudusTable):
    caption = "Audit records"
    preference_key = "audit"
    always_visible = ("at",)
    empty_hint = "Try fewer filters or a wider date range."

    at = tables.Column(verbose_name="When", attrs={"td": {"class": "nowrap"}})
    actor_email = tables.Column(verbose_name="Person")
    action = tables.Column(verbose_name="Action")
    resource = tables.Column(verbose_name="Record type")
    record_id = tables.Column(verbose_name="Record ID")
    outcome = tables.Column(verbose_name="Outcome")
    answer = tables.Column(verbose_name="Nexudus answered", accessor="answer_summary", orderable=False)
    request = tables.Column(
        verbose_name="Request", accessor="request_summary", orderable=False, attrs={"td": {"class": "notes"}}
    )
    request_id = tables.Column(verbose_name="Request ID", orderable=False, attrs={"td": {"class": "request-id"}})

    class Meta(NexudusTable.Meta):
        sequence = (
            "at",
            "actor_email",
            "action",
            "resource",
            "record_id",
            "outcome",
            "answer",
            "request",
            "request_id",
        )

    def render_at(self, value):
        return ago(value)

    def render_action(self, record: AuditRecord) -> str:
        return record.get_action_display()

    def render_resource(self, value: str) -> str:
        return dict(RESOURCE_LABELS).get(value, value)

    def render_record_id(self, record: AuditRecord):
        url = record_url(record.resource, record.record_id)
        return format_html('<a href="{}">{}</a>', url, record.record_id) if url else record.record_id

    def render_outcome(self, record: AuditRecord):
        return format_html('<span class="outcome outcome-{}">{}</span>', record.outcome, record.get_outcome_display())

    def render_answer(self, record: AuditRecord):
        return _preview(answer_words(record)) or "—"

    def render_request(self, record: AuditRecord):
        return _preview(request_words(record)) or "—"


RESOURCE_LABELS = (
    ("payment_token", "Payment token"),
    ("ledger_entry", "Ledger entry"),
    ("statement_import", "Bank statement import"),
    ("session", "Session"),
)
