"""Accessibility and layout in a real browser: axe-core (bundled by axe-playwright-python, no network)
finds no serious or critical violation on any page in either colour scheme, and no page scrolls sideways
on a 390 px wide phone."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.axe_checks import violations_in_each_scheme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
LEDGER_API = "/api/billing/coworkerledgerentries"


def _first(upstream, path: str, **params) -> dict:
    response = upstream.api("GET", path, params={"size": 1, **params})
    response.raise_for_status()
    return response.json()["Records"][0]


def _pages(upstream) -> dict[str, str]:
    token = _first(upstream, TOKENS_API)
    entries = upstream.api("GET", LEDGER_API, params={"size": 50}).json()["Records"]
    entry = next(record for record in entries if record.get("CoworkerInvoiceId"))
    return {
        "home": "/",
        "payment tokens": "/payment-tokens/",
        "new payment token": "/payment-tokens/new/",
        "payment token": f"/payment-tokens/{token['Id']}/",
        "change payment token": f"/payment-tokens/{token['Id']}/edit/",
        "delete payment token": f"/payment-tokens/{token['Id']}/delete/",
        "ledger entries": "/ledger-entries/?code=PAYM",
        "new ledger entry": "/ledger-entries/new/",
        "ledger entry": f"/ledger-entries/{entry['Id']}/",
        "customer ledger": f"/customers/{entry['CoworkerId']}/ledger/",
        "invoice": f"/invoices/{entry['CoworkerInvoiceId']}/",
        "find results": "/find/?q=inv-0004",
        "find customers and businesses": "/find/?q=canal",
        "customer invoices": f"/customers/{entry['CoworkerId']}/invoices/",
        "nothing found": "/find/?q=zzzz-nothing",
        "audit": "/audit/",
        "columns page": "/preferences/tables/payment_tokens/columns/?next=/payment-tokens/",
    }


def _settled(page) -> None:
    page.wait_for_load_state("networkidle")
    # (a locator, not wait_for_function: a polled string predicate is an eval the CSP refuses)
    expect(page.locator(".htmx-request, [aria-busy=true]")).to_have_count(0)


def test_axe_finds_no_serious_violations_on_any_page_in_light_and_dark(page, live_server, upstream, browser_sign_in):
    axe = Axe()
    problems: list[str] = []

    def check(name: str) -> None:
        _settled(page)
        problems.extend(violations_in_each_scheme(axe, page, name))
        page.emulate_media(color_scheme="light")

    page.goto(f"{live_server.url}/signin/")
    check("sign-in")
    browser_sign_in(page, live_server.url)
    for name, path in _pages(upstream).items():
        page.goto(live_server.url + path)
        check(name)

    # The states people meet on the way: the filters and menus open, a form with errors, the review step.
    page.goto(f"{live_server.url}/ledger-entries/?debit_from=5")
    page.locator("#column-chooser-ledger_entries > summary").click()
    page.locator(".column-choices").wait_for()
    page.locator("#saved-views-menu > summary").click()
    check("ledger entries with the menus open")
    page.goto(f"{live_server.url}/payment-tokens/new/")
    page.get_by_role("button", name="Save payment token").click()
    page.locator(".error-summary").wait_for()
    check("payment token form with errors")
    # Issue 19: the review step (its Save button focused, the state that failed dark contrast), the
    # prefilled ledger form, a saved token with its next steps, and the shortcut help.
    invoice = _first(upstream, "/api/billing/coworkerinvoices", CoworkerInvoice_Paid="false")
    page.goto(f"{live_server.url}/payment-tokens/new/?coworker_invoice_id={invoice['Id']}")
    page.get_by_label("Token").fill("axe_token_1")
    page.get_by_role("button", name="Save payment token").click()
    page.locator(".next-steps").wait_for()
    check("payment token saved, with next steps")
    page.goto(
        f"{live_server.url}/ledger-entries/new/?coworker_invoice_id={invoice['Id']}&credit=1.00&code=PAYM&description=Axe"
    )
    check("ledger form prefilled from an invoice")
    page.get_by_role("button", name="Review the entry").click()
    save = page.get_by_role("button", name="Save this entry in Nexudus")
    save.focus()
    check("ledger review step, Save focused")
    page.goto(f"{live_server.url}/payment-tokens/")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("?")
    page.locator("#shortcut-help").wait_for()
    check("shortcut help")
    assert not problems, "\n".join(problems)


def test_no_page_scrolls_sideways_on_a_390_px_phone(browser, live_server, upstream, browser_sign_in):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    phone = context.new_page()
    try:
        phone.goto(f"{live_server.url}/signin/")
        widths = {"sign-in": phone.evaluate("document.documentElement.scrollWidth")}
        browser_sign_in(phone, live_server.url)
        for name, path in _pages(upstream).items():
            phone.goto(live_server.url + path)
            _settled(phone)
            widths[name] = phone.evaluate("document.documentElement.scrollWidth")
        # Menus open on a phone stay on the screen too.
        phone.goto(f"{live_server.url}/payment-tokens/")
        phone.locator(".nav-menu > summary").click()  # on a phone the nav (saved views too) is in the menu
        phone.locator("#saved-views-menu > summary").click()
        widths["saved views open"] = phone.evaluate("document.documentElement.scrollWidth")
        # The folded filters put the column chooser just under the menu: close the menu to reach it.
        phone.keyboard.press("Escape")
        phone.locator(".nav-menu > summary").click()
        phone.locator("#column-chooser-payment_tokens > summary").click()
        phone.locator(".column-choices").wait_for()
        widths["columns open"] = phone.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    too_wide = {name: width for name, width in widths.items() if width > 390}
    assert not too_wide, f"pages wider than the phone: {too_wide}"
