"""Recording without friction (issue 19), in a real browser: the token → payment chain with its context
carried, a credit without a debit, the keyboard-only run counted against its budget, the same task with the
mouse counted in clicks, the pickers' combobox keys, and a reversal end to end."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.axe_checks import violations_in_each_scheme
from tests.ledger.helpers import LEDGER_API, api_page, unpaid_invoice

pytestmark = [pytest.mark.browser]

TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
KEYSTROKE_BUDGET = 45  # excluding the typed values
CLICK_BUDGET = 8


class Keys:
    """Key presses sent to the page, counted; typed values (an invoice number, an amount) are not."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0
        self.log: list[str] = []

    def press(self, key: str) -> None:
        self.count += 1
        self.log.append(key)
        self.page.keyboard.press(key)

    def value(self, text: str) -> None:
        self.page.keyboard.type(text)

    def tab_to(self, name: str, limit: int = 30) -> None:
        """Tab until the focused element's text or label starts with `name` (each Tab counted)."""
        for _ in range(limit):
            self.press("Tab")
            focused = self.page.evaluate(
                "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
            )
            if focused.startswith(name):
                return
        raise AssertionError(f"{name!r} not reached with {limit} Tabs; keys so far: {self.log}")


def _tokens(upstream, invoice) -> int:
    return api_page(upstream, TOKENS_API, CoworkerInvoicePaymentToken_CoworkerInvoice=invoice["Id"], size=1)[
        "TotalItems"
    ]


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.tagName")


def _base(page) -> str:
    return re.match(r"https?://[^/]+", page.url).group(0)


def test_token_then_credit_by_keyboard_alone_within_the_keystroke_budget(signed_in_page, upstream):
    page = signed_in_page
    invoice = unpaid_invoice(upstream, "GBP")
    tokens_before = _tokens(upstream, invoice)
    keys = Keys(page)
    page.goto(_base(page) + "/")

    # Quick find: "/" then the invoice number and Enter opens the invoice (its only match).
    keys.press("/")
    keys.value(invoice["InvoiceNumber"])
    keys.press("Enter")
    page.wait_for_url(re.compile(rf"/invoices/{invoice['Id']}/"))
    page.wait_for_load_state("networkidle")

    # "n" on the invoice: a payment token for it, which arrives with the invoice filled in and the first
    # empty field (the provider) focused.
    keys.press("n")
    page.wait_for_url(re.compile(r"/payment-tokens/new/"))
    expect(page.locator("#id_coworker_invoice_id")).to_have_value(str(invoice["Id"]))
    expect(page.locator("#id_provider")).to_be_focused()
    keys.value("Bank T")  # the select's type-ahead
    expect(page.locator("#id_provider")).to_have_value("96")
    keys.press("Tab")
    keys.value("bt_keyboard_0001")
    keys.press("Enter")

    # Saved: the message is focused and announced; the next step is a few Tabs away.
    confirmation = page.locator(".created-confirmation")
    expect(confirmation).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("Saved")
    keys.tab_to("Record the payment for this invoice")
    keys.press("Enter")

    # The ledger form: customer, business, invoice, gateway and the outstanding amount filled in, names
    # shown, and the credit focused with its text selected, so typing replaces it.
    page.wait_for_url(re.compile(r"/ledger-entries/new/"))
    expect(page.locator("#id_coworker_id_chosen")).to_contain_text(invoice["CoworkerFullName"])
    expect(page.locator("#id_business_id_chosen")).to_contain_text(invoice["BusinessName"])
    expect(page.locator("#id_payment_gateway")).to_have_value("996")
    expect(page.locator("#id_credit")).to_be_focused()
    expect(page.locator("#id_debit")).to_have_value("")  # a credit without a debit
    keys.value("40.00")
    keys.press("Enter")

    review = page.locator(".entry-summary")
    expect(review).to_contain_text("Credit GBP 40.00")
    expect(page.locator("#ledger-entry-flow h2")).to_be_focused()
    keys.tab_to("Save this entry in Nexudus")
    keys.press("Enter")
    expect(page.locator(".created-confirmation")).to_contain_text("was saved in Nexudus")
    expect(page.locator("#ledger-entry-flow h2")).to_be_focused()

    assert _tokens(upstream, invoice) == (tokens_before + 1)
    entry_id = int(page.locator(".created-id").inner_text())
    entry = upstream.api("GET", f"{LEDGER_API}/{entry_id}").json()
    assert Decimal(str(entry["Credit"])) == Decimal("40.00") and Decimal(str(entry["Debit"])) == 0
    assert entry["CoworkerInvoiceId"] == invoice["Id"] and entry["CoworkerId"] == invoice["CoworkerId"]
    print(f"keyboard run: {keys.count} keystrokes besides the typed values: {keys.log}")
    assert keys.count <= KEYSTROKE_BUDGET, keys.log


def test_token_then_credit_with_the_mouse_within_the_click_budget(signed_in_page, upstream):
    page = signed_in_page
    invoice = unpaid_invoice(upstream, "GBP")
    clicks = 0

    def click(locator) -> None:
        nonlocal clicks
        clicks += 1
        locator.click()

    page.goto(_base(page) + f"/invoices/{invoice['Id']}/")
    click(page.get_by_role("button", name="Record a payment token for this invoice"))
    expect(page.locator("#id_coworker_invoice_id")).to_have_value(str(invoice["Id"]))
    clicks += 2  # opening the provider list and choosing in it
    page.locator("#id_provider").select_option("96")
    click(page.get_by_label("Token"))
    page.keyboard.type("bt_mouse_0001")
    click(page.get_by_role("button", name="Save payment token"))
    click(page.get_by_role("button", name="Record the payment for this invoice"))
    expect(page.locator("#id_credit")).to_be_focused()
    page.keyboard.type("40.00")
    click(page.get_by_role("button", name="Review the entry"))
    expect(page.locator(".entry-summary")).to_contain_text("Credit GBP 40.00")
    click(page.get_by_role("button", name="Save this entry in Nexudus"))
    expect(page.locator(".created-confirmation")).to_contain_text("was saved in Nexudus")
    # The Saved page links the invoice, and "Record another" keeps the customer.
    expect(page.locator("a.created-invoice")).to_have_attribute("href", f"/invoices/{invoice['Id']}/")
    expect(page.locator("a.record-another")).to_have_attribute(
        "href", re.compile(rf"coworker_id={invoice['CoworkerId']}")
    )
    print(f"mouse run: {clicks} clicks")
    assert clicks <= CLICK_BUDGET


def test_picker_is_a_combobox_arrows_enter_escape_never_submit(signed_in_page, upstream):
    page = signed_in_page
    invoice = unpaid_invoice(upstream, "GBP")
    page.goto(_base(page) + "/ledger-entries/new/")
    box = page.locator("#id_coworker_id_search")
    expect(box).to_be_focused()  # the first field of the page
    expect(box).to_have_attribute("role", "combobox")
    box.type(invoice["CoworkerFullName"].split()[0])
    options = page.locator("#id_coworker_id_options [role=option]")
    expect(options.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r".+"))
    if options.count() > 1:
        page.keyboard.press("ArrowDown")
        expect(options.nth(1)).to_have_attribute("aria-selected", "true")
        page.keyboard.press("ArrowUp")
        expect(options.first).to_have_attribute("aria-selected", "true")
    chosen_id = options.first.get_attribute("data-pick")
    page.keyboard.press("Enter")
    expect(page.locator("#id_coworker_id")).to_have_value(chosen_id)
    expect(page.locator(".error-summary")).to_have_count(0)  # Enter chose; it did not submit the form
    expect(page.locator("#id_coworker_id_chosen")).to_contain_text("Chosen:")
    # The business came with the customer, by name.
    expect(page.locator("#id_business_id_chosen")).not_to_contain_text("invoicing business (#")
    # Escape closes a list of matches; Enter with nothing chosen does not submit either.
    business = page.locator("#id_business_id_search")
    business.focus()
    business.type("a")
    expect(page.locator("#id_business_id_options [role=option]").first).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#id_business_id_options [role=option]")).to_have_count(0)
    expect(business).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_have_count(0)


def test_shortcut_help_opens_with_question_mark(signed_in_page):
    page = signed_in_page
    page.goto(_base(page) + "/payment-tokens/")
    page.locator("body").click()
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    expect(page.locator("#shortcut-help")).to_contain_text("Go to ledger entries")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcut-help")).to_be_hidden()
    page.keyboard.press("g")
    page.keyboard.press("l")
    page.wait_for_url(re.compile(r"/ledger-entries/$"))


def test_a_reversal_end_to_end_and_refused_the_second_time(signed_in_page, upstream):
    page = signed_in_page
    invoice = unpaid_invoice(upstream, "GBP")
    base = _base(page)
    page.goto(
        f"{base}/ledger-entries/new/?coworker_invoice_id={invoice['Id']}&credit=17.25&code=ADJU&description=Mistake"
    )
    page.get_by_role("button", name="Review the entry").click()
    page.get_by_role("button", name="Save this entry in Nexudus").click()
    original_id = page.locator(".created-id").inner_text()

    page.goto(f"{base}/ledger-entries/{original_id}/")
    page.get_by_role("button", name="Reverse this entry").click()
    expect(page.locator(".reversal-of")).to_contain_text(f"entry {original_id}")
    expect(page.locator("#id_debit")).to_have_value(re.compile(r"^17\.25?0?$"))
    page.get_by_role("button", name="Review the entry").click()
    expect(page.locator(".balance-to-write")).to_be_visible()  # the same review with its balance preview
    page.get_by_role("button", name="Save this entry in Nexudus").click()
    expect(page.locator(".reversal-link")).to_contain_text(f"entry {original_id}")
    reversal_id = page.locator(".created-id").inner_text()

    page.goto(f"{base}/ledger-entries/{original_id}/")
    expect(page.locator(".reversed-by")).to_contain_text(f"entry {reversal_id}")
    expect(page.get_by_role("button", name="Reverse this entry")).to_have_count(0)
    page.goto(f"{base}/ledger-entries/{reversal_id}/")
    expect(page.locator(".reverses")).to_contain_text(f"entry {original_id}")
    page.goto(f"{base}/ledger-entries/new/?reverses={original_id}")
    expect(page.locator(".already-reversed")).to_contain_text(f"entry {reversal_id}")
    expect(page.get_by_role("button", name="Review the entry")).to_have_count(0)


def test_a_read_only_person_sees_the_record_buttons_unavailable_with_the_reason(
    page, live_server, upstream, transactional_db, browser_sign_in
):
    browser_sign_in(page, live_server.url, email="agent@sandbox.test")
    invoice = unpaid_invoice(upstream, "GBP")
    base = live_server.url
    page.goto(f"{base}/payment-tokens/new/?coworker_invoice_id={invoice['Id']}")
    page.get_by_label("Token").fill("agent_try_1")
    page.get_by_role("button", name="Save payment token").click()
    refused = page.locator("#create-area")
    expect(refused).to_contain_text("You don't have permission to do this")
    expect(refused).to_contain_text("Invoice payment token → Create permission")
    expect(refused).not_to_contain_text("CoworkerInvoicePaymentToken-Create")

    # From now on the buttons say why before anyone fills a form in.
    reason = "Your Nexudus account can look up payment tokens but not record them"
    page.goto(f"{base}/payment-tokens/")
    button = page.get_by_role("button", name="Record a payment token")
    expect(button).to_be_disabled()
    expect(page.locator("#record-token-reason")).to_contain_text(reason)
    expect(page.locator("#record-token-reason")).to_contain_text("ask a Nexudus administrator")
    page.goto(f"{base}/invoices/{invoice['Id']}/")
    expect(page.get_by_role("button", name="Record a payment token for this invoice")).to_be_disabled()
    expect(page.locator("#record-token-reason")).to_contain_text(reason)
    expect(page.locator("body")).not_to_contain_text("CoworkerInvoicePaymentToken-Create")


def test_token_edit_and_delete_through_confirm_steps_with_their_history(
    page, live_server, upstream, transactional_db, browser_sign_in
):
    browser_sign_in(page, live_server.url, email="admin@sandbox.test")
    base = live_server.url
    page.goto(f"{base}/payment-tokens/new/?coworker_invoice_id=300001")
    page.get_by_label("Payment provider").select_option("2")
    page.get_by_label("Token").fill("pm_browser_edit_1")
    page.get_by_role("button", name="Save payment token").click()
    page.locator(".created-confirmation .created-id").wait_for()
    token_id = page.locator(".created-confirmation .created-id").inner_text()

    page.goto(f"{base}/payment-tokens/{token_id}/")
    page.get_by_role("button", name="Change provider or notes").click()
    expect(page.get_by_label("Payment provider")).to_be_focused()  # the first field
    page.get_by_label("Payment provider").select_option("96")
    page.get_by_label("Notes").fill("It was a bank transfer")
    page.get_by_role("button", name="Review the change").click()
    expect(page.locator(".token-changes")).to_contain_text("from “Stripe” to “Bank Transfer”")
    page.get_by_role("button", name="Save the change in Nexudus").click()
    expect(page.locator("#messages")).to_contain_text("was changed")
    # The history tells the change with the values before and after, not just "Update".
    expect(page.locator(".dashboard-history li").first).to_contain_text(
        "admin@sandbox.test changed the payment provider from Stripe to Bank Transfer"
        " and the notes from (none) to “It was a bank transfer”"
    )
    expect(page.locator(".dashboard-history")).not_to_contain_text("pm_browser_edit_1")
    assert upstream.api("GET", f"{TOKENS_API}/{token_id}").json()["Notes"] == "It was a bank transfer"

    # An attempt Nexudus refuses is in the history as an attempt, never as a change.
    upstream.fault("unsuccessful", method="PUT", path=TOKENS_API)
    page.get_by_role("button", name="Change provider or notes").click()
    page.get_by_label("Payment provider").select_option("97")
    page.get_by_role("button", name="Review the change").click()
    page.get_by_role("button", name="Save the change in Nexudus").click()
    page.goto(f"{base}/payment-tokens/{token_id}/")
    expect(page.locator(".dashboard-history li").first).to_contain_text(
        "tried to change the payment provider from Bank Transfer to Cash; Nexudus refused"
    )
    axe = Axe()
    assert violations_in_each_scheme(axe, page, "token history") == []
    page.emulate_media(color_scheme="light")

    page.get_by_role("button", name="Delete").click()
    expect(page.locator("h1")).to_contain_text(f"Delete payment token {token_id}?")
    page.get_by_role("button", name=f"Delete payment token {token_id} in Nexudus").click()
    expect(page.locator("#messages")).to_contain_text("was deleted")
    assert upstream.api("GET", f"{TOKENS_API}/{token_id}").status_code == 404
    page.goto(f"{base}/audit/")
    expect(page.locator("main")).to_contain_text("Delete")
    expect(page.locator("main")).to_contain_text(
        "Delete the token (it was Bank Transfer ••••••••it_1 for invoice ID 300001, notes “It was a bank transfer”)"
    )
    expect(page.locator("main")).not_to_contain_text("pm_browser_edit_1")
