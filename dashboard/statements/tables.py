"""The results table of an import: one row per line, the same columns on the page and in the CSV."""

from __future__ import annotations

import django_tables2 as tables

from .models import StatementLine


def _postings(line: StatementLine):
    return list(line.postings.all())


class ImportResultTable(tables.Table):
    row = tables.Column(verbose_name="Row", orderable=False)
    date = tables.DateColumn(verbose_name="Date", format="j M Y", orderable=False)
    amount = tables.Column(verbose_name="Amount", orderable=False)
    reference = tables.Column(verbose_name="Reference", orderable=False)
    payer = tables.Column(verbose_name="Payer", orderable=False)
    verdict = tables.Column(verbose_name="Verdict", orderable=False)
    state = tables.Column(verbose_name="Outcome", orderable=False)
    invoices = tables.Column(verbose_name="Invoices", accessor="pk", orderable=False)
    entries = tables.Column(verbose_name="Ledger entries", accessor="pk", orderable=False)
    key = tables.Column(verbose_name="One-time key", orderable=False)
    message = tables.Column(verbose_name="Message", orderable=False)

    class Meta:
        model = StatementLine
        fields = ()
        orderable = False
        attrs = {"class": "statement-results"}

    def render_state(self, record: StatementLine) -> str:
        return record.get_state_display()

    def render_invoices(self, record: StatementLine) -> str:
        return ", ".join(p.invoice_number or "account credit" for p in _postings(record)) or "—"

    def value_invoices(self, record: StatementLine) -> str:
        return " ".join(p.invoice_number or "account" for p in _postings(record))

    def render_entries(self, record: StatementLine) -> str:
        return ", ".join(str(p.entry_id) for p in _postings(record) if p.entry_id) or "—"

    def value_entries(self, record: StatementLine) -> str:
        return " ".join(str(p.entry_id) for p in _postings(record) if p.entry_id)

    def value_amount(self, record: StatementLine) -> str:
        return f"{record.amount:.2f}"

    def value_date(self, record: StatementLine) -> str:
        return record.date.isoformat()
