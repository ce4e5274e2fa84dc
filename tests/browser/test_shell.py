"""The app shell in a real browser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _force_session(page, live_server, client):
    user = get_user_model().objects.create_user("shell@example.com", "shell@example.com")
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_signed_out_visitor_lands_on_sign_in(page, live_server):
    page.goto(live_server.url + "/ledger-entries/")
    assert "/signin/" in page.url
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_shell_shows_the_navigation_and_loads_htmx(page, live_server, client):
    _force_session(page, live_server, client)
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Invoice lookup", "Payment tokens", "Ledger entries"):
        assert nav.get_by_role("link", name=label).is_visible()
    nav.get_by_role("link", name="Payment tokens").click()
    page.wait_for_url("**/payment-tokens/")
    assert page.locator("nav [aria-current=page]").inner_text() == "Payment tokens"
    assert page.evaluate("typeof window.htmx") == "object"
