"""The compact tbody (core.table_body) renders exactly the cells tables2's own template renders, and the
memoised signature answers what tables2's would."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django_tables2 import utils as tables2_utils

from dashboard.core.listing.query import TableParams
from dashboard.core.listing.search import build_table
from dashboard.core.table_body import compact_tbody
from dashboard.core.tables import NexudusTable
from dashboard.ledger.tables import CustomerLedgerTable, LedgerEntryTable
from dashboard.nexudus.enums import PaymentProvider
from dashboard.nexudus.queries import PaymentTokenQuery
from dashboard.nexudus.records import LedgerEntry
from dashboard.payment_tokens.tables import PaymentTokenTable
from dashboard.runtime.tables2_signature import _uncached_signature, cached_signature
from tests.records import make_ledger_entry

from .fakes import FakePaymentTokenSearch, make_tokens

STOCK_TBODY = Template(
    "{% load django_tables2 %}{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>"
    "{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }}>{% if column.localize == None %}"
    "{{ cell }}{% else %}{% if column.localize %}{{ cell|localize }}{% else %}{{ cell|unlocalize }}{% endif %}"
    "{% endif %}</td>{% endfor %}</tr>{% endfor %}"
)
CELL = re.compile(r"<td[^>]*>.*?</td>", re.S)


def stock_cells(table) -> list[str]:
    return CELL.findall(STOCK_TBODY.render(Context({"table": table})))


def compact_cells(table) -> list[str]:
    return CELL.findall(str(compact_tbody(table)))


def _paged(table_class, records, **kwargs):
    table = table_class(records, **kwargs)
    table.paginate(page=1, per_page=25)
    return table


def ledger_entry(i: int, **overrides) -> LedgerEntry:
    values = dict(
        id=i,
        business_id=1002,
        business_name="Canal <Works>",
        currency_code="GBP",
        coworker_id=20 + i,
        coworker_full_name=f"Ana & Bo {i}",
        coworker_invoice_id=(300 + i) if i % 2 else None,
        invoice_number=f"INV-{i}" if i % 2 else None,
        invoice_total_amount=None,
        invoice_bill_to_name=None,
        invoice_paid=None,
        invoice_paid_on=None,
        invoice_refunded=None,
        invoice_refunded_on=None,
        invoice_due_date=None,
        description="d" * (i * 7),
        code="PAYM",
        debit=Decimal("0"),
        credit=Decimal(f"{i}.5"),
        balance=Decimal(f"-{i}"),
        payment_gateway=PaymentProvider.parse("Stripe"),
        payment_method_number=None,
        transaction_date=datetime(2025, 7, 1, 8, i, tzinfo=UTC) if i % 3 else None,
        transaction_date_local=None,
        billed=bool(i % 2),
        connected_transaction_guid=None,
        created_on=None,
        updated_on=None,
        updated_by=None,
    )
    return make_ledger_entry(**{**values, **overrides})


def test_payment_token_cells_are_identical():
    tokens = make_tokens(30)
    tokens[3] = replace(tokens[3], coworker_invoice_id=None, notes=None, token=None, created_on=None)
    tokens[4] = replace(tokens[4], notes="<b>" + "x" * 100)
    table = build_table(
        PaymentTokenTable,
        search=FakePaymentTokenSearch(tokens),
        query=PaymentTokenQuery(),
        params=TableParams(page=1, per_page=25, sort="id"),
    )
    assert len(compact_cells(table)) == 25 * 9
    assert compact_cells(table) == stock_cells(table)


@pytest.mark.parametrize("table_class", [LedgerEntryTable, CustomerLedgerTable])
def test_ledger_cells_are_identical(table_class):
    table = _paged(table_class, [ledger_entry(i) for i in range(1, 13)])
    assert compact_cells(table) and compact_cells(table) == stock_cells(table)


def test_hidden_columns_are_left_out():
    table = _paged(LedgerEntryTable, [ledger_entry(i) for i in range(1, 4)])
    table.columns.hide("description")
    assert compact_cells(table) == stock_cells(table)
    assert len(compact_cells(table)) == 3 * (len(LedgerEntryTable.base_columns) - 1)


@dataclass(frozen=True)
class Thing:
    id: int
    name: str | None
    amount: float
    when: datetime | None

    def label(self):
        return f"thing {self.id}"


class UnusualTable(NexudusTable):
    """Columns that take tables2's own per-cell path (record-dependent td attrs, localize, a callable
    accessor, dotted accessors, a table-wide default, a render wanting an argument cells never give)."""

    id = tables.Column(attrs={"td": {"data-id": lambda record: record.id}})
    name = tables.Column(default="nobody", linkify=lambda record: f"/t/{record.id}/" if record.id % 2 else None)
    amount = tables.Column(localize=False)
    when = tables.Column()
    label = tables.Column(accessor="label")
    dotted = tables.Column(accessor="name__upper")
    odd = tables.Column(accessor="id", empty_values=())

    def render_odd(self, value, bound_row, missing):  # pragma: no cover - never called: `missing` unknown
        return "never"


def test_unusual_columns_fall_back_to_the_stock_cell():
    things = [Thing(i, None if i == 2 else f"n<{i}>", 1234.5 * i, datetime(2025, 1, i, tzinfo=UTC)) for i in (1, 2, 3)]
    table = _paged(UnusualTable, things, row_attrs={"data-row": lambda record: record.id})
    assert compact_cells(table) == stock_cells(table)
    assert 'data-row="2"' in str(compact_tbody(table))


def test_no_rows_leaves_the_empty_state_to_the_template():
    table = _paged(PaymentTokenTable, [])
    assert compact_tbody(table) == ""
    html = PaymentTokenTable([]).as_html(RequestFactory().get("/payment-tokens/?token=x"))
    assert "No payment tokens match" in html


class _Owner:
    def method(self, value, record):
        return value

    def star(self, value, **rest):
        return value


@pytest.mark.parametrize(
    "fn",
    [
        lambda record: record,
        lambda value, *args, **kwargs: value,
        _Owner().method,
        _Owner().star,
        _Owner.method,
        len,
    ],
)
def test_cached_signature_matches_tables2(fn):
    assert cached_signature(fn) == _uncached_signature(fn)
    assert cached_signature(fn) == _uncached_signature(fn)  # and again, from the cache


def test_the_cache_is_installed_and_keeps_no_table_alive():
    import gc
    import weakref

    assert tables2_utils.signature is cached_signature
    owner = _Owner()
    cached_signature(owner.method)
    alive = weakref.ref(owner)
    del owner
    gc.collect()
    assert alive() is None


def test_memoised_attributes_render_as_tables2_renders_them():
    from django_tables2.utils import AttributeDict

    from dashboard.core.table_body import attrs_html

    for attrs in ({"class": "a b", "data-x": '"<>'}, {"data-n": 1}, {"data-n": True}, {"x": None}, {}):
        assert attrs_html(attrs) == AttributeDict(attrs).as_html()
        assert attrs_html(attrs) == AttributeDict(attrs).as_html()  # and again, from the memo
    calls = iter(["one", "two"])
    assert attrs_html({"data-c": lambda: next(calls)}) == 'data-c="one"'
    assert attrs_html({"data-c": lambda: next(calls)}) == 'data-c="two"'  # callables are never memoised
