"""The payment token listing. Provider is not in listings (Nexudus omits it from search records)."""

from __future__ import annotations

from operator import attrgetter

import django_tables2 as tables

from dashboard.core.links import record_url
from dashboard.core.tables import NexudusTable
from dashboard.core.templatetags.billing import ago, long_text, masked, when_text

NOTES_PREVIEW = 60


class PaymentTokenTable(NexudusTable):
    caption = "Payment tokens"
    preference_key = "payment_tokens"
    empty_hint = "Check the invoice ID, use part of the token or notes, or widen the dates."

    id = tables.Column(verbose_name="Id", linkify=lambda record: record_url("payment_tokens:detail", record.id))
    coworker_invoice_id = tables.Column(
        verbose_name="Coworker invoice ID",
        linkify=lambda record: f"/invoices/{record.coworker_invoice_id}/" if record.coworker_invoice_id else None,
    )
    # Sorting by a value people cannot see would look random, and would leak token order.
    token = tables.Column(verbose_name="Token", orderable=False, attrs={"td": {"class": "masked-token nowrap"}})
    notes = tables.Column(verbose_name="Notes", attrs={"td": {"class": "notes"}})
    created_on = tables.Column(verbose_name="Created", attrs={"td": {"class": "nowrap"}})
    updated_on = tables.Column(verbose_name="Updated", attrs={"td": {"class": "nowrap"}})
    updated_by = tables.Column(verbose_name="Updated by")

    class Meta(NexudusTable.Meta):
        sequence = ("id", "coworker_invoice_id", "token", "notes", "created_on", "updated_on", "updated_by")

    # Search records omit the provider (documented), so the export does too, like the table.
    csv = (
        "id",
        "coworker_invoice_id",
        ("token", "Token (masked)", attrgetter("masked_token")),
        "notes",
        ("created_on", "Created ({zone})"),
        ("updated_on", "Updated ({zone})"),
        "updated_by",
    )

    def render_token(self, value: str) -> str:
        return masked(value)

    def render_notes(self, value: str) -> str:
        return long_text(value, NOTES_PREVIEW)

    def render_created_on(self, value):
        return ago(value)

    def render_updated_on(self, value):
        return ago(value)

    def value_created_on(self, value):
        return when_text(value)

    def value_updated_on(self, value):
        return when_text(value)

    def value_token(self, value):
        return masked(value)
