"""The strict Content Security Policy in a real browser: htmx filtering, sorting, paging, the create form
and the ledger pages all work, and Chromium reports no CSP violation on the way."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def violations(signed_in_page):
    """Every CSP violation Chromium reports, from the console and from `securitypolicyviolation` events."""
    found: list[str] = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            found.append(text)

    signed_in_page.on("console", on_console)
    signed_in_page.context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return found


def _htmx_loaded(page) -> bool:
    return page.evaluate("typeof window.htmx === 'object'")


def test_htmx_filters_sorts_and_pages_under_the_policy_without_violations(signed_in_page, live_server, violations):
    page = signed_in_page
    page.goto(f"{live_server.url}/payment-tokens/")
    assert _htmx_loaded(page)
    page.evaluate("window.__noReload = true")
    page.get_by_label("Invoice ID").fill("300001")
    page.wait_for_url(re.compile(r"coworker_invoice_id=300001"))
    page.get_by_label("Invoice ID").fill("")
    page.locator("#results thead a", has_text="Id").first.click()
    page.wait_for_url(re.compile(r"sort="))
    page.locator("#results a[href*='page=2']").first.click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.evaluate("window.__noReload === true"), "htmx did not swap: the page reloaded"
    for path in ("/payment-tokens/new/", "/ledger-entries/", "/ledger-entries/new/", "/audit/", "/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert not violations, "\n".join(violations)


def test_the_policy_really_blocks_an_inline_script(signed_in_page, live_server, violations):
    """The listener above can fail: an injected inline script is blocked and reported."""
    page = signed_in_page
    page.goto(f"{live_server.url}/payment-tokens/")
    page.evaluate(
        "const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true';"
        "document.body.appendChild(s);"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__inlineRan !== true")
    assert violations
