"""Template filters: money with currency (Decimal only), local dates with exact titles, masked tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dashboard.core.templatetags.billing import masked, money, when, when_text


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    (Decimal("1234.5"), "GBP", "GBP 1,234.50"),
    (Decimal("-1234.5"), "gbp", "GBP -1,234.50"),
    (Decimal("0"), "EUR", "EUR 0.00"),
    (Decimal("1234.5"), "JPY", "JPY 1,234"),
    (Decimal("1.2345"), "KWD", "KWD 1.234"),
    (Decimal("0.125"), "GBP", "GBP 0.12"),  # banker's rounding, never float
    (Decimal("1000000"), None, "1,000,000.00"),
    (0.1, "USD", "USD 0.10"),
    (None, "GBP", ""),
    ("NaN", "GBP", ""),
])
def test_money(amount, currency, shown):
    assert money(amount, currency) == shown


def test_when_shows_local_time_and_exact_title():
    moment = datetime(2025, 7, 1, 8, 30, 15, tzinfo=UTC)
    with timezone.override(ZoneInfo("Europe/London")):
        html = when(moment)
        text = when_text(moment)
    assert '<time datetime="2025-07-01T09:30:15+01:00"' in html
    assert "09:30:15 BST" in html
    assert ">01 Jul 2025, 09:30</time>" in html
    assert text == "01 Jul 2025, 09:30"
    assert when(None) == ""


@pytest.mark.parametrize(("token", "shown"), [
    ("pm_1234567890abcd", "••••••••abcd"),
    ("abcd", "••••"),
    ("", ""),
    (None, ""),
])
def test_masked_shows_only_the_last_four(token, shown):
    assert masked(token) == shown
