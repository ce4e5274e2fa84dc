"""Two browsers of one person: signing in on the second keeps the first working past its next token
refresh, against a sandbox that invalidates the earlier refresh tokens on a new sign-in (observed)."""

from __future__ import annotations

import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.sandbox_profile("observed")]


def test_a_sign_in_on_a_second_browser_keeps_the_first_signed_in(
    browser, live_server, upstream, settings, browser_sign_in
):
    settings.NEXUDUS_REFRESH_MARGIN = 0
    upstream.configure(token_lifetime_s=1)
    contexts = [browser.new_context(), browser.new_context()]  # two browsers: separate cookies
    try:
        first, second = (context.new_page() for context in contexts)
        browser_sign_in(first, live_server.url)
        first.goto(f"{live_server.url}/payment-tokens/")
        assert "/signin/" not in first.url
        browser_sign_in(second, live_server.url)
        assert "/signin/" not in second.url

        time.sleep(1.2)  # the first browser's access token has expired: its next page refreshes
        upstream.reset_counters()
        first.goto(f"{live_server.url}/payment-tokens/")
        assert first.url == f"{live_server.url}/payment-tokens/"
        assert first.get_by_role("heading", level=1).is_visible()
        assert upstream.counters()["grants"]["refresh_token"] == 1
        second.goto(f"{live_server.url}/ledger-entries/")
        assert second.url == f"{live_server.url}/ledger-entries/"
    finally:
        for context in contexts:
            context.close()
