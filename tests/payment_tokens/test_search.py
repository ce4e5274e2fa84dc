"""Searching payment tokens against the sandbox: every filter and range filter, sorting, paging, the
page size cap, htmx fragments vs full pages, one upstream call per render, and problem states."""

from __future__ import annotations

import pytest

from .helpers import SEARCH, api_ids, api_total, calls, row_ids

URL = "/payment-tokens/"
P = "CoworkerInvoicePaymentToken"


def _search(client, upstream, params, **headers):
    upstream.reset_counters()
    response = client.get(URL, params, **headers)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("params", "wire"), [
    ({"coworker_invoice_id": "300010"}, {f"{P}_CoworkerInvoice": "300010"}),
    ({"provider": "12"}, {f"{P}_RegularPaymentProvider": "12"}),
    ({"token": "ab"}, {f"{P}_Token": "ab"}),
    ({"notes": "mandate"}, {f"{P}_Notes": "mandate"}),
    # Europe/London in June is UTC+1: the person's 10:00 is Nexudus's 09:00.
    ({"created_from": "2026-06-01T10:00"}, {f"from_{P}_CreatedOn": "2026-06-01T09:00"}),
    ({"created_to": "2025-01-15T12:00"}, {f"to_{P}_CreatedOn": "2025-01-15T12:00"}),
    ({"updated_from": "2026-09-01T00:00"}, {f"from_{P}_UpdatedOn": "2026-08-31T23:00"}),
    ({"updated_to": "2025-03-01T00:00"}, {f"to_{P}_UpdatedOn": "2025-03-01T00:00"}),
    ({"created_from": "2025-01-01T00:00", "created_to": "2025-06-30T23:59"},
     {f"from_{P}_CreatedOn": "2025-01-01T00:00", f"to_{P}_CreatedOn": "2025-06-30T22:59"}),
])
def test_each_filter_finds_what_nexudus_finds(ops_client, upstream, params, wire):
    response = _search(ops_client, upstream, {**params, "sort": "id"})
    expected = api_ids(upstream, **wire, orderBy="Id", dir="1", size="25")
    total = api_total(upstream, **wire)
    assert 0 < total < 3000, "the filter should narrow the seed without emptying it"
    assert row_ids(response) == expected
    assert f"of {total:,}" in response.content.decode()


def test_text_filters_are_not_fooled_by_html_or_sql(ops_client, upstream):
    response = _search(ops_client, upstream, {"notes": "<script>' OR 1=1 --"})
    html = response.content.decode()
    assert "No payment tokens match" in html
    assert "<script>'" not in html


@pytest.mark.parametrize(("sort", "order_by", "direction"), [
    ("created_on", "CreatedOn", "1"), ("-created_on", "CreatedOn", "-1"),
    ("coworker_invoice_id", "CoworkerInvoiceId", "1"), ("-coworker_invoice_id", "CoworkerInvoiceId", "-1"),
    ("-id", "Id", "-1"), ("updated_by", "UpdatedBy", "1"),
])
def test_sorting_both_ways_matches_nexudus(ops_client, upstream, sort, order_by, direction):
    response = _search(ops_client, upstream, {"sort": sort})
    assert row_ids(response) == api_ids(upstream, orderBy=order_by, dir=direction)


def test_unknown_sort_is_ignored(ops_client, upstream):
    response = _search(ops_client, upstream, {"sort": "password; DROP TABLE"})
    assert row_ids(response) == api_ids(upstream)


def test_paging_shows_the_requested_page(ops_client, upstream):
    response = _search(ops_client, upstream, {"page": "3", "sort": "id"})
    assert row_ids(response) == api_ids(upstream, page="3", orderBy="Id", dir="1")
    html = response.content.decode()
    assert "Showing 51–75 of 3,000" in html
    assert 'href="/payment-tokens/?sort=id&amp;page=4"' in html


@pytest.mark.parametrize(("per_page", "rows"), [("50", 50), ("100", 100), ("100000", 100), ("-1", 25),
                                                ("abc", 25), ("0", 25)])
def test_page_size_is_one_of_the_offered_sizes(ops_client, upstream, per_page, rows):
    response = _search(ops_client, upstream, {"per_page": per_page})
    assert len(row_ids(response)) == rows
    assert calls(upstream, SEARCH) == 1


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999999999999999999"])
def test_odd_page_numbers_fall_back_to_a_real_page(ops_client, upstream, page):
    response = _search(ops_client, upstream, {"page": page})
    assert len(row_ids(response)) == 25


def test_htmx_request_gets_only_the_results_with_the_clean_url_pushed(ops_client, upstream):
    response = _search(ops_client, upstream, {"token": "ab", "notes": "", "per_page": "100000"},
                       HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"') and "<html" not in html
    assert response["HX-Push-Url"] == "/payment-tokens/?token=ab&per_page=100"
    assert "HX-Request" in response["Vary"]


def test_full_page_and_history_restore_get_the_whole_page(ops_client, upstream):
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}):
        response = _search(ops_client, upstream, {"token": "ab"}, **headers)
        html = response.content.decode()
        assert "<html" in html and 'id="search-form"' in html and 'id="results"' in html
        assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("headers", [{}, {"HTTP_HX_REQUEST": "true"}])
def test_exactly_one_upstream_call_per_search_render(ops_client, upstream, headers):
    _search(ops_client, upstream, {"provider": "2", "sort": "-created_on", "page": "2", "per_page": "50"},
            **headers)
    counters = upstream.counters()
    assert counters["by_endpoint"] == {SEARCH: 1}


def test_invalid_filter_is_explained_and_not_sent(ops_client, upstream):
    response = _search(ops_client, upstream, {"coworker_invoice_id": "-4", "created_from": "not a date"},
                       HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Check the filters" in html and "Invoice ID" in html and "Created from" in html
    assert upstream.counters()["total"] == 0


def test_every_filter_has_a_label_and_works_without_javascript(ops_client, upstream):
    html = _search(ops_client, upstream, {}).content.decode()
    assert 'method="get" action="/payment-tokens/"' in html
    for field, label in [("coworker_invoice_id", "Invoice ID"), ("provider", "Provider"), ("token", "Token"),
                         ("notes", "Notes"), ("created_from", "Created from"), ("created_to", "Created to"),
                         ("updated_from", "Updated from"), ("updated_to", "Updated to")]:
        assert f'<label for="id_{field}">{label}</label>' in html
    assert 'type="datetime-local"' in html


def test_listing_has_no_provider_column_and_masks_tokens(ops_client, upstream):
    html = _search(ops_client, upstream, {}).content.decode()
    head = html[html.index("<thead"):html.index("</thead>")]
    assert "Provider" not in head
    for name in ("Id", "Coworker invoice ID", "Token", "Notes", "Created", "Updated", "Updated by"):
        assert name in head
    records = upstream.api("GET", "/api/billing/coworkerinvoicepaymenttokens").json()["Records"]
    for record in records:
        if record["Token"]:
            assert record["Token"] not in html
            assert record["Token"][-4:] in html


@pytest.mark.parametrize(("fault", "words"), [
    ({"kind": "status", "status": 429, "retry_after": 7}, "Wait 7 seconds"),
    ({"kind": "status", "status": 409}, "slow down"),
    ({"kind": "status", "status": 503}, "Try again"),
    ({"kind": "status", "status": 500}, "Try again"),
    ({"kind": "malformed"}, "Nexudus sent an answer"),
    ({"kind": "html"}, "Try again"),
    ({"kind": "drop"}, "Try again"),
])
@pytest.mark.parametrize("htmx", [False, True])
def test_upstream_problems_show_inside_the_results_with_a_retry(ops_client, upstream, fault, words, htmx):
    upstream.fault(count=5, path="/api/billing/coworkerinvoicepaymenttokens", **fault)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = ops_client.get(URL, {"token": "ab"}, **headers)
    html = response.content.decode()
    assert response.status_code == 200
    results = html[html.index('<div id="results"'):]
    assert words in results and ">Retry</a>" in results
    assert 'hx-target="#results"' in results


def test_agent_can_search(agent_client, upstream):
    assert len(row_ids(agent_client.get(URL))) == 25
