"""A support agent pastes an invoice number into the home page's search box and reads the verdict."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard.invoices.verdict import day_words
from dashboard.nexudus.records import parse_datetime

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVOICES_API = "/api/billing/coworkerinvoices"
TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"


def test_an_agent_pastes_an_invoice_number_and_reads_the_verdict(page, live_server, upstream, browser_sign_in):
    token = upstream.api("GET", TOKENS_API, params={"size": 1}).json()["Records"][0]
    invoice = upstream.api("GET", f"{INVOICES_API}/{token['CoworkerInvoiceId']}").json()
    browser_sign_in(page, live_server.url, email="agent@sandbox.test")
    page.goto(f"{live_server.url}/")

    page.keyboard.press("/")  # the documented shortcut focuses the box
    box = page.get_by_label("Find an invoice, payment, ledger entry or customer")
    expect(box).to_be_focused()
    page.keyboard.insert_text(f" {invoice['InvoiceNumber']} ")  # pasted, stray spaces and all
    with page.expect_navigation():
        box.press("Enter")

    assert page.url == f"{live_server.url}/invoices/{invoice['Id']}/"
    verdict = page.locator("[data-verdict]").inner_text()
    if invoice["Refunded"]:
        assert verdict.startswith("Refunded")
    elif invoice["Paid"]:
        assert verdict.startswith(f"Paid in full on {day_words(parse_datetime(invoice['PaidOn']))}")
    else:
        assert verdict.startswith(("Unpaid", "Part paid"))
    assert page.get_by_role("heading", name=f"Invoice {invoice['InvoiceNumber']}").is_visible()

    # The tokens' providers arrive after the page (one batch read), without a reload.
    tokens = page.locator("#invoice-tokens")
    tokens.locator(".token-provider").first.wait_for()
    expect(tokens.locator(".loading")).to_have_count(0)
    assert "Loading" not in tokens.inner_text()
    assert token["Token"] not in page.content()


def test_several_matches_are_listed_and_one_click_opens_the_invoice(page, live_server, upstream, browser_sign_in):
    browser_sign_in(page, live_server.url, email="agent@sandbox.test")
    page.goto(f"{live_server.url}/")
    page.get_by_label("Find an invoice, payment, ledger entry or customer").fill("inv-0004")
    with page.expect_navigation():
        page.get_by_role("button", name="Find").click()
    assert page.get_by_role("heading", name="10 matches for “inv-0004”").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="INV-00042").click()
    assert page.locator("[data-verdict]").inner_text()
