"""The table built in Python (core.table_html: caption, header row, rows, empty state, pager) is the same HTML,
parsed, as django-tables2's own rendering through its stock template with the blocks core/_table.html used
to override in the template language, for any records, hidden columns, sort, page and query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.test import RequestFactory
from django.test.html import parse_html
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.listing.query import TableParams
from dashboard.core.listing.search import build_table
from dashboard.ledger.tables import CustomerLedgerTable, LedgerEntryTable
from dashboard.nexudus.enums import PaymentProvider, RegularPaymentProvider, UnknownMember
from dashboard.nexudus.queries import PaymentTokenQuery
from dashboard.payment_tokens.selectors import TokenRow
from dashboard.payment_tokens.tables import PaymentTokenTable
from tests.core.fakes import page_of
from tests.records import make_invoice, make_ledger_entry, make_payment_token

#: django-tables2's stock `table.html` (its tbody: `row.items`, `column.attrs.td`, `{{ cell }}`), with the
#: caption, header row, pager and empty state core/_table.html had as template blocks before they moved to
#: Python (stock_table.html). One documented difference from stock: rows carry no even/odd class unless a
#: table sets row_attrs.
STOCK = Template((Path(__file__).parent / "stock_table.html").read_text())

#: A fixed "now", so relative dates ("3 hours ago") cannot differ between the two renders.
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)

hostile = st.one_of(
    st.sampled_from(["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "Ana & Bo's", "{{ x }}", "—"]),
    st.text(max_size=80),
)
maybe_text = st.none() | st.just("") | hostile
moments = st.none() | st.builds(
    lambda seconds: NOW - timedelta(seconds=seconds), st.integers(min_value=-(10**7), max_value=10**9)
)
ids = st.integers(min_value=1, max_value=10**9)
amounts = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12),
    st.decimals(allow_nan=False, allow_infinity=False),  # any size and precision Nexudus might send
)
currencies = st.none() | st.sampled_from(["GBP", "JPY", "KWD", "eur", "", "<b>"])


def _enum(enum):
    return st.none() | st.sampled_from(list(enum)) | st.builds(lambda raw: UnknownMember(enum.__name__, raw), hostile)


token_rows = st.builds(
    lambda token, invoice, missing: TokenRow(record=token, invoice=invoice, related_missing=missing),
    st.builds(
        make_payment_token,
        id=ids,
        coworker_invoice_id=st.none() | ids,
        provider=_enum(RegularPaymentProvider),
        token=maybe_text,
        notes=maybe_text,
        created_on=moments,
        updated_on=moments,
        updated_by=maybe_text,
    ),
    st.none()
    | st.builds(
        make_invoice, id=ids, invoice_number=maybe_text, coworker_id=st.none() | ids, coworker_full_name=maybe_text
    ),
    st.booleans(),
)

ledger_entries = st.builds(
    make_ledger_entry,
    id=ids,
    business_name=maybe_text,
    currency_code=currencies,
    coworker_id=st.none() | ids,
    coworker_full_name=maybe_text,
    coworker_invoice_id=st.none() | ids,
    invoice_number=maybe_text,
    description=st.just("") | hostile | st.text(min_size=40, max_size=200),
    code=st.just("") | hostile,
    debit=amounts,
    credit=amounts,
    balance=amounts,
    payment_gateway=_enum(PaymentProvider),
    transaction_date=moments,
    billed=st.none() | st.booleans(),
)


class _Search:
    """One page of the records in the order given (the sort is the table's state, not what is checked)."""

    def __init__(self, records):
        self.records = records

    def __call__(self, query):
        return page_of(self.records, query, at_least_one_page=True)


def _sorts(table_class):
    orderable = [name for name, column in table_class.base_columns.items() if column.orderable is not False]
    signed = st.builds(lambda name, down: f"-{name}" if down else name, st.sampled_from(orderable), st.booleans())
    return st.none() | signed


def _hidden(table_class):
    names = [name for name in table_class.base_columns if name not in table_class.always_visible]
    return st.lists(st.sampled_from(names), unique=True, max_size=4)


query_states = st.none() | st.dictionaries(
    st.sampled_from(["provider", "q", "business", "sort", "page", "per_page", "<x>"]), hostile, max_size=3
)


def _render_both(table_class, records, *, sort, hidden, page, per_page, state):
    table = build_table(
        table_class,
        search=_Search(records),
        query=PaymentTokenQuery(page=page, size=per_page),
        params=TableParams(page=page, per_page=per_page, sort=sort),
    )
    for name in hidden:
        table.columns.hide(name)
    if state is not None:
        query = QueryDict(mutable=True)
        for key, value in state.items():
            query[key] = value
        table.query_state = query
    request = RequestFactory().get("/a path/<list>/", {"q": "<i>", "page": str(page)})
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        fast = table.as_html(request)
        stock = STOCK.render(Context({"table": table, "request": request}))
    return fast, stock


def _assert_same_html(fast: str, stock: str) -> None:
    assert parse_html(fast) == parse_html(stock)


@settings(max_examples=40, deadline=None)
@given(
    records=st.lists(token_rows, max_size=30),
    sort=_sorts(PaymentTokenTable),
    hidden=_hidden(PaymentTokenTable),
    page=st.integers(min_value=1, max_value=4),
    per_page=st.sampled_from([5, 25]),
    state=query_states,
)
def test_the_token_table_is_stock_tables2_html(records, sort, hidden, page, per_page, state):
    _assert_same_html(
        *_render_both(PaymentTokenTable, records, sort=sort, hidden=hidden, page=page, per_page=per_page, state=state)
    )


@settings(max_examples=40, deadline=None)
@given(
    table_class=st.sampled_from([LedgerEntryTable, CustomerLedgerTable]),
    records=st.lists(ledger_entries, max_size=30),
    data=st.data(),
    page=st.integers(min_value=1, max_value=4),
    per_page=st.sampled_from([5, 25]),
    state=query_states,
)
def test_the_ledger_tables_are_stock_tables2_html(table_class, records, data, page, per_page, state):
    sort = data.draw(_sorts(table_class))
    hidden = data.draw(_hidden(table_class))
    _assert_same_html(
        *_render_both(table_class, records, sort=sort, hidden=hidden, page=page, per_page=per_page, state=state)
    )


@pytest.mark.parametrize("state", [None, {"q": "<b>nothing</b>"}])
def test_the_empty_state_is_stock_tables2_html(state):
    fast, stock = _render_both(LedgerEntryTable, [], sort=None, hidden=[], page=1, per_page=25, state=state)
    _assert_same_html(fast, stock)
    assert "No ledger entries match." in fast and "empty-state" in fast


def test_the_comparison_sees_a_changed_cell():
    """The check above can fail: one cell's text differing is a different document."""
    fast, stock = _render_both(
        LedgerEntryTable, [make_ledger_entry(id=7, code="PAYM")], sort=None, hidden=[], page=1, per_page=25, state=None
    )
    assert parse_html(fast.replace(">PAYM<", ">PAYN<")) != parse_html(stock)
    assert 'class="striped"' in fast and 'scope="col"' in fast and "PAYM" in fast


def test_money_dates_links_and_masked_tokens_survive_in_both():
    row = TokenRow(
        record=make_payment_token(
            id=5, coworker_invoice_id=300, token="tok_secret1234", notes="<b>n</b>", created_on=NOW - timedelta(hours=3)
        ),
        invoice=make_invoice(id=300, invoice_number="INV-9", coworker_id=42, coworker_full_name="Ana <A>"),
    )
    fast, stock = _render_both(PaymentTokenTable, [row], sort="-created_on", hidden=[], page=1, per_page=25, state=None)
    _assert_same_html(fast, stock)
    assert "secret" not in fast and "1234" in fast
    assert '<a href="/payment-tokens/5/">5</a>' in fast and '<a href="/invoices/300/">INV-9</a>' in fast
    assert "&lt;b&gt;n&lt;/b&gt;" in fast and "3 hours ago</time>" in fast and 'aria-sort="descending"' in fast
    entry = make_ledger_entry(id=8, currency_code="KWD", debit=Decimal("1234.5675"), transaction_date=NOW)
    fast, stock = _render_both(LedgerEntryTable, [entry], sort=None, hidden=[], page=1, per_page=25, state=None)
    _assert_same_html(fast, stock)
    assert "KWD 1,234.568" in fast and '<time datetime="2026-06-15T13:00:00+01:00"' in fast
