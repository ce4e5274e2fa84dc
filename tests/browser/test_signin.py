"""Signing in (with and without 2FA) and out in a real browser, against the sandbox."""

from __future__ import annotations

import pytest

from dashboard.accounts.models import NexudusAccount
from tests.conftest import current_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_without_two_factor_lands_on_the_page_asked_for(page, live_server, upstream,
                                                               signin_throttle_cleared):
    page.goto(f"{live_server.url}/ledger-entries/")
    assert "/signin/" in page.url
    page.get_by_label("Nexudus email").fill("ops@sandbox.test")
    page.get_by_label("Password").fill("sandbox")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.url == f"{live_server.url}/ledger-entries/"
    assert page.get_by_text("ops@sandbox.test").is_visible()
    assert NexudusAccount.objects.get(user__username="ops@sandbox.test").has_tokens


def test_a_wrong_password_is_announced_and_the_email_kept(page, live_server, upstream, signin_throttle_cleared):
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Nexudus email").fill("ops@sandbox.test")
    page.get_by_label("Password").fill("wrong")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert "don't match a Nexudus account" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Nexudus email").input_value() == "ops@sandbox.test"
    assert page.get_by_label("Password").input_value() == ""


def test_sign_in_with_two_factor_asks_for_the_code(page, live_server, upstream, signin_throttle_cleared):
    page.goto(f"{live_server.url}/signin/")
    page.get_by_label("Nexudus email").fill("mfa@sandbox.test")
    page.get_by_label("Password").fill("sandbox")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    code = page.get_by_label("6-digit code")
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert code.get_attribute("inputmode") == "numeric"
    assert "sandbox" not in (page.locator('input[name="pending"]').input_value())
    code.fill(current_totp())
    with page.expect_navigation():
        page.get_by_role("button", name="Verify and sign in").click()
    assert page.url == f"{live_server.url}/"
    assert page.get_by_text("mfa@sandbox.test").is_visible()


def test_sign_out_ends_the_session_and_deletes_the_tokens(signed_in_page, live_server):
    page = signed_in_page
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert "/signin/" in page.url
    assert page.get_by_text("You have signed out.").is_visible()
    account = NexudusAccount.objects.get(user__username="ops@sandbox.test")
    assert not account.has_tokens
    page.goto(f"{live_server.url}/")
    assert "/signin/" in page.url
