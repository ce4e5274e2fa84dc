"""The support agent's desk in a real browser, on a desktop and on a 390 px phone: a customer found by
name, an invoice number typed loosely, the token list's provider / invoice / customer, what tokens mean on
an invoice, a date-only filter, paging that lands on the table, and axe on a phone."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.axe_checks import violations_in_each_scheme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVOICES_API = "/api/billing/coworkerinvoices"
COWORKERS_API = "/api/spaces/coworkers"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


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
    # "Created from" is under "More filters", inside the filters (folded on a phone while there are results).
    for fold in (".filter-panel", ".more-filters"):
        panel = screen.locator(f"details{fold}")
        if panel.get_attribute("open") is None:
            panel.locator(":scope > summary").click()
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
            problems += violations_in_each_scheme(axe, phone, path)
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


# --- the customer's page: the chart, its table, their tokens, the inline filters (issue 18) -------------


def _customer_page(screen, live_server, upstream, browser_sign_in, **params) -> dict:
    invoice = _invoice(upstream, "INV-01963")
    browser_sign_in(screen, live_server.url, email="agent@sandbox.test")
    query = "&".join(f"{name}={value}" for name, value in params.items())
    screen.goto(f"{live_server.url}/customers/{invoice['CoworkerId']}/ledger/{'?' + query if query else ''}")
    return invoice


def test_a_chart_point_shows_its_value_on_keyboard_focus_and_on_hover(screen, live_server, upstream, browser_sign_in):
    _customer_page(screen, live_server, upstream, browser_sign_in)
    drawing = screen.get_by_role("img", name=re.compile(r"^Balance of .* over time"))
    box = drawing.bounding_box()
    assert box and box["height"] <= 200 and box["width"] > 300  # compact, full width
    points = screen.locator(".chart-point")
    count = points.count()
    assert count > 2
    assert screen.locator('.chart-point[tabindex="0"]').count() == 1
    newest = points.nth(count - 1)
    assert newest.get_attribute("tabindex") == "0"  # the one Tab stop: the newest entry
    # Tab reaches the chart once (its newest point); the arrow keys move along it.
    newest.focus()
    readout = newest.locator(":scope > text")
    expect(readout).to_be_visible()
    expect(readout).to_contain_text("GBP")
    assert newest.get_attribute("aria-label").startswith(readout.locator("tspan").nth(1).text_content()[:11])
    screen.keyboard.press("ArrowLeft")
    previous = points.nth(count - 2)
    expect(previous).to_be_focused()
    expect(previous.locator(":scope > text")).to_be_visible()
    expect(readout).to_be_hidden()
    assert previous.get_attribute("tabindex") == "0" and newest.get_attribute("tabindex") == "-1"
    screen.keyboard.press("Home")
    expect(points.first).to_be_focused()
    # The pointer: the value of the point under it (its band spans half-way to its neighbours).
    screen.locator("h1").click()  # focus leaves the chart
    band = points.nth(count // 2).locator(":scope > rect").bounding_box()
    screen.mouse.move(band["x"] + band["width"] / 2, band["y"] + band["height"] / 2)
    expect(points.nth(count // 2).locator(":scope > text")).to_be_visible()
    # The readout stays inside the chart, whatever the width.
    tip = points.nth(count // 2).locator(":scope > text").bounding_box()
    assert box["x"] - 1 <= tip["x"] and tip["x"] + tip["width"] <= box["x"] + box["width"] + 1, (tip, box)


def test_the_chart_labels_are_readable_and_never_overlap(screen, live_server, upstream, browser_sign_in):
    _customer_page(screen, live_server, upstream, browser_sign_in)
    ticks = screen.locator(".chart-drawing .chart-tick")
    boxes = []
    for index in range(ticks.count()):
        tick = ticks.nth(index)
        if not tick.is_visible():
            continue
        size = float(tick.evaluate("element => getComputedStyle(element).fontSize").removesuffix("px"))
        assert size >= 11  # real pixels: the chart is not scaled down on a phone
        boxes.append(tick.bounding_box())
    assert len(boxes) >= 4
    for index, first in enumerate(boxes):
        for second in boxes[index + 1 :]:
            apart = (
                first["x"] + first["width"] <= second["x"]
                or second["x"] + second["width"] <= first["x"]
                or first["y"] + first["height"] <= second["y"]
                or second["y"] + second["height"] <= first["y"]
            )
            assert apart, (first, second)
    # Five dates along the bottom of a wide chart, three on a phone.
    optional = screen.locator(".chart-drawing .chart-tick-optional")
    assert optional.count() == 2
    narrow = screen.viewport_size["width"] < 640
    assert [optional.nth(i).is_visible() for i in range(2)] == [not narrow, not narrow]


def test_the_chart_as_a_table_lists_every_point(screen, live_server, upstream, browser_sign_in):
    _customer_page(screen, live_server, upstream, browser_sign_in)
    points = screen.locator(".chart-point").count()
    table = screen.locator(".chart-table table")
    expect(table).to_be_hidden()
    screen.get_by_text("Show the chart as a table").click()
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() == points
    expect(table.locator("thead")).to_contain_text("Balance after")
    expect(table.locator("tbody tr").last).to_contain_text("GBP")


def test_the_customer_page_lists_their_payment_tokens(screen, live_server, upstream, browser_sign_in):
    invoice = _customer_page(screen, live_server, upstream, browser_sign_in)
    section = screen.locator("#customer-tokens")
    expect(section.get_by_role("heading", name="Payment tokens")).to_be_visible()
    rows = section.locator("tbody tr")
    expect(rows.first).to_be_visible()
    inv = section.get_by_role("link", name="INV-01963")
    expect(inv.first).to_have_attribute("href", f"/invoices/{invoice['Id']}/")
    expect(section.locator("tbody")).to_contain_text(re.compile(r"Stripe|GoCardless|Braintree|Bank Transfer|Cash"))
    assert "•" in rows.first.locator(".masked-token").inner_text()


def test_the_customer_ledger_filters_are_folded_and_apply_inline(screen, live_server, upstream, browser_sign_in):
    invoice = _customer_page(screen, live_server, upstream, browser_sign_in)
    code = screen.get_by_label("Code", exact=True)
    expect(code).to_be_hidden()  # folded: there are entries
    screen.get_by_text("Filter these entries").click()
    expect(code).to_be_visible()
    code.fill("PAYM")
    screen.wait_for_url(re.compile(r"code=PAYM"))
    assert f"/customers/{invoice['CoworkerId']}/ledger/" in screen.url and "business=" in screen.url
    headers = screen.locator("#results thead th").all_inner_texts()
    column = next(i for i, header in enumerate(headers, start=1) if header.strip().startswith("Code"))
    codes = screen.locator(f"#results tbody tr td:nth-child({column})")
    expect(codes.first).to_have_text("PAYM")
    assert set(codes.all_inner_texts()) == {"PAYM"}
    expect(screen.locator("#results .export-link")).to_be_visible()  # a filtered view has its own export
    expect(screen.get_by_role("img", name=re.compile("^Balance of"))).to_be_visible()  # the rest stays


def test_search_filters_fold_on_a_phone_while_there_are_results(screen, live_server, upstream, browser_sign_in):
    browser_sign_in(screen, live_server.url)
    screen.goto(f"{live_server.url}/ledger-entries/")
    first_filter = screen.get_by_label("Customer (id or name)")
    table = screen.locator("#results table")
    if screen.viewport_size["width"] < 768:
        expect(first_filter).to_be_hidden()
        assert table.bounding_box()["y"] < 844  # the results are on the first screen
        screen.locator(".filter-panel > summary").click()
        expect(first_filter).to_be_visible()
    else:
        expect(first_filter).to_be_visible()
        expect(screen.locator(".filter-panel > summary")).to_be_hidden()
    screen.goto(f"{live_server.url}/ledger-entries/?code=NO-SUCH-CODE")
    expect(first_filter).to_be_visible()  # nothing found: open, to change them
    screen.goto(f"{live_server.url}/ledger-entries/?debit_from=abc")
    expect(screen.get_by_label("Debit from")).to_be_visible()  # a filter to fix: open at it


def test_axe_finds_no_serious_violations_on_the_customer_page_with_the_chart_in_use(
    screen, live_server, upstream, browser_sign_in
):
    _customer_page(screen, live_server, upstream, browser_sign_in)
    screen.wait_for_load_state("networkidle")
    expect(screen.locator("#customer-tokens table")).to_be_visible()
    screen.get_by_text("Show the chart as a table").click()
    screen.get_by_text("Filter these entries").click()
    screen.locator('.chart-point[tabindex="0"]').focus()
    axe = Axe()
    problems = []
    problems += violations_in_each_scheme(axe, screen, "customer page")
    assert not problems, "\n".join(problems)
