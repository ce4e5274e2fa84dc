"""Ledger entries in a real browser: a credit linked to an invoice, picked with the pickers, reviewed and
saved, then found in the customer's ledger with the new balance and the chart."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.ledger.helpers import api_total, current_balance, unpaid_invoice

pytestmark = [pytest.mark.browser]


def _pick(page, label: str, text: str, option: str) -> None:
    """Type into a picker's search box and click the matching result button."""
    search = page.get_by_label(f"Search {label}")
    search.click()
    search.fill(text)
    button = page.locator("[data-pick]", has_text=option).first
    expect(button).to_be_visible()
    button.click()


def test_credit_linked_to_an_invoice_through_pickers_and_review_then_seen_in_the_ledger(signed_in_page, upstream):
    page = signed_in_page
    invoice = unpaid_invoice(upstream, "GBP")
    customer, business, number = invoice["CoworkerFullName"], invoice["BusinessName"], invoice["InvoiceNumber"]
    before = current_balance(upstream, invoice["CoworkerId"], invoice["BusinessId"])
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + "/ledger-entries/new/")
    _pick(page, "customer (coworker) by name or id", customer.split()[0], customer)
    expect(page.locator("#id_coworker_id")).to_have_value(str(invoice["CoworkerId"]))
    expect(page.locator("#id_coworker_id_chosen")).to_contain_text(customer)
    page.locator("#id_business_id").fill("")
    _pick(page, "business by name or id", business.split()[-1], business)
    expect(page.locator("#id_business_id")).to_have_value(str(invoice["BusinessId"]))
    _pick(page, "invoice by number or id", number, number)
    expect(page.locator("#id_coworker_invoice_id")).to_have_value(str(invoice["Id"]))

    page.get_by_label("Description").fill("Browser payment")
    page.get_by_label("Code").fill("PAYM")
    page.get_by_label("Debit").fill("0")
    page.get_by_label("Credit").fill("45.00")
    page.get_by_label("Payment gateway").select_option(label="Bank")
    page.get_by_role("button", name="Review the entry").click()

    summary = page.locator(".entry-summary")
    expect(summary).to_contain_text(f"Credit GBP 45.00 to {customer} at {business}, linked to invoice {number}")
    assert api_total(upstream, CoworkerLedgerEntry_Description="Browser payment") == 0  # nothing written yet
    url_before_save = page.url
    page.get_by_role("button", name="Save this entry in Nexudus").click()
    expect(page.locator(".created-confirmation")).to_contain_text("was saved in Nexudus")
    assert page.url == url_before_save  # the flow swapped in place (htmx), no full reload
    assert api_total(upstream, CoworkerLedgerEntry_Description="Browser payment") == 1

    after = before - Decimal("45.00")
    shown = page.locator(".created-balance").get_attribute("data-balance")
    assert Decimal(shown) == after

    page.get_by_role("link", name="Customer's ledger").click()
    page.wait_for_url(re.compile(rf"/customers/{invoice['CoworkerId']}/ledger/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(customer)
    balance = page.locator(".customer-balance strong")
    assert Decimal(balance.get_attribute("data-balance")) == after
    words = f"owes GBP {after:,.2f}" if after > 0 else f"in credit GBP {-after:,.2f}" if after < 0 else "settled"
    expect(balance).to_have_text(words)
    newest = page.locator("#results tbody tr").first
    expect(newest).to_contain_text("Browser payment")
    expect(newest).to_contain_text(number)

    chart = page.get_by_role("img", name=f"Balance of {customer} over time")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 80
    assert page.locator("svg path.balance-line").get_attribute("d").count(" H ") >= 1
    assert not errors, errors
