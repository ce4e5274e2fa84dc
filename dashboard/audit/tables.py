"""The audit trail table: the shared htmx table template over our own database."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from dashboard.core.links import link_html
from dashboard.core.tables import NexudusTable
from dashboard.core.templatetags.billing import ago, long_text

from .models import AuditRecord
from .wording import answer_words, request_words

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
        return link_html(url, record.record_id) if url else record.record_id

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
