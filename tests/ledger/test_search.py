"""Searching ledger entries against the sandbox: every filter and range filter, sorting, paging, one
upstream call per render, and invalid filters that never reach Nexudus."""

from __future__ import annotations

import re

import pytest

from .helpers import SEARCH, api_ids, api_page, api_total, calls, row_ids

URL = "/ledger-entries/"
LE = "CoworkerLedgerEntry"
DEFAULT_SORT = {"orderBy": "TransactionDate", "dir": -1}


def _an_invoice_with_entries(upstream) -> dict:
    records = api_page(upstream, **{f"from_{LE}_Credit": 1, "size": 50})["Records"]
    return next(r for r in records if r["CoworkerInvoiceId"] and r["CoworkerInvoiceInvoiceNumber"])


# (dashboard query, the same search as Nexudus wire parameters). Dates are in winter, when the dashboard's
# time zone (Europe/London) is UTC, so the wire values read the same.
FILTERS = [
    ({"business": "1002"}, {f"{LE}_Business": 1002}),
    ({"business": "manchester"}, {f"{LE}_Business_Name": "manchester"}),
    ({"coworker": "20001"}, {f"{LE}_Coworker": 20001}),
    ({"coworker": "#20001"}, {f"{LE}_Coworker": 20001}),
    ({"coworker": "olivia"}, {f"{LE}_Coworker_FullName": "olivia"}),
    ({"description": "locker"}, {f"{LE}_Description": "locker"}),
    ({"code": "PAYM"}, {f"{LE}_Code": "PAYM"}),
    ({"payment_gateway": "4"}, {f"{LE}_PaymentGatewayName": 4}),
    ({"billed": "true"}, {f"{LE}_Billed": "true"}),
    ({"billed": "false"}, {f"{LE}_Billed": "false"}),
    ({"debit_from": "10", "debit_to": "50"}, {f"from_{LE}_Debit": "10", f"to_{LE}_Debit": "50"}),
    ({"debit_from": "500"}, {f"from_{LE}_Debit": "500"}),
    ({"credit_from": "100.5", "credit_to": "200"}, {f"from_{LE}_Credit": "100.5", f"to_{LE}_Credit": "200"}),
    ({"credit_to": "5"}, {f"to_{LE}_Credit": "5"}),
    ({"balance_from": "-50", "balance_to": "0"}, {f"from_{LE}_Balance": "-50", f"to_{LE}_Balance": "0"}),
    (
        {"transaction_from": "2026-01-10T00:00", "transaction_to": "2026-02-01T12:30"},
        {f"from_{LE}_TransactionDate": "2026-01-10T00:00", f"to_{LE}_TransactionDate": "2026-02-01T12:30"},
    ),
    (
        {"created_from": "2025-12-01T00:00", "created_to": "2025-12-24T00:00"},
        {f"from_{LE}_CreatedOn": "2025-12-01T00:00", f"to_{LE}_CreatedOn": "2025-12-24T00:00"},
    ),
    ({"updated_from": "2026-02-20T08:00"}, {f"from_{LE}_UpdatedOn": "2026-02-20T08:00"}),
    ({"updated_to": "2024-12-01T00:00"}, {f"to_{LE}_UpdatedOn": "2024-12-01T00:00"}),
]


@pytest.mark.parametrize(("query", "wire"), FILTERS, ids=lambda value: "&".join(f"{k}={v}" for k, v in value.items()))
def test_each_filter_shows_exactly_what_nexudus_returns_for_it(ops_client, upstream, query, wire):
    expected = api_ids(upstream, **wire, **DEFAULT_SORT, size=25)
    assert expected, "the seed should match this filter"
    assert 0 < api_total(upstream, **wire) < api_total(upstream)  # the filter really narrows
    upstream.reset_counters()
    response = ops_client.get(URL, query)
    assert response.status_code == 200
    assert row_ids(response) == expected
    assert calls(upstream) == 1 and calls(upstream, SEARCH) == 1


@pytest.mark.parametrize("by", ["id", "number"])
def test_invoice_filter_takes_an_id_or_a_number(ops_client, upstream, by):
    entry = _an_invoice_with_entries(upstream)
    if by == "id":
        query, wire = entry["CoworkerInvoiceId"], {f"{LE}_CoworkerInvoice": entry["CoworkerInvoiceId"]}
    else:
        query = entry["CoworkerInvoiceInvoiceNumber"]
        wire = {f"{LE}_CoworkerInvoice_InvoiceNumber": query}
    ids = row_ids(ops_client.get(URL, {"invoice": query}))
    assert entry["Id"] in ids
    assert ids == api_ids(upstream, **wire, **DEFAULT_SORT, size=25)


def test_filters_combine(ops_client, upstream):
    wire = {f"{LE}_Business": 1001, f"{LE}_Code": "PAYM", f"from_{LE}_Credit": "50"}
    ids = row_ids(ops_client.get(URL, {"business": "1001", "code": "PAYM", "credit_from": "50"}))
    assert ids and ids == api_ids(upstream, **wire, **DEFAULT_SORT, size=25)


@pytest.mark.parametrize(
    ("sort", "order_by", "direction"),
    [
        ("debit", "Debit", 1),
        ("-debit", "Debit", -1),
        ("balance", "Balance", 1),
        ("-credit", "Credit", -1),
        ("coworker_full_name", "CoworkerFullName", 1),
        ("-business_name", "BusinessName", -1),
        ("invoice_number", "CoworkerInvoiceInvoiceNumber", 1),
        ("id", "Id", 1),
        ("-id", "Id", -1),
        ("payment_gateway", "PaymentGatewayName", 1),
        ("billed", "Billed", 1),
        ("code", "Code", 1),
    ],
)
def test_sorting_is_done_by_nexudus(ops_client, upstream, sort, order_by, direction):
    upstream.reset_counters()
    response = ops_client.get(URL, {"sort": sort, "code": "CHRG"})
    assert calls(upstream) == 1
    assert row_ids(response) == api_ids(upstream, **{f"{LE}_Code": "CHRG"}, orderBy=order_by, dir=direction, size=25)
    assert 'aria-sort="' in response.content.decode()


def test_default_order_is_newest_transaction_first(ops_client, upstream):
    assert row_ids(ops_client.get(URL)) == api_ids(upstream, **DEFAULT_SORT, size=25)


@pytest.mark.parametrize(("page", "per_page"), [(2, 25), (3, 50), (1, 100)])
def test_paging_asks_nexudus_for_one_page(ops_client, upstream, page, per_page):
    upstream.reset_counters()
    response = ops_client.get(URL, {"page": page, "per_page": per_page, "sort": "id"})
    assert calls(upstream) == 1
    assert row_ids(response) == api_ids(upstream, orderBy="Id", dir=1, page=page, size=per_page)
    total = api_total(upstream)
    assert f"of {total:,}" in response.content.decode()


def test_page_size_is_capped(ops_client, upstream):
    response = ops_client.get(URL, {"per_page": 100000, "sort": "id"})
    assert len(row_ids(response)) == 100


def test_htmx_request_gets_only_the_results_and_the_url_is_pushed(ops_client, upstream):
    response = ops_client.get(URL, {"code": "PAYM", "junk": "x"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"') and "<html" not in html
    assert response["HX-Push-Url"] == "/ledger-entries/?code=PAYM"
    assert "HX-Request" in response["Vary"]
    full = ops_client.get(URL, {"code": "PAYM"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in full.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"debit_from": "abc"},
        {"credit_to": "NaN"},
        {"balance_from": "1.23456"},
        {"debit_from": "50", "debit_to": "10"},
        {"transaction_from": "2026-13-01T00:00"},
        {"created_from": "2026-02-01T00:00", "created_to": "2026-01-01T00:00"},
        {"payment_gateway": "10"},
        {"coworker": "99999999999"},
        {"description": "x" * 1000},
    ],
)
def test_invalid_filters_are_explained_and_never_sent(ops_client, upstream, query):
    upstream.reset_counters()
    response = ops_client.get(URL, query)
    assert response.status_code == 200
    assert "Check the filters" in response.content.decode()
    assert calls(upstream) == 0


def test_customer_names_link_to_their_ledger(ops_client, upstream):
    record = api_page(upstream, **DEFAULT_SORT, size=1)["Records"][0]
    html = ops_client.get(URL).content.decode()
    assert f'<a href="/customers/{record["CoworkerId"]}/ledger/">' in html


def test_amounts_show_their_currency_right_aligned_and_gateway_by_name(ops_client, upstream):
    html = ops_client.get(URL, {"business": "1003", "code": "PAYM", "payment_gateway": "4"}).content.decode()
    assert '<td class="money">EUR ' in html
    assert "<td >Stripe</td>" in html


def test_search_shows_upstream_problems_in_the_table_area(ops_client, upstream):
    upstream.fault("status", count=10, status=503, path="/api/billing/coworkerledgerentries", method="GET")
    response = ops_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and "upstream-problem" in html and ">Retry<" in html
    assert "Nexudus isn&#x27;t answering" in html or "Nexudus had a problem" in html


def test_agent_can_search(agent_client, upstream):
    assert row_ids(agent_client.get(URL)) == api_ids(upstream, **DEFAULT_SORT, size=25)


PANEL = re.compile(r'<details class="filter-panel"[^>]*>')


@pytest.mark.parametrize(
    ("query", "folded"),
    [
        ({}, True),  # results: folded on a phone (open in the markup, app.js folds it there)
        ({"code": "PAYM"}, True),
        ({"code": "NO-SUCH-CODE"}, False),  # nothing found: open, to change the filters
        ({"debit_from": "abc"}, False),  # a filter to fix: open
    ],
)
def test_the_filters_fold_on_a_phone_only_while_there_are_results_and_no_filter_is_wrong(
    ops_client, upstream, query, folded
):
    panel = PANEL.search(ops_client.get(URL, query).content.decode()).group(0)
    assert 'data-filter-panel="narrow"' in panel and " open" in panel  # wide screens: always open
    assert ("data-folded" in panel) is folded
