"""The chain check where ledgers are shown, against the sandbox's seeded broken chains."""

from __future__ import annotations

import html

from dashboard.ledger.wording import balance_state

from .broken_chains import seeded_breaks
from .helpers import unpaid_invoice


def test_the_seed_has_one_broken_chain_per_currency(upstream):
    assert sorted(b.currency for b in seeded_breaks(upstream)) == ["EUR", "GBP", "USD"]


def test_each_broken_chain_is_named_on_the_customer_page_in_its_currency(ops_client, upstream):
    for broken in seeded_breaks(upstream):
        page = html.unescape(
            ops_client.get(f"/customers/{broken.coworker_id}/ledger/?business={broken.business_id}").content.decode()
        )
        assert f"Balances stop adding up at entry {broken.entry_id} (" in page
        assert (
            f"expected {balance_state(broken.expected, broken.currency)}, "
            f"Nexudus shows {balance_state(broken.shown, broken.currency)}"
        ) in page
        assert "by the entries; Nexudus shows" in page


def test_a_ledger_that_adds_up_shows_no_warning(ops_client, upstream):
    invoice = unpaid_invoice(upstream, "GBP")
    page = ops_client.get(f"/customers/{invoice['CoworkerId']}/ledger/?business={invoice['BusinessId']}")
    text = page.content.decode()
    assert page.status_code == 200 and "customer-balance" in text
    assert "Balances stop adding up" not in text and "by the entries" not in text


def _csv_rows(response) -> list[list[str]]:
    import csv
    import io

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_ledger_export_checks_every_balance_against_the_row_before(ops_client, upstream):
    broken = next(b for b in seeded_breaks(upstream) if b.currency == "EUR")
    page = ops_client.get(f"/customers/{broken.coworker_id}/ledger/?business={broken.business_id}").content.decode()
    assert f'href="/customers/{broken.coworker_id}/ledger/?business={broken.business_id}&amp;export=csv"' in page
    response = ops_client.get(
        f"/customers/{broken.coworker_id}/ledger/", {"business": broken.business_id, "export": "csv"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *rows = _csv_rows(response)
    check = header.index("Balance check")
    by_id = {int(row[0]): row[check] for row in rows}
    assert by_id[broken.entry_id] == (
        f"expected {balance_state(broken.expected, 'EUR')}, Nexudus shows {balance_state(broken.shown, 'EUR')}"
    )
    assert [value for entry_id, value in by_id.items() if entry_id != broken.entry_id] == ["adds up"] * (len(rows) - 1)
    ids = [int(row[0]) for row in rows]
    assert len(ids) == len(set(ids)) > 8  # the whole chain, each entry once, oldest first
    dates = [row[header.index(next(h for h in header if h.startswith("Transaction date")))] for row in rows]
    assert dates == sorted(dates)


def test_the_invoice_page_loads_the_customers_standing_under_its_verdict(ops_client, upstream):
    broken = next(b for b in seeded_breaks(upstream) if b.currency == "USD")
    standing = f"/customers/{broken.coworker_id}/ledger/standing/?business={broken.business_id}"
    invoices = upstream.api(
        "GET", "/api/billing/coworkerinvoices", params={"CoworkerInvoice_Coworker": broken.coworker_id, "size": 5}
    ).json()["Records"]
    invoice = next(i for i in invoices if i["BusinessId"] == broken.business_id)
    page = ops_client.get(f"/invoices/{invoice['Id']}/").content.decode()
    assert f'hx-get="{standing}"' in html.unescape(page) and 'hx-trigger="load"' in page

    fragment = html.unescape(ops_client.get(standing, HTTP_HX_REQUEST="true").content.decode())
    assert "What this customer owes is uncertain: their ledger does not add up." in fragment
    assert f"Balances stop adding up at entry {broken.entry_id} (" in fragment
    assert "by the entries; Nexudus shows" in fragment
    # Without JavaScript the link opens the customer's ledger page, which says the same.
    assert (
        ops_client.get(standing)["Location"] == f"/customers/{broken.coworker_id}/ledger/?business={broken.business_id}"
    )


def test_the_standing_of_a_customer_whose_ledger_adds_up_says_so(ops_client, upstream):
    invoice = unpaid_invoice(upstream, "GBP")
    standing = f"/customers/{invoice['CoworkerId']}/ledger/standing/?business={invoice['BusinessId']}"
    fragment = ops_client.get(standing, HTTP_HX_REQUEST="true").content.decode()
    assert "customer-owes" in fragment and "uncertain" not in fragment
    assert "every entry of their ledger adds up" in fragment or "entries add up" in fragment
