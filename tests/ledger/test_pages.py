"""Ledger entry detail, a customer's ledger (balance in words, chart, running balances, business choice),
and the create form's pickers, against the sandbox."""

from __future__ import annotations

import re
from decimal import Decimal

from .helpers import (
    LEDGER_API,
    SEARCH,
    api_ids,
    api_page,
    calls,
    current_balance,
    entry_at_another_business,
    entry_data,
    review_and_confirm,
    row_ids,
    unpaid_invoice,
)

LE = "CoworkerLedgerEntry"


def _entry_with_invoice(upstream) -> dict:
    records = api_page(upstream, **{f"{LE}_CoworkerInvoice_Paid": "true", "size": 5})["Records"]
    return upstream.api("GET", f"{LEDGER_API}/{records[0]['Id']}").json()


# --- detail ----------------------------------------------------------------------------------------


def test_detail_shows_the_full_record_with_its_invoice_facts(ops_client, upstream):
    record = _entry_with_invoice(upstream)
    response = ops_client.get(f"/ledger-entries/{record['Id']}/")
    html = response.content.decode()
    assert response.status_code == 200
    currency = record["BusinessCurrencyCode"]
    for text in [
        record["Description"],
        record["Code"],
        record["BusinessName"],
        record["CoworkerInvoiceInvoiceNumber"],
        f"{currency} {Decimal(record['CoworkerInvoiceTotalAmount']):,.2f}",
        f"{currency} {Decimal(str(record['Balance'])):,.2f}",
        "Paid</dt><dd>Yes, on",
        "Due date",
        "Refunded</dt><dd>No",
    ]:
        assert text in html.replace("&#x27;", "'"), text
    ledger_url = f"/customers/{record['CoworkerId']}/ledger/?business={record['BusinessId']}"
    assert f'href="{ledger_url}"' in html


def test_detail_of_an_unknown_entry_is_a_404(ops_client, upstream):
    assert ops_client.get("/ledger-entries/999999/").status_code == 404
    upstream.reset_counters()
    assert ops_client.get("/ledger-entries/99999999999/").status_code == 404
    assert calls(upstream) == 0


def test_detail_shows_an_outage_in_words(ops_client, upstream):
    upstream.fault("status", count=10, status=500, path=LEDGER_API)
    response = ops_client.get("/ledger-entries/1000001/")
    assert response.status_code == 200 and "upstream-problem" in response.content.decode()


# --- a customer's ledger -----------------------------------------------------------------------------


def _customer_with_two_businesses(upstream) -> tuple[int, list[int]]:
    """Customer 20001 also gets an entry at another business (arranged through the API as admin)."""
    home = upstream.api("GET", "/api/spaces/coworkers/20001").json()["InvoicingBusinessId"]
    other = entry_at_another_business(upstream, 20001, home)
    return 20001, sorted([home, other])


def test_customer_ledger_states_the_balance_in_words_with_a_chart_and_running_balances(ops_client, upstream):
    coworker = upstream.api("GET", "/api/spaces/coworkers/20001").json()
    business = coworker["InvoicingBusinessId"]
    balance = current_balance(upstream, 20001, business)
    response = ops_client.get("/customers/20001/ledger/")
    html = response.content.decode()
    assert f"<h1>{coworker['FullName']}</h1>" in html
    code = api_page(upstream, **{f"{LE}_Business": business}, size=1)["Records"][0]["BusinessCurrencyCode"]
    words = (
        f"owes {code} {balance:,.2f}"
        if balance > 0
        else f"in credit {code} {-balance:,.2f}"
        if balance < 0
        else "settled"
    )
    assert f">{words}</strong>" in html
    # The chart: server-rendered SVG, described for screen readers.
    svg = re.search(r'<svg role="img" aria-labelledby="balance-chart-title balance-chart-desc".*?</svg>', html, re.S)
    assert svg and '<title id="balance-chart-title">Balance of' in svg.group(0)
    assert re.search(r'<path class="balance-line" d="M [\d.]+ [\d.]+( H [\d.]+ V [\d.]+)+"', svg.group(0))
    # Entries newest first, each with the balance after it, one page from Nexudus.
    expected = api_ids(
        upstream, **{f"{LE}_Coworker": 20001, f"{LE}_Business": business}, orderBy="TransactionDate", dir=-1, size=25
    )
    assert row_ids(response) == expected
    assert "Balance after" in html


def test_customer_ledger_pages_with_one_upstream_call(ops_client, upstream):
    coworker = upstream.api("GET", "/api/spaces/coworkers/20001").json()
    business = coworker["InvoicingBusinessId"]
    upstream.reset_counters()
    response = ops_client.get("/customers/20001/ledger/", {"business": business, "page": 2}, HTTP_HX_REQUEST="true")
    assert calls(upstream) == 1 and calls(upstream, SEARCH) == 1
    assert response.content.decode().lstrip().startswith('<div id="results"')
    assert row_ids(response) == api_ids(
        upstream,
        **{f"{LE}_Coworker": 20001, f"{LE}_Business": business},
        orderBy="TransactionDate",
        dir=-1,
        size=25,
        page=2,
    )


def test_customer_with_entries_at_several_businesses_can_pick_one(ops_client, upstream):
    coworker, businesses = _customer_with_two_businesses(upstream)
    home = upstream.api("GET", f"/api/spaces/coworkers/{coworker}").json()["InvoicingBusinessId"]
    html = ops_client.get(f"/customers/{coworker}/ledger/").content.decode()
    assert f'<option value="{home}" selected>' in html  # the invoicing business by default
    assert '<select id="business-choice" name="business">' in html
    for business in businesses:
        assert f'<option value="{business}"' in html
    other = next(b for b in businesses if b != home)
    response = ops_client.get(f"/customers/{coworker}/ledger/", {"business": other})
    assert f'<option value="{other}" selected>' in response.content.decode()
    assert row_ids(response) == api_ids(
        upstream, **{f"{LE}_Coworker": coworker, f"{LE}_Business": other}, orderBy="TransactionDate", dir=-1, size=25
    )
    assert "owes GBP 25.00" in response.content.decode()


def test_unknown_customer_is_a_404(ops_client, upstream):
    assert ops_client.get("/customers/999999/ledger/").status_code == 404


def test_new_entry_appears_in_the_customer_ledger_with_the_new_balance(ops_client, upstream):
    invoice = unpaid_invoice(upstream, "GBP")
    before = current_balance(upstream, invoice["CoworkerId"], invoice["BusinessId"])
    review_and_confirm(ops_client, entry_data(invoice, credit="12.34", description="Seen in ledger"))
    after = before - Decimal("12.34")
    html = ops_client.get(
        f"/customers/{invoice['CoworkerId']}/ledger/", {"business": invoice["BusinessId"]}
    ).content.decode()
    assert (
        f'data-balance="{after}"' in html
        or f'data-balance="{after.normalize()}"' in html
        or re.search(rf'data-balance="{re.escape(str(float(after)))}"', html)
    )
    assert "Seen in ledger" in html


# --- pickers ---------------------------------------------------------------------------------------


def test_customer_picker_searches_names_and_ids(ops_client, upstream):
    html = ops_client.get("/ledger-entries/pick/customers/", {"q": "olivia"}).content.decode()
    assert 'data-pick="' in html and "Olivia" in html
    by_id = ops_client.get("/ledger-entries/pick/customers/", {"q": "20001"}).content.decode()
    assert 'data-pick="20001"' in by_id


def test_invoice_picker_lists_the_customer_invoices(ops_client, upstream):
    invoice = unpaid_invoice(upstream, "GBP")
    url = "/ledger-entries/pick/invoices/"
    html = ops_client.get(url, {"q": "", "coworker_id": invoice["CoworkerId"]}).content.decode()
    assert f'data-pick="{invoice["Id"]}"' in html
    by_number = ops_client.get(url, {"q": invoice["InvoiceNumber"]}).content.decode()
    assert f'data-pick="{invoice["Id"]}"' in by_number


def test_business_picker_and_hostile_input(ops_client, upstream):
    businesses = ops_client.get("/ledger-entries/pick/businesses/", {"q": "manchester"}).content.decode()
    assert 'data-pick="1002"' in businesses
    upstream.reset_counters()
    for q in ["", "   ", "a\x00b"]:
        assert ops_client.get("/ledger-entries/pick/customers/", {"q": q}).status_code == 200
    assert calls(upstream) == 0
    html = ops_client.get("/ledger-entries/pick/customers/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>" not in html
