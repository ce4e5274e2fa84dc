"""A customer's page against the sandbox: the chart's points and its table, the ledger search's filters inline
(scoped to the customer, same sort, paging and export), the filters folded while there are results, and
facts said once."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from dashboard.ledger.selectors import HISTORY_SIZE

from .helpers import SEARCH, api_ids, api_page, calls, entry_at_another_business, row_ids

LE = "CoworkerLedgerEntry"
COWORKER = 20001
POINT = re.compile(r'<g class="chart-point" tabindex="(-?\d)" role="img" aria-label="([^"]+)">')
PANEL = re.compile(r'<details class="filter-panel"[^>]*>')


@pytest.fixture
def business(upstream) -> int:
    return upstream.api("GET", f"/api/spaces/coworkers/{COWORKER}").json()["InvoicingBusinessId"]


def _entries(upstream, business: int, **filters) -> list[dict]:
    return api_page(
        upstream,
        **{f"{LE}_Coworker": COWORKER, f"{LE}_Business": business},
        orderBy="TransactionDate",
        dir=-1,
        size=HISTORY_SIZE,
        **filters,
    )["Records"]


def _page(client, **params) -> str:
    response = client.get(f"/customers/{COWORKER}/ledger/", params)
    assert response.status_code == 200
    return response.content.decode()


# --- the chart --------------------------------------------------------------------------------------


def test_every_entry_is_a_labelled_point_of_the_chart_and_a_row_of_its_table(ops_client, upstream, business):
    entries = _entries(upstream, business)
    html = _page(ops_client, business=business)
    points = POINT.findall(html)
    assert len(points) == len(entries)
    assert [tabindex for tabindex, _ in points].count("0") == 1 and points[-1][0] == "0"  # one Tab stop: the newest
    currency = entries[0]["BusinessCurrencyCode"]
    newest = max(entries, key=lambda e: (e["TransactionDate"], e["Id"]))
    label = unescape(points[-1][1])
    assert f"entry {newest['Id']}" in label and currency in label
    assert re.match(r"\d\d [A-Z][a-z]{2} \d{4}, entry \d+", label)  # the date first
    # The summary names the whole history; the chart keeps its height whatever the width.
    drawing = r'<svg role="img" aria-labelledby="balance-chart-title balance-chart-desc"[^>]* height="(\d+)"'
    height = re.search(drawing, html)
    assert height and int(height.group(1)) <= 200
    assert "Balance started at" in html and "highest" in html and "lowest" in html
    # The same points as a table, behind a disclosure.
    table = re.search(r"<summary>Show the chart as a table</summary>.*?<tbody>(.*?)</tbody>", html, re.S).group(1)
    assert table.count("<tr>") == len(entries)
    assert f'href="/ledger-entries/{newest["Id"]}/"' in table


def test_the_chart_costs_the_page_no_upstream_call(ops_client, upstream, business):
    upstream.reset_counters()
    _page(ops_client, business=business)
    assert calls(upstream) == 3  # the customer, their recent entries (the chart), the table's page


# --- the inline filters -----------------------------------------------------------------------------


def test_inline_filters_search_only_this_customer_at_this_business(ops_client, upstream, business):
    expected = api_ids(
        upstream,
        **{f"{LE}_Coworker": COWORKER, f"{LE}_Business": business, f"{LE}_Code": "PAYM"},
        orderBy="TransactionDate",
        dir=-1,
        size=25,
    )
    assert expected
    upstream.reset_counters()
    html = _page(ops_client, business=business, code="PAYM")
    response_ids = [int(i) for i in re.findall(r'<td ><a href="/ledger-entries/(\d+)/">', html)]
    assert response_ids == expected
    assert calls(upstream) == 3 and calls(upstream, SEARCH) == 2  # still side by side with the page's reads
    assert 'name="code"' in html and 'value="PAYM"' in html
    assert f'<input type="hidden" name="business" value="{business}"' in html  # the form carries the business


def test_an_htmx_filter_swaps_only_the_entries_in_one_call_and_pushes_the_url(ops_client, upstream, business):
    upstream.reset_counters()
    response = ops_client.get(
        f"/customers/{COWORKER}/ledger/",
        {"business": business, "description": "payment", "transaction_from": "2025-01-01"},
        HTTP_HX_REQUEST="true",
    )
    assert calls(upstream) == 1
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    pushed = response["HX-Push-Url"]
    assert pushed.startswith(f"/customers/{COWORKER}/ledger/?") and f"business={business}" in pushed
    assert "description=payment" in pushed and "transaction_from=2025-01-01" in pushed
    expected = api_ids(
        upstream,
        **{f"{LE}_Coworker": COWORKER, f"{LE}_Business": business, f"{LE}_Description": "payment"},
        **{f"from_{LE}_TransactionDate": "2025-01-01T00:00"},
        orderBy="TransactionDate",
        dir=-1,
        size=25,
    )
    assert row_ids(response) == expected


def test_sort_and_paging_links_keep_the_filters_and_the_business(ops_client, upstream, business):
    html = unescape(_page(ops_client, business=business, code="CHRG", sort="-debit"))
    expected = api_ids(
        upstream,
        **{f"{LE}_Coworker": COWORKER, f"{LE}_Business": business, f"{LE}_Code": "CHRG"},
        orderBy="Debit",
        dir=-1,
        size=25,
    )
    assert [int(i) for i in re.findall(r'<td ><a href="/ledger-entries/(\d+)/">', html)] == expected
    sort_links = re.findall(rf'href="/customers/{COWORKER}/ledger/\?([^"]*sort=[^"]*)"', html)
    assert sort_links and all(f"business={business}" in link and "code=CHRG" in link for link in sort_links)


def test_a_wrong_filter_is_shown_at_its_field_and_the_entries_are_not_searched(ops_client, upstream, business):
    upstream.reset_counters()
    html = _page(ops_client, business=business, transaction_from="31/31/2025", debit_from="abc")
    assert "Check the filters." in html and "Nothing was searched yet" in html
    assert 'value="31/31/2025"' in html and 'value="abc"' in html  # the input kept
    assert calls(upstream) == 2  # the customer and the chart's history, no entries search
    assert " open" in PANEL.search(html).group(0)  # the filters are open to fix


def test_filters_are_folded_while_there_are_results_and_say_how_many_are_set(ops_client, upstream, business):
    folded = PANEL.search(_page(ops_client, business=business, code="PAYM")).group(0)
    assert "data-folded" in folded and " open" not in folded
    html = _page(ops_client, business=business, code="PAYM")
    assert re.search(r"<summary>Filter these entries <span class=\"badge\">1 set</span></summary>", html)
    none = PANEL.search(_page(ops_client, business=business, code="NO-SUCH-CODE")).group(0)
    assert "data-folded" not in none and " open" in none  # nothing found: open, to change them


def test_the_business_choice_keeps_the_filters(ops_client, upstream, business):
    entry_at_another_business(upstream, COWORKER, business)
    html = _page(ops_client, business=business, code="PAYM")
    form = re.search(r'<form id="business-form".*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="code" value="PAYM">' in form and 'name="business"' in form


# --- the export -------------------------------------------------------------------------------------


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(line for line in io.StringIO(body) if not line.startswith("#")))


def test_export_with_filters_is_exactly_the_filtered_entries(ops_client, upstream, business):
    html = _page(ops_client, business=business, code="PAYM")
    link = unescape(re.search(r'<p class="export-link no-print">\s*<a href="([^"]+)"', html).group(1))
    assert "export=csv" in link and "code=PAYM" in link and f"business={business}" in link
    rows = _csv(ops_client.get(link))
    expected = _entries(upstream, business, **{f"{LE}_Code": "PAYM"})
    assert [int(r["Id"]) for r in rows] == [e["Id"] for e in expected]  # newest first, as on the page
    assert {r["Code"] for r in rows} == {"PAYM"} and {r["Customer ID"] for r in rows} == {str(COWORKER)}


def test_export_without_filters_is_the_whole_ledger_with_each_balance_checked(ops_client, upstream, business):
    html = _page(ops_client, business=business)
    assert '<p class="export-link no-print">' not in html  # one export link: the ledger's own, at the top
    rows = _csv(ops_client.get(f"/customers/{COWORKER}/ledger/", {"business": business, "export": "csv"}))
    assert "Balance check" in rows[0]
    assert [int(r["Id"]) for r in rows] == [e["Id"] for e in reversed(_entries(upstream, business))]


# --- each fact once ---------------------------------------------------------------------------------


def test_the_customer_id_is_said_once_with_a_copy_button(ops_client, upstream, business):
    html = _page(ops_client, business=business)
    header = re.search(r"<header class=\"page-header\">.*?</header>", html, re.S).group(0)
    assert f'Id <span class="record-id">{COWORKER}</span>' in header and f'data-copy="{COWORKER}"' in header
    assert f"Customer #{COWORKER}" not in html and f"<li>Customer {COWORKER}</li>" not in html


def test_folded_filters_cost_the_page_nothing_and_load_when_opened(ops_client, upstream, business):
    html = _page(ops_client, business=business, code="PAYM")
    panel = PANEL.search(html).group(0)
    assert 'name="description"' not in html  # no fields rendered while folded
    assert '<input type="hidden" name="code" value="PAYM">' in html  # the table's sort and size keep the filter
    url = unescape(re.search(r'hx-get="([^"]+filters=open[^"]*)"', panel).group(1))
    assert "code=PAYM" in url and f"business={business}" in url
    upstream.reset_counters()
    fields = ops_client.get(url, HTTP_HX_REQUEST="true")
    assert upstream.counters()["total"] == 0  # the fields alone: no search
    form = fields.content.decode()
    assert form.lstrip().startswith('<form id="search-form"')
    assert re.search(r'<input type="search" name="code" value="PAYM"[^>]*hx-get=', form)
    assert 'name="transaction_from"' in form and 'name="debit_from"' in form  # the whole ledger search
    assert f'<input type="hidden" name="business" value="{business}"' in form


def test_without_javascript_the_filters_open_with_a_link(ops_client, upstream, business):
    html = _page(ops_client, business=business)
    link = unescape(re.search(r'<a href="([^"]+)">Show the filters</a>', html).group(1))
    opened = _page(ops_client, **dict(pair.split("=") for pair in link.split("?", 1)[1].split("&")))
    assert " open" in PANEL.search(opened).group(0) and 'name="description"' in opened


def test_export_with_a_wrong_filter_goes_back_to_the_page_which_says_why(ops_client, upstream, business):
    upstream.reset_counters()
    response = ops_client.get(
        f"/customers/{COWORKER}/ledger/", {"business": business, "debit_from": "abc", "export": "csv"}
    )
    assert response.status_code == 302 and "export" not in response["Location"]
    assert calls(upstream) == 0  # nothing exported, nothing asked
    assert "Check the filters." in ops_client.get(response["Location"]).content.decode()
