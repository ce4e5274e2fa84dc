"""The invoice payment page against the sandbox: the verdict for each kind of invoice, its tokens and
ledger entries, the prefilled links, 404 and upstream problems, and what it costs upstream."""

from __future__ import annotations

from decimal import Decimal

from dashboard.invoices.verdict import day_words, due_words
from dashboard.nexudus.records import parse_datetime

from .helpers import LEDGER_API, TOKENS_API, calls, invoices, issued, one_invoice, verdict_of

GET_INVOICE = "GET /api/billing/coworkerinvoices/{id}"
SEARCH_TOKENS = f"GET {TOKENS_API}"
SEARCH_ENTRIES = f"GET {LEDGER_API}"
BATCH_TOKENS = f"GET {TOKENS_API}?id=[]"


def _entries(upstream, invoice_id: int) -> list[dict]:
    response = upstream.api("GET", LEDGER_API, params={"CoworkerLedgerEntry_CoworkerInvoice": invoice_id})
    return response.json()["Records"]


def test_paid_invoice_is_paid_in_full_on_its_day_by_the_gateway_of_its_payment(agent_client, upstream):
    paid = one_invoice(upstream, lambda r: issued(r) and not r["Refunded"], CoworkerInvoice_Paid="true")
    response = agent_client.get(f"/invoices/{paid['Id']}/")
    assert response.status_code == 200
    payments = [e for e in _entries(upstream, paid["Id"]) if Decimal(str(e["Credit"])) > 0]
    assert payments, "a paid invoice has its payment in the ledger"
    assert verdict_of(response).startswith(f"Paid in full on {day_words(parse_datetime(paid['PaidOn']))}")
    assert " by " in verdict_of(response)
    page = response.content.decode()
    assert paid["InvoiceNumber"] in page
    assert f'href="/customers/{paid["CoworkerId"]}/ledger/' in page
    for entry in payments:
        assert f'href="/ledger-entries/{entry["Id"]}/"' in page


def test_part_paid_invoice_states_what_is_outstanding(agent_client, upstream):
    part = one_invoice(
        upstream,
        lambda r: issued(r) and not r["Refunded"] and 0 < r["PaidAmount"] < r["TotalAmount"],
        CoworkerInvoice_Paid="false",
    )
    outstanding = Decimal(str(part["TotalAmount"])) - Decimal(str(part["PaidAmount"]))
    total = Decimal(str(part["TotalAmount"]))
    verdict = verdict_of(agent_client.get(f"/invoices/{part['Id']}/"))
    assert verdict.startswith(f"Part paid: {part['CurrencyCode']} {outstanding:,.2f} of {total:,.2f} outstanding")


def test_unpaid_invoice_says_when_it_was_due(agent_client, upstream):
    unpaid = one_invoice(upstream, lambda r: issued(r) and r["PaidAmount"] == 0, CoworkerInvoice_Paid="false")
    from django.utils import timezone

    due, _ = due_words(parse_datetime(unpaid["DueDate"]), timezone.localdate())
    assert verdict_of(agent_client.get(f"/invoices/{unpaid['Id']}/")) == f"Unpaid, {due}"


def test_refunded_invoice_says_when_it_was_refunded(agent_client, upstream):
    refunded = invoices(upstream, CoworkerInvoice_Refunded="true")[0]
    verdict = verdict_of(agent_client.get(f"/invoices/{refunded['Id']}/"))
    assert verdict.startswith(f"Refunded on {day_words(parse_datetime(refunded['RefundedOn']))}")


def test_page_costs_the_three_concurrent_reads_and_tokens_come_with_providers_afterwards(agent_client, upstream):
    token = upstream.api("GET", TOKENS_API, params={"size": 1}).json()["Records"][0]
    invoice_id = token["CoworkerInvoiceId"]
    upstream.reset_counters()
    response = agent_client.get(f"/invoices/{invoice_id}/")
    assert response.status_code == 200
    counters = upstream.counters()
    assert counters["total"] == 3
    assert [calls(upstream, e) for e in (GET_INVOICE, SEARCH_TOKENS, SEARCH_ENTRIES)] == [1, 1, 1]
    page = response.content.decode()
    assert f'href="/payment-tokens/{token["Id"]}/"' in page
    assert token["Token"][-4:] in page and token["Token"] not in page  # masked
    assert f'hx-get="/invoices/{invoice_id}/tokens/"' in page  # providers follow

    upstream.reset_counters()
    fragment = agent_client.get(f"/invoices/{invoice_id}/tokens/", headers={"HX-Request": "true"})
    full = upstream.api("GET", f"{TOKENS_API}/{token['Id']}").json()
    assert calls(upstream, BATCH_TOKENS) == 1 and calls(upstream, SEARCH_TOKENS) == 1
    html = fragment.content.decode()
    assert "<html" not in html and 'id="invoice-tokens"' in html and "hx-get" not in html
    from dashboard.nexudus.enums import RegularPaymentProvider

    assert RegularPaymentProvider.parse(full["RegularPaymentProvider"]).label in html  # number or name


def test_without_javascript_the_page_can_load_the_providers_itself(agent_client, upstream):
    token = upstream.api("GET", TOKENS_API, params={"size": 1}).json()["Records"][0]
    response = agent_client.get(f"/invoices/{token['CoworkerInvoiceId']}/tokens/")
    assert response.status_code == 302 and response["Location"].endswith("?providers=1")
    page = agent_client.get(response["Location"]).content.decode()
    assert "Loading…" not in page and 'hx-get="/invoices/' not in page


def test_links_prefill_a_new_token_and_a_new_ledger_entry_for_this_invoice(agent_client, upstream):
    invoice = invoices(upstream, size=1)[0]
    page = agent_client.get(f"/invoices/{invoice['Id']}/").content.decode()
    assert f'href="/payment-tokens/new/?coworker_invoice_id={invoice["Id"]}"' in page
    assert (
        f'href="/ledger-entries/new/?coworker_invoice_id={invoice["Id"]}&amp;coworker_id={invoice["CoworkerId"]}'
        f'&amp;business_id={invoice["BusinessId"]}"'
    ) in page


def test_unknown_invoice_is_a_404_page(agent_client, upstream):
    response = agent_client.get("/invoices/999999/")
    assert response.status_code == 404
    assert "couldn" in response.content.decode()


def test_an_id_past_32_bits_is_a_404_without_asking_nexudus(agent_client, upstream):
    upstream.reset_counters()
    assert agent_client.get(f"/invoices/{2**31}/").status_code == 404
    assert upstream.counters()["total"] == 0


def test_upstream_outage_is_explained_not_a_500(agent_client, upstream):
    invoice = invoices(upstream, size=1)[0]
    upstream.fault("status", count=10, status=503, path="/api/billing/coworkerinvoices")
    response = agent_client.get(f"/invoices/{invoice['Id']}/")
    assert response.status_code == 200
    assert "upstream-problem" in response.content.decode()


def test_a_refused_list_does_not_hide_the_rest_of_the_page(agent_client, upstream):
    invoice = invoices(upstream, size=1)[0]
    upstream.fault("status", count=10, status=500, path=LEDGER_API)
    response = agent_client.get(f"/invoices/{invoice['Id']}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert invoice["InvoiceNumber"] in page and 'data-problem="server"' in page
