"""The remote TableData adapter and the shared table template: one fetch per render, page alignment,
sort mapping, accessibility and htmx attributes."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_tables2.utils import OrderByTuple

from dashboard.core.listing.query import TableParams
from dashboard.core.listing.search import build_table
from dashboard.core.tables import NexudusTableData
from dashboard.nexudus.queries import PaymentTokenQuery
from dashboard.payment_tokens.tables import PaymentTokenTable

from .fakes import FakePaymentTokenSearch, make_tokens


def _table(records=60, *, page=1, per_page=25, sort="id"):  # the table's own default is newest first
    search = FakePaymentTokenSearch(make_tokens(records))
    query = PaymentTokenQuery(page=page, size=per_page)
    table = build_table(
        PaymentTokenTable, search=search, query=query, params=TableParams(page=page, per_page=per_page, sort=sort)
    )
    return table, search


def test_one_search_answers_both_the_count_and_the_page():
    table, search = _table(60, page=2)
    rows = list(table.paginated_rows)
    assert len(search.queries) == 1
    assert table.paginator.count == 60
    assert [row.record.id for row in rows] == list(range(26, 51))


def test_last_partial_page_is_sliced_from_the_same_fetch():
    table, search = _table(60, page=3)
    assert [row.record.id for row in table.paginated_rows] == list(range(51, 61))
    assert len(search.queries) == 1


def test_a_page_past_the_end_falls_back_to_the_last_page():
    table, search = _table(60, page=9)
    assert table.page.number == 3
    assert [q.page for q in search.queries] == [9, 3]


def test_unaligned_slice_is_refused():
    data = NexudusTableData(search=FakePaymentTokenSearch(make_tokens(60)), query=PaymentTokenQuery(size=25))
    with pytest.raises(AssertionError):
        data[10:35]


@pytest.mark.parametrize(
    ("sort", "order_by", "descending"),
    [
        ("created_on", "created_on", False),
        ("-created_on", "created_on", True),
        ("-id", "id", True),
        ("coworker_invoice_id", "coworker_invoice_id", False),
    ],
)
def test_sorting_a_column_becomes_the_query_order(sort, order_by, descending):
    _, search = _table(30, sort=sort)
    assert (search.queries[0].order_by, search.queries[0].descending) == (order_by, descending)


def test_a_column_nexudus_cannot_sort_is_not_sent():
    _, search = _table(30, sort="token")
    assert search.queries[0].order_by is None


def test_order_must_be_set_before_fetching():
    data = NexudusTableData(search=FakePaymentTokenSearch(make_tokens(3)), query=PaymentTokenQuery())
    PaymentTokenTable(data)
    len(data)
    with pytest.raises(RuntimeError):
        data.order_by(OrderByTuple(["id"]))


def test_summary_counts_from_the_total():
    table, _ = _table(1234, page=2)
    assert table.summary == "Showing 26–50 of 1,234"


def _render(table, path="/payment-tokens/?page=2&sort=-created_on"):
    request = RequestFactory().get(path)
    from django.template.loader import render_to_string

    return render_to_string("core/_table.html", {"table": table}, request=request)


def test_template_has_caption_column_scopes_and_the_provider_column():
    table, _ = _table(60, page=2, sort="-created_on")
    html = _render(table)
    assert "<caption>Payment tokens" in html
    assert html.count('scope="col"') == 9  # the invoice id is in the file, not on screen (the number is)
    assert "Provider" in html[html.index("<thead") : html.index("</thead>")]
    assert 'aria-sort="descending"' in html


def test_sort_and_page_links_keep_a_real_href_and_swap_only_the_results():
    table, _ = _table(60, page=2, sort="-created_on")
    html = _render(table)
    # Sorting goes back to page 1 and keeps the other parameters.
    assert 'href="/payment-tokens/?sort=created_on"' in html
    assert 'hx-get="/payment-tokens/?sort=created_on"' in html
    assert 'href="/payment-tokens/?page=3&amp;sort=-created_on"' in html
    assert 'hx-target="#results"' in html and 'hx-push-url="true"' in html
    assert 'hx-swap="outerHTML"' in html


def test_page_size_select_and_sort_belong_to_the_filter_form():
    table, _ = _table(60, page=1, per_page=50, sort="-created_on")
    html = _render(table)
    assert 'name="per_page" form="search-form"' in html
    assert '<option value="50" selected>' in html
    assert 'name="sort" value="-created_on" form="search-form"' in html


def test_masked_token_and_truncated_notes():
    from dataclasses import replace

    search = FakePaymentTokenSearch([replace(make_tokens(1)[0], token="pm_1234567890abcd", notes="x" * 100)])
    table = build_table(
        PaymentTokenTable, search=search, query=PaymentTokenQuery(), params=TableParams(page=1, per_page=25, sort=None)
    )
    html = _render(table, "/payment-tokens/")
    assert "pm_1234567890abcd" not in html
    assert "abcd" in html
    assert f'title="{"x" * 100}"' in html


def test_empty_state_says_what_to_try():
    table, _ = _table(0)
    html = _render(table, "/payment-tokens/?token=zzz")
    assert "No payment tokens match" in html
    assert "clear the filters" in html
