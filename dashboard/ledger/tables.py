"""The ledger entries table (search page and a customer's ledger), on core's NexudusTable."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

import django_tables2 as tables

from dashboard.core.export.cells import ExportColumn
from dashboard.core.links import link_html, record_url
from dashboard.core.tables import NexudusTable
from dashboard.core.templatetags.billing import long_text, money, when
from dashboard.nexudus.records import LedgerEntry

DESCRIPTION_PREVIEW = 50


def invoice_url(invoice_id: int | None) -> str | None:
    """The invoice lookup page (`/invoices/<id>/`)."""
    return record_url("invoices:invoice", invoice_id) if invoice_id is not None else None


def customer_link(coworker_id: int | None, name: str | None) -> str:
    """Every customer name or id shown by the ledger pages links to their ledger."""
    label = name or (f"Customer {coworker_id}" if coworker_id else "")
    if coworker_id is None:
        return label
    return link_html(record_url("ledger:customer", coworker_id), label)


def _label(enum_value: Any) -> str | None:
    return enum_value.label if enum_value is not None else None


class MoneyColumn(tables.Column):
    """An amount in the entry's business currency, right-aligned."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "money"}, "td": {"class": "money"}})
        super().__init__(**kwargs)

    def render(self, value, record: LedgerEntry):
        return money(value, record.currency_code)


class LedgerEntryTable(NexudusTable):
    caption = "Ledger entries"
    preference_key = "ledger_entries"

    class Meta(NexudusTable.Meta):
        order_by = ("-transaction_date",)  # newest first unless the person sorts

    id = tables.Column(verbose_name="Id", linkify=lambda record: record_url("ledger:detail", record.id))
    transaction_date = tables.Column(verbose_name="Transaction date", attrs={"td": {"class": "nowrap"}})
    coworker_full_name = tables.Column(verbose_name="Customer")
    business_name = tables.Column(verbose_name="Business")
    invoice_number = tables.Column(verbose_name="Invoice number")
    description = tables.Column(verbose_name="Description", attrs={"td": {"class": "notes"}})
    code = tables.Column(verbose_name="Code", attrs={"td": {"class": "nowrap"}})
    debit = MoneyColumn(verbose_name="Debit")
    credit = MoneyColumn(verbose_name="Credit")
    balance = MoneyColumn(verbose_name="Balance")
    payment_gateway = tables.Column(verbose_name="Gateway")
    # None: Nexudus did not give it (live ledger records omit Billed), which is not "No".
    billed = tables.BooleanColumn(verbose_name="Billed", yesno="Yes,No", null=True, default="not given by Nexudus")

    # The file holds every field of an entry; money stays plain, with its currency in a column of its own.
    csv = (
        "id",
        ("transaction_date", "Transaction date ({zone})"),
        ExportColumn("Customer ID", attrgetter("coworker_id")),
        "coworker_full_name",
        ExportColumn("Business ID", attrgetter("business_id")),
        "business_name",
        ExportColumn("Invoice ID", attrgetter("coworker_invoice_id")),
        "invoice_number",
        "description",
        "code",
        "debit",
        "credit",
        "balance",
        ExportColumn("Currency", attrgetter("currency_code")),
        ("payment_gateway", "Payment gateway", lambda entry: _label(entry.payment_gateway)),
        ExportColumn("Payment method number", attrgetter("payment_method_number")),
        "billed",
        ExportColumn("Connected transaction GUID", attrgetter("connected_transaction_guid")),
        ExportColumn("Created ({zone})", attrgetter("created_on")),
        ExportColumn("Updated ({zone})", attrgetter("updated_on")),
        ExportColumn("Updated by", attrgetter("updated_by")),
    )

    def render_transaction_date(self, value):
        return when(value)

    def render_coworker_full_name(self, value, record: LedgerEntry):
        return customer_link(record.coworker_id, value)

    def render_invoice_number(self, value, record: LedgerEntry):
        url = invoice_url(record.coworker_invoice_id)
        return link_html(url, value) if url else value

    def render_description(self, value):
        return long_text(value, DESCRIPTION_PREVIEW)

    def render_payment_gateway(self, value):
        return value.label


class CustomerLedgerTable(LedgerEntryTable):
    """A customer's entries at one business, newest first; the balance column is the running balance."""

    caption = "Entries"
    preference_key = "customer_ledger"
    empty_hint = "This customer has no entries at this business."

    class Meta(LedgerEntryTable.Meta):
        exclude = ("coworker_full_name", "business_name")
        sequence = ("transaction_date", "id", "...")

    balance = MoneyColumn(verbose_name="Balance after")
