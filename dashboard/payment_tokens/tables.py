"""The payment token listing. Its rows (`selectors.TokenRow`) carry the provider, invoice number and
customer that Nexudus's search records leave out, read per page in one batch call per resource."""

from __future__ import annotations

from operator import attrgetter

import django_tables2 as tables

from dashboard.core.links import record_url
from dashboard.core.tables import NexudusTable
from dashboard.core.templatetags.billing import ago, long_text, masked, when_text

from .selectors import provider_label

NOTES_PREVIEW = 60


def fact(row, name: str):
    """A fact a `TokenRow` adds (None on a bare search record, which the table also accepts)."""
    return getattr(row, name, None)


class PaymentTokenTable(NexudusTable):
    caption = "Payment tokens"
    preference_key = "payment_tokens"
    empty_hint = "Check the invoice ID, use part of the token or notes, or widen the dates."

    id = tables.Column(verbose_name="Id", linkify=lambda record: record_url("payment_tokens:detail", record.id))
    # Nexudus sorts tokens by their own fields only: the invoice's number and customer are not among them.
    invoice_number = tables.Column(
        verbose_name="Invoice",
        orderable=False,
        empty_values=(),
        linkify=lambda record: (
            record_url("invoices:invoice", record.coworker_invoice_id) if record.coworker_invoice_id else None
        ),
        attrs={"td": {"class": "nowrap"}},
    )
    coworker_full_name = tables.Column(
        verbose_name="Customer",
        orderable=False,
        linkify=lambda record: record_url("ledger:customer", cid) if (cid := fact(record, "coworker_id")) else None,
    )
    provider = tables.Column(verbose_name="Provider", orderable=False, empty_values=())
    coworker_invoice_id = tables.Column(verbose_name="Invoice ID", visible=False)
    # Sorting by a value people cannot see would look random, and would leak token order.
    token = tables.Column(verbose_name="Token", orderable=False, attrs={"td": {"class": "masked-token nowrap"}})
    notes = tables.Column(verbose_name="Notes", attrs={"td": {"class": "notes"}})
    created_on = tables.Column(verbose_name="Created", attrs={"td": {"class": "nowrap"}})
    updated_on = tables.Column(verbose_name="Updated", attrs={"td": {"class": "nowrap"}})
    updated_by = tables.Column(verbose_name="Updated by")

    class Meta(NexudusTable.Meta):
        sequence = (
            "id",
            "invoice_number",
            "coworker_full_name",
            "provider",
            "token",
            "notes",
            "created_on",
            "updated_on",
            "updated_by",
            "coworker_invoice_id",
        )
        order_by = ("-created_on",)  # newest first unless the person sorts

    csv = (
        "id",
        ("invoice_number", "Invoice number", lambda row: fact(row, "invoice_number")),
        "coworker_invoice_id",
        ("coworker_full_name", "Customer", lambda row: fact(row, "coworker_full_name")),
        ("provider", "Provider", lambda row: provider_label(row)),
        ("token", "Token (masked)", attrgetter("masked_token")),
        "notes",
        ("created_on", "Created ({zone})"),
        ("updated_on", "Updated ({zone})"),
        "updated_by",
    )

    def render_invoice_number(self, record) -> str:
        if number := fact(record, "invoice_number"):
            return str(number)
        if record.coworker_invoice_id:
            return f"Invoice {record.coworker_invoice_id}"
        return "—"

    def render_provider(self, record) -> str:
        return provider_label(record) or "not given by Nexudus"

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
