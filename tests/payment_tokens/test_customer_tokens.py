"""A customer's payment tokens on their page, against the sandbox: every token of their invoices with provider,
masked token, invoice number and date; searched by invoice (the only relation Nexudus filters tokens by),
with one batch read per related resource and none per token."""

from __future__ import annotations

import re
from html import unescape

import pytest

from dashboard.nexudus.records import PaymentToken

from .helpers import SEARCH, TOKENS_API, calls

INVOICES_API = "/api/billing/coworkerinvoices"
COWORKER = 20033  # Sofia Robinson: 8 invoices, 12 tokens in the seed
ROW = re.compile(r'<tr data-token="(\d+)">(.*?)</tr>', re.S)


@pytest.fixture(autouse=True)
def _committed_database(transactional_db):
    """The reads run side by side on worker threads, which see only committed data."""


def _invoices(upstream, coworker_id: int = COWORKER) -> list[dict]:
    response = upstream.api("GET", INVOICES_API, params={"CoworkerInvoice_Coworker": coworker_id, "size": 100})
    return response.json()["Records"]


def _tokens_of(upstream, invoice_ids) -> list[dict]:
    found = []
    for invoice_id in invoice_ids:
        params = {"CoworkerInvoicePaymentToken_CoworkerInvoice": invoice_id, "size": 100}
        found += upstream.api("GET", TOKENS_API, params=params).json()["Records"]
    return found


def _tokens_url(client, coworker_id: int = COWORKER) -> str:
    fragment = client.get(f"/customers/{coworker_id}/invoices/", HTTP_HX_REQUEST="true").content.decode()
    return unescape(re.search(r'<div id="customer-tokens" hx-get="([^"]+)"', fragment).group(1))


def test_the_invoices_section_loads_the_tokens_by_its_own_invoices(agent_client, upstream):
    url = _tokens_url(agent_client)
    assert url.startswith(f"/payment-tokens/customer/{COWORKER}/?")
    named = [int(i) for i in re.findall(r"invoice=(\d+)", url)]
    assert sorted(named) == sorted(i["Id"] for i in _invoices(upstream))


def test_every_token_of_their_invoices_is_listed_newest_first_with_provider_invoice_and_date(agent_client, upstream):
    invoices = {i["Id"]: i for i in _invoices(upstream)}
    expected = _tokens_of(upstream, invoices)
    assert len(expected) >= 2
    url = _tokens_url(agent_client)
    upstream.reset_counters()
    response = agent_client.get(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="customer-tokens"')
    rows = ROW.findall(html)
    newest_first = sorted(expected, key=lambda t: (t["CreatedOn"], t["Id"]), reverse=True)
    assert [int(token_id) for token_id, _ in rows] == [t["Id"] for t in newest_first]
    for token_id, cells in rows:
        full = upstream.api("GET", f"{TOKENS_API}/{token_id}").json()
        invoice = invoices[full["CoworkerInvoiceId"]]
        provider = PaymentToken.from_api(full).provider  # the sandbox may send the enum's name or number
        label = provider.label if provider is not None else "not given by Nexudus"
        assert f"<td>{label}</td>" in unescape(cells)
        assert f'<a href="/invoices/{invoice["Id"]}/">{invoice["InvoiceNumber"]}</a>' in cells
        assert f'<a href="/payment-tokens/{token_id}/">' in cells
        if full["Token"]:
            assert full["Token"] not in cells and full["Token"][-4:] in cells  # masked
        assert "<time datetime=" in cells


def test_one_search_per_invoice_and_one_batch_read_of_the_tokens_never_one_call_per_token(agent_client, upstream):
    url = _tokens_url(agent_client)
    invoice_count = len(re.findall(r"invoice=\d+", url))
    upstream.reset_counters()
    agent_client.get(url, HTTP_HX_REQUEST="true")
    counters = upstream.counters()
    by_endpoint = counters["by_endpoint"]
    assert calls(upstream, SEARCH) == invoice_count  # the tokens search filters by one invoice only
    assert by_endpoint.get(f"GET {TOKENS_API}?id=[]") == 1  # the providers of every token found
    assert by_endpoint.get(f"GET {INVOICES_API}?id=[]") == 1  # the invoices' numbers, whose they are
    assert counters["total"] == invoice_count + 2  # nothing per token


def test_an_invoice_of_someone_else_in_the_address_shows_none_of_its_tokens(agent_client, upstream):
    mine = [i["Id"] for i in _invoices(upstream)]
    other_invoice = next(i for i in _invoices(upstream, 20001) if _tokens_of(upstream, [i["Id"]]))
    query = "&".join(f"invoice={i}" for i in [*mine, other_invoice["Id"]])
    html = agent_client.get(f"/payment-tokens/customer/{COWORKER}/?{query}", HTTP_HX_REQUEST="true").content.decode()
    shown = {int(token_id) for token_id, _ in ROW.findall(html)}
    assert shown == {t["Id"] for t in _tokens_of(upstream, mine)}


def test_without_the_invoices_named_it_reads_them_first_and_is_a_page_of_its_own(agent_client, upstream):
    upstream.reset_counters()
    response = agent_client.get(f"/payment-tokens/customer/{COWORKER}/")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html and '<h2 id="customer-tokens-heading">' in html
    assert calls(upstream, f"GET {INVOICES_API}") == 1
    assert len(ROW.findall(html)) == len(_tokens_of(upstream, [i["Id"] for i in _invoices(upstream)]))


def test_a_failed_token_search_is_a_problem_to_retry_not_an_empty_list(agent_client, upstream):
    url = _tokens_url(agent_client)
    upstream.fault("status", count=50, status=503, path=TOKENS_API, method="GET")
    response = agent_client.get(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "upstream-problem" in html
    assert "No payment token has been recorded" not in html


def test_tokens_are_listed_when_their_batch_read_fails_with_the_provider_not_read(agent_client, upstream):
    url = _tokens_url(agent_client)
    named = len(re.findall(r"invoice=\d+", url))
    # The searches answer; the batch read that gives the provider (the call after them) fails.
    upstream.fault("status", count=20, status=503, path=f"{TOKENS_API}/", method="GET")
    html = agent_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    rows = ROW.findall(html)
    assert named and rows and all("not read (try again)" in cells for _, cells in rows)


def test_a_customer_without_invoices_has_no_token_search(agent_client, upstream, monkeypatch):
    from dashboard.invoices import views

    monkeypatch.setattr(views, "customer_invoices", lambda **kwargs: ([], 0))
    upstream.reset_counters()
    html = agent_client.get(f"/customers/{COWORKER}/invoices/", HTTP_HX_REQUEST="true").content.decode()
    assert "tokens are recorded against invoices, and this customer has none" in html
    assert 'id="customer-tokens" hx-get' not in html
    assert upstream.counters()["total"] == 0
