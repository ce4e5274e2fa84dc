"""A customer whose ledger does not add up, in a real browser: the warning names the entry and both figures."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard.ledger.wording import balance_state
from tests.ledger.broken_chains import seeded_breaks

pytestmark = [pytest.mark.browser]


def test_a_broken_chain_is_named_on_the_customer_page_with_what_the_entries_add_up_to(signed_in_page, upstream):
    page = signed_in_page
    broken = next(b for b in seeded_breaks(upstream) if b.currency == "GBP")
    origin = re.match(r"https?://[^/]+", page.url).group(0)

    page.goto(f"{origin}/customers/{broken.coworker_id}/ledger/?business={broken.business_id}")

    warning = page.get_by_role("alert").filter(has_text="Balances stop adding up")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"Balances stop adding up at entry {broken.entry_id} ")
    expect(warning).to_contain_text(
        f"expected {balance_state(broken.expected, 'GBP')}, Nexudus shows {balance_state(broken.shown, 'GBP')}"
    )
    balance = page.locator(".customer-balance strong")
    expect(balance).to_contain_text("by the entries; Nexudus shows")
    assert balance.get_attribute("data-balance") != balance.get_attribute("data-entries-balance")
