"""Payment tokens in a real browser: create then find by invoice ID; filter, sort and page by swapping
only the results with the URL kept in step; the back button restores earlier results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]

INVOICE = "300123"


def _mark_document(page) -> None:
    """Set a flag that only survives if the page is never fully reloaded."""
    page.evaluate("window.__noReload = true")


def _not_reloaded(page) -> bool:
    return page.evaluate("window.__noReload === true")


def _first_ids(page) -> list[str]:
    return page.locator("#results tbody tr td:first-child").all_inner_texts()


def _wait_for_results(page) -> None:
    # Locator waits, not wait_for_function: Playwright evaluates that as a string, which our CSP refuses.
    expect(page.locator(".htmx-request")).to_have_count(0)


def test_create_a_token_then_find_it_by_invoice_id(signed_in_page, live_server):
    page = signed_in_page
    page.goto(f"{live_server.url}/payment-tokens/new/")
    _mark_document(page)
    page.get_by_label("Coworker invoice ID").fill(INVOICE)
    page.get_by_label("Payment provider").select_option(label="Stripe")
    page.get_by_label("Token", exact=True).fill("pm_browser_4242")
    page.get_by_label("Notes").fill("Entered in the browser test")
    page.get_by_role("button", name="Save payment token").click()
    confirmation = page.locator(".created-confirmation")
    confirmation.wait_for()
    new_id = confirmation.locator(".created-id").inner_text()
    assert _not_reloaded(page)
    # Ready for the next entry, for the same invoice (issue 19: "Record another" keeps the context).
    assert page.get_by_label("Coworker invoice ID").input_value() == "300123"
    assert page.get_by_label("Token").input_value() == ""

    page.goto(f"{live_server.url}/payment-tokens/")
    _mark_document(page)
    page.get_by_label("Invoice ID").fill(INVOICE)
    page.wait_for_url(re.compile(rf"coworker_invoice_id={INVOICE}"))
    row = page.locator("#results tbody tr", has=page.get_by_role("link", name=new_id, exact=True))
    row.wait_for()
    assert "4242" in row.inner_text() and "pm_browser_4242" not in page.content()
    assert _not_reloaded(page)


def test_filter_sort_and_page_swap_only_the_results_and_keep_the_url(signed_in_page, live_server):
    page = signed_in_page
    page.goto(f"{live_server.url}/payment-tokens/")
    _mark_document(page)
    first_page = _first_ids(page)

    page.locator("#results").get_by_role("link", name="Next ›").click()
    page.wait_for_url(re.compile(r"page=2"))
    _wait_for_results(page)
    expect_summary = page.locator(".table-summary")
    assert "Showing 26–50 of" in expect_summary.inner_text()
    second_page = _first_ids(page)
    assert second_page != first_page

    page.locator("#results thead").get_by_role("link", name="Created", exact=True).click()
    page.wait_for_url(re.compile(r"sort=created_on"))
    _wait_for_results(page)
    assert "page=2" not in page.url  # a new sort starts at page 1
    page.locator("#results thead").get_by_role("link", name="Created", exact=True).click()
    page.wait_for_url(re.compile(r"sort=-created_on"))
    _wait_for_results(page)
    assert page.locator("th[aria-sort=descending]").count() == 1

    page.get_by_label("Provider").select_option(label="GoCardless")
    page.wait_for_url(re.compile(r"provider=12"))
    _wait_for_results(page)
    assert "sort=-created_on" in page.url  # filtering keeps the sort

    page.locator("#per-page").select_option("50")
    page.wait_for_url(re.compile(r"per_page=50"))
    _wait_for_results(page)
    assert page.locator("#results tbody tr").count() == 50
    assert "provider=12" in page.url
    assert _not_reloaded(page)


def test_back_button_restores_the_previous_results(signed_in_page, live_server):
    page = signed_in_page
    page.goto(f"{live_server.url}/payment-tokens/")
    first_page = _first_ids(page)
    page.locator("#results").get_by_role("link", name="Next ›").click()
    page.wait_for_url(re.compile(r"page=2"))
    _wait_for_results(page)
    second_page = _first_ids(page)
    page.get_by_label("Token").fill("ab")
    page.wait_for_url(re.compile(r"token=ab"))
    _wait_for_results(page)
    filtered = _first_ids(page)
    assert filtered != second_page

    page.go_back()
    page.wait_for_url(re.compile(r"page=2$"))
    expect(page.locator("#results tbody tr td:first-child")).to_have_text(second_page)
    page.go_back()
    page.wait_for_url(re.compile(r"/payment-tokens/$"))
    expect(page.locator("#results tbody tr td:first-child")).to_have_text(first_page)

    # A reload of a pushed URL shows the same results as a full page.
    page.go_forward()
    page.wait_for_url(re.compile(r"page=2$"))
    page.reload()
    assert _first_ids(page) == second_page
