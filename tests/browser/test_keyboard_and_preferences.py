"""Keyboard flows, remembered table preferences and saved views, in a real browser.

- `/` focuses the search of every search page (the quick find in the header elsewhere), Enter submits,
  Escape closes the column chooser, the menus and a picker's matches.
- Hiding a column and choosing a page size are remembered for the person: a reload and a new session
  show the same table.
- A named view of the current filters appears in the nav's Saved views and reopens with the same filters.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard.core.models import SavedView, TablePreference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _settled(page) -> None:
    # (a locator, not wait_for_function: a polled string predicate is an eval the CSP refuses)
    expect(page.locator(".htmx-request, [aria-busy=true]")).to_have_count(0)


def _headers(page) -> list[str]:
    return [text.strip() for text in page.locator("#results thead th").all_inner_texts()]


def test_slash_focuses_search_enter_submits_and_escape_closes(signed_in_page, live_server):
    page = signed_in_page
    for path, field in [
        ("/payment-tokens/", "#id_coworker_invoice_id"),
        ("/ledger-entries/", "#id_coworker"),
        ("/audit/", "#id_action"),
        ("/", "#id_q"),
    ]:
        page.goto(live_server.url + path)
        page.locator("body").press("/")
        expect(page.locator(field)).to_be_focused()

    # Enter in a filter runs the search (htmx: the URL changes, the page is not reloaded).
    page.goto(f"{live_server.url}/ledger-entries/")
    page.evaluate("window.__noReload = true")
    page.locator("body").press("/")
    page.keyboard.type("Wilson")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"coworker=Wilson"))
    _settled(page)
    assert page.evaluate("window.__noReload === true")
    for name in page.locator("#results tbody tr td:nth-child(3)").all_inner_texts():
        assert "Wilson" in name

    # Escape closes the column chooser (opened from the keyboard) and gives the focus back to its button.
    chooser = page.locator("#column-chooser-ledger_entries")
    chooser.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(chooser).to_have_attribute("open", "")
    expect(chooser.locator(".column-choices")).to_be_visible()
    chooser.get_by_label("Description").focus()
    page.keyboard.press("Escape")
    expect(chooser).not_to_have_attribute("open", "")
    expect(chooser.locator("summary")).to_be_focused()

    # ... and the Saved views menu in the nav.
    menu = page.locator("#saved-views-menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")

    # Elsewhere "/" goes to the quick find in the header, and Enter finds the record.
    page.goto(f"{live_server.url}/payment-tokens/new/")
    # The form page starts in its first field (issue 19), where "/" is typed; outside a field it jumps.
    expect(page.get_by_label("Coworker invoice ID")).to_be_focused()
    page.evaluate("document.activeElement.blur()")
    page.locator("body").press("/")
    quick = page.get_by_label("Quick find")
    expect(quick).to_be_focused()
    page.keyboard.type("inv-0004")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/find/?q=inv-0004" in page.url

    # Escape closes a picker's list of matches on the ledger entry form.
    page.goto(f"{live_server.url}/ledger-entries/new/")
    search = page.get_by_label("Search business by name or id")
    search.focus()
    options = page.locator("#id_business_id_options [data-pick]")
    expect(options.first).to_be_visible()
    page.keyboard.press("Escape")
    expect(options).to_have_count(0)
    expect(search).to_be_focused()


def test_hidden_columns_and_page_size_are_remembered_across_reloads_and_sessions(
    signed_in_page, live_server, browser, browser_sign_in
):
    page = signed_in_page
    page.goto(f"{live_server.url}/payment-tokens/")
    assert "Notes" in _headers(page)
    page.locator("#column-chooser-payment_tokens > summary").click()
    notes = page.locator(".column-choices").get_by_label("Notes")
    notes.uncheck()
    expect(page.locator("#results thead th", has_text="Notes")).to_have_count(0)
    expect(page.locator(".column-choices [value=id]")).to_be_disabled()  # the link to the record always stays
    page.keyboard.press("Escape")

    page.locator("#per-page").select_option("50")
    page.wait_for_url(re.compile(r"per_page=50"))
    _settled(page)
    assert page.locator("#results tbody tr").count() == 50
    assert "remember" not in page.url  # the address stays clean and shareable

    preference = TablePreference.objects.get(table="payment_tokens")
    assert "notes" not in preference.columns and preference.per_page == 50

    def same_table(page) -> None:
        page.goto(f"{live_server.url}/payment-tokens/")
        assert "Notes" not in _headers(page) and "Token" in _headers(page)
        assert page.locator("#results tbody tr").count() == 50
        expect(page.locator("#per-page")).to_have_value("50")

    same_table(page)  # a reload of the bare address
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # a brand-new session
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_sign_in(page, live_server.url)
    same_table(page)

    # Showing the column again brings it back.
    page.locator("#column-chooser-payment_tokens > summary").click()
    page.locator(".column-choices").get_by_label("Notes").check()
    expect(page.locator("#results thead th", has_text="Notes")).to_have_count(1)
    page.context.close()


def test_a_saved_view_appears_in_the_nav_and_reopens_with_the_same_filters(signed_in_page, live_server):
    page = signed_in_page
    page.goto(f"{live_server.url}/ledger-entries/")
    page.get_by_label("Code").fill("PAYM")
    page.wait_for_url(re.compile(r"code=PAYM"))
    _settled(page)
    page.locator("#results thead").get_by_role("link", name="Credit", exact=True).click()
    page.wait_for_url(re.compile(r"sort=credit"))
    _settled(page)

    page.locator("#save-view > summary").click()
    name = page.get_by_label("View name")
    expect(name).to_be_focused()
    name.fill("Payments by credit")
    name.press("Enter")
    expect(page.locator("#save-view-status")).to_contain_text("Saved “Payments by credit”")
    saved = SavedView.objects.get(name="Payments by credit")
    assert saved.table == "ledger_entries" and "code=PAYM" in saved.querystring and "sort=credit" in saved.querystring

    page.goto(f"{live_server.url}/")
    page.locator("#saved-views-menu > summary").click()
    link = page.locator("#saved-views-menu").get_by_role("link", name=re.compile("Payments by credit"))
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(re.compile(r"/ledger-entries/\?.*code=PAYM"))
    assert "sort=credit" in page.url
    expect(page.get_by_label("Code")).to_have_value("PAYM")
    codes = page.locator("#results tbody tr td:nth-child(7)").all_inner_texts()
    assert codes and set(codes) == {"PAYM"}
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Credit")

    # Deleting it takes it off the menu.
    page.locator("#saved-views-menu > summary").click()
    page.locator("#saved-views-menu").get_by_role("button", name=re.compile("Delete")).click()
    expect(page.locator("#saved-views-menu .saved-views-empty")).to_be_visible()
    assert not SavedView.objects.exists()
