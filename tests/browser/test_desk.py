"""The support agent's desk in a real browser, on a desktop and on a 390 px phone: a customer found by
name, an invoice number typed loosely, the token list's provider / invoice / customer, what tokens mean on
an invoice, a date-only filter, paging that lands on the table, and axe on a phone."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVOICES_API = "/api/billing/coworkerinvoices"
COWORKERS_API = "/api/spaces/coworkers"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
BLOCKING = {"serious", "critical"}


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, browser):
    phone = request.param == "phone"
    context = browser.new_context(viewport=VIEWPORTS[request.param], is_mobile=phone, has_touch=phone)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _invoice(upstream, number: str) -> dict:
    return upstream.api("GET", INVOICES_API, params={"CoworkerInvoice_InvoiceNumber": number}).json()["Records"][0]


def test_a_customer_found_by_name_from_the_home_page_shows_their_balance(
    screen, live_server, upstream, browser_sign_in
):
    coworker = upstream.api("GET", COWORKERS_API, params={"size": 1}).json()["Records"][0]
    browser_sign_in(screen, live_server.url, email="agent@sandbox.test")
    screen.goto(f"{live_server.url}/")
    screen.get_by_label("Find an invoice, payment, ledger entry or customer").fill(coworker["FullName"])
    with screen.expect_navigation():
        screen.get_by_role("button", name="Find", exact=True).click()
    if "/find/" in screen.url:  # more than one match: the customer is listed with their email
        link = screen.locator(f'a[href="/customers/{coworker["Id"]}/ledger/"]')
        expect(screen.get_by_role("heading", name=re.compile(r"^Customers? \(\d+\)$"))).to_be_visible()
        with screen.expect_navigation():
            link.click()
    assert screen.url.startswith(f"{live_server.url}/customers/{coworker['Id']}/ledger/")
    expect(screen.locator(".customer-balance")).to_contain_text(
        re.compile(r"owes|is owed|owes nothing|in credit|nothing")
    )
    expect(screen.locator("#customer-invoices table, #customer-invoices p").first).to_be_visible()


def test_inv_1963_typed_loosely_opens_the_invoice(screen, live_server, upstream, browser_sign_in):
    invoice = _invoice(upstream, "INV-01963")
    browser_sign_in(screen, live_server.url, email="agent@sandbox.test")
    screen.goto(f"{live_server.url}/")
    screen.get_by_label("Find an invoice, payment, ledger entry or customer").fill("inv-1963")
    with screen.expect_navigation():
        screen.get_by_role("button", name="Find", exact=True).click()
    assert screen.url == f"{live_server.url}/invoices/{invoice['Id']}/"
    expect(screen.get_by_role("heading", name="Invoice INV-01963")).to_be_visible()


def test_the_token_list_shows_provider_invoice_number_and_customer(screen, live_server, upstream, browser_sign_in):
    invoice = _invoice(upstream, "INV-01963")
    browser_sign_in(screen, live_server.url)
    screen.goto(f"{live_server.url}/payment-tokens/?coworker_invoice_id=INV-01963")
    assert f"coworker_invoice_id={invoice['Id']}" in screen.url  # the number was looked up
    table = screen.locator("#results table")
    expect(table.locator("thead")).to_contain_text("Provider")
    first_row = table.locator("tbody tr").first
    expect(first_row.get_by_role("link", name="INV-01963")).to_be_visible()
    expect(first_row.get_by_role("link", name=invoice["CoworkerFullName"])).to_have_attribute(
        "href", f"/customers/{invoice['CoworkerId']}/ledger/"
    )
    expect(first_row).to_contain_text(re.compile(r"Stripe|GoCardless|Braintree|Bank|PayPal|not given by Nexudus"))


def test_the_invoice_says_what_its_tokens_mean(screen, live_server, upstream, browser_sign_in):
    invoice = _invoice(upstream, "INV-01963")
    browser_sign_in(screen, live_server.url, email="agent@sandbox.test")
    screen.goto(f"{live_server.url}/invoices/{invoice['Id']}/")
    notes = screen.locator("#invoice-tokens .token-notes li")  # arrive with the providers, after the page
    expect(notes.first).to_be_visible()
    expect(screen.locator("#invoice-tokens")).to_contain_text("not a payment")
    expect(notes.filter(has_text="came through Manual, not Stripe").first).to_be_visible()


def test_a_date_only_filter_applies(screen, live_server, upstream, browser_sign_in):
    browser_sign_in(screen, live_server.url)
    screen.goto(f"{live_server.url}/payment-tokens/")
    summary = screen.locator(".table-summary")
    before = summary.inner_text()
    more = screen.locator("details", has=screen.get_by_label("Created from"))
    if more.count() and not more.first.get_attribute("open"):
        more.first.locator("summary").click()
    screen.get_by_label("Created from").fill("2026-10-28")
    screen.get_by_label("Created to").fill("2026-10-28")
    screen.get_by_label("Created to").dispatch_event("change")
    screen.wait_for_url(re.compile(r"created_to=2026-10-28"))
    expect(summary).not_to_have_text(before)
    assert "field-error" not in screen.content()


def test_paging_lands_on_the_table_with_the_caption_focused(page, live_server, upstream, browser_sign_in):
    browser_sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/payment-tokens/")
    nxt = page.locator(".pagination a[rel=next]")
    nxt.scroll_into_view_if_needed()
    nxt.click()
    page.wait_for_url(re.compile(r"page=2"))
    caption = page.locator("#results caption")
    expect(caption).to_be_focused()
    top = page.locator("#results .table-container").bounding_box()
    assert top is not None and -2 <= top["y"] <= 900 * 0.5, top
    expect(page.locator(".pagination .current-page")).to_have_text("Page 2 (this page)")


def test_axe_on_a_phone_finds_no_serious_violations_on_the_desk_pages(browser, live_server, upstream, browser_sign_in):
    invoice = _invoice(upstream, "INV-01963")
    context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    phone = context.new_page()
    axe = Axe()
    problems: list[str] = []
    try:
        browser_sign_in(phone, live_server.url)
        for path in (
            "/",
            "/find/?q=canal",
            "/payment-tokens/",
            f"/invoices/{invoice['Id']}/",
            f"/customers/{invoice['CoworkerId']}/ledger/",
            "/find/?q=INV-019",
        ):
            phone.goto(live_server.url + path)
            phone.wait_for_load_state("networkidle")
            for scheme in ("light", "dark"):
                phone.emulate_media(color_scheme=scheme, reduced_motion="reduce")
                phone.wait_for_timeout(50)
                for violation in axe.run(phone).response["violations"]:
                    if violation["impact"] in BLOCKING:
                        problems.append(f"{path} [{scheme}]: {violation['id']}: {violation['help']}")
        assert not phone.locator(".key-hint").first.is_visible()  # no keyboard hints on a touch screen
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_phone_menu_has_quick_find_and_the_signed_in_person(browser, live_server, upstream, browser_sign_in):
    context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    phone = context.new_page()
    try:
        browser_sign_in(phone, live_server.url, email="agent@sandbox.test")
        phone.goto(f"{live_server.url}/payment-tokens/")
        nav = phone.get_by_role("navigation", name="Main")
        assert nav.bounding_box()["height"] < 80  # one row, not three
        expect(phone.get_by_role("link", name="Payment tokens")).to_be_hidden()  # folded at first
        phone.locator(".nav-menu > summary").click()
        expect(phone.locator(".nav-menu .user-email")).to_have_text("agent@sandbox.test")
        box = phone.get_by_label("Quick find")
        box.fill("inv-1963")
        with phone.expect_navigation():
            box.press("Enter")
        assert "/invoices/" in phone.url
    finally:
        context.close()


def test_the_desktop_shows_the_nav_and_no_phone_menu(page, live_server, upstream, browser_sign_in):
    browser_sign_in(page, live_server.url)
    expect(page.locator(".nav-menu > summary")).to_be_hidden()
    expect(page.locator(".app-nav").get_by_role("link", name="Payment tokens")).to_be_visible()
