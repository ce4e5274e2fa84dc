"""The app shell in a real browser."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signed_out_visitor_lands_on_sign_in(page, live_server):
    page.goto(live_server.url + "/ledger-entries/")
    assert "/signin/" in page.url
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_shell_shows_the_navigation_and_loads_htmx(signed_in_page, live_server):
    page = signed_in_page
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Invoice lookup", "Payment tokens", "Ledger entries"):
        assert nav.get_by_role("link", name=label).is_visible()
    nav.get_by_role("link", name="Payment tokens").click()
    page.wait_for_url("**/payment-tokens/")
    assert nav.locator("[aria-current=page]").inner_text() == "Payment tokens"
    assert page.evaluate("typeof window.htmx") == "object"
