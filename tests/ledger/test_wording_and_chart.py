"""Balances in words, currency places, the search form's id-or-name fields, and the SVG chart geometry."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from dashboard.ledger.chart import X_MAX, balance_chart
from dashboard.ledger.forms import LedgerEntryForm, LedgerEntrySearchForm
from dashboard.ledger.wording import balance_in_words, balance_state, entry_summary
from dashboard.nexudus.records import LedgerEntry
from tests.records import make_ledger_entry


@pytest.mark.parametrize(
    ("balance", "currency", "words", "state"),
    [
        (Decimal("240"), "GBP", "owes GBP 240.00", "GBP 240.00 owed"),
        (Decimal("-15"), "GBP", "in credit GBP 15.00", "GBP 15.00 in credit"),
        (Decimal("0.00"), "EUR", "settled", "settled"),
        (Decimal("0.001"), "USD", "settled", "settled"),
        (Decimal("1240"), "JPY", "owes JPY 1,240", "JPY 1,240 owed"),
    ],
)
def test_balance_in_words(balance, currency, words, state):
    assert balance_in_words(balance, currency) == words
    assert balance_state(balance, currency) == state


def test_summary_reads_as_a_sentence():
    text = entry_summary(
        debit=Decimal("0"),
        credit=Decimal("120"),
        currency_code="GBP",
        customer="Jane Doe",
        business="Main St",
        invoice_number="INV-0042",
        balance_before=Decimal("120.00"),
    )
    assert text == (
        "Credit GBP 120.00 to Jane Doe at Main St, linked to invoice INV-0042; "
        "balance goes from GBP 120.00 owed to settled."
    )
    both = entry_summary(
        debit=Decimal("5"),
        credit=Decimal("7.5"),
        currency_code="EUR",
        customer="A",
        business="B",
        invoice_number=None,
        balance_before=Decimal("0"),
    )
    assert both == "Debit EUR 5.00 and credit EUR 7.50 to A at B; balance goes from settled to EUR 2.50 in credit."


def _form(**amounts) -> LedgerEntryForm:
    data = {
        "submission_key": "0b4a1f43-2d5e-4d8e-9d3b-000000000001",
        "business_id": "1",
        "coworker_id": "2",
        "description": "d",
        "code": "c",
        "debit": "0",
        "credit": "0",
        **amounts,
    }
    form = LedgerEntryForm(data)
    assert form.is_valid(), form.errors
    return form


@pytest.mark.parametrize(
    ("currency", "amount", "ok"),
    [
        ("GBP", "10.50", True),
        ("GBP", "10.505", False),
        ("JPY", "1500", True),
        ("JPY", "1500.5", False),
        ("JPY", "1500.0", True),
        ("KWD", "1.125", True),
        ("EUR", "3.1", True),
    ],
)
def test_amount_places_follow_the_business_currency(currency, amount, ok):
    form = _form(credit=amount)
    assert form.check_currency_places(currency) is ok
    if not ok:
        assert "decimal places" in str(form.errors["credit"])


def test_review_fingerprint_changes_with_the_entry_but_not_the_key():
    a, b = _form(credit="1.00"), _form(credit="1.00")
    assert a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != _form(credit="1.01").fingerprint()


@pytest.mark.parametrize(
    ("field", "value", "attribute", "expected"),
    [
        ("coworker", "20001", "coworker_id", 20001),
        ("coworker", "#20001", "coworker_id", 20001),
        ("coworker", "Olivia", "coworker_full_name", "Olivia"),
        ("business", "1002", "business_id", 1002),
        ("business", "Canal", "business_name", "Canal"),
        ("invoice", "300001", "coworker_invoice_id", 300001),
        ("invoice", "INV-00", "invoice_number", "INV-00"),
    ],
)
def test_search_fields_take_an_id_or_a_name(field, value, attribute, expected):
    form = LedgerEntrySearchForm({field: value})
    query = form.to_query(page=1, size=25)
    assert getattr(query, attribute) == expected


def _entry(i: int, balance: str, when: datetime) -> LedgerEntry:
    return make_ledger_entry(
        id=i,
        business_id=1,
        business_name="B",
        currency_code="GBP",
        coworker_id=2,
        coworker_full_name="C",
        description="d",
        code="c",
        balance=Decimal(balance),
        transaction_date=when,
        created_on=when,
        updated_on=when,
    )


def test_chart_is_a_step_line_across_the_plot_with_a_zero_line():
    start = datetime(2025, 1, 1, tzinfo=UTC)
    history = [
        _entry(1, "100", start),
        _entry(2, "-50", start + timedelta(days=10)),
        _entry(3, "0", start + timedelta(days=20)),
    ]
    chart = balance_chart(history, currency_code="GBP", customer="Jane")
    assert chart.title == "Balance of Jane over time"
    # The first balance is the highest: the line starts at the top left of its box.
    assert chart.path.startswith(f"M {float(chart.plot_left)} {float(chart.plot_top)}")
    zero = chart.points[2]
    assert chart.path.count(" H ") == 2 and chart.path.endswith(f"V {zero.box_y}")
    assert chart.points[-1].box_x == chart.plot_right and chart.points[-1].x == X_MAX
    assert chart.points[1].box_y == chart.plot_bottom  # the lowest balance at the bottom
    assert zero.y == chart.zero_y  # the settled entry sits on the zero line
    assert "now GBP 0.00 (settled)" in chart.description
    assert [t.label for t in chart.y_ticks] == ["GBP 100.00", "GBP -50.00"]
    assert [p.balance_text for p in chart.points] == ["GBP 100.00 owed", "GBP 50.00 in credit", "GBP 0.00, settled"]
    assert chart.points[1].label == "11 Jan 2025, entry 2 (d): GBP 50.00 in credit"


def test_chart_of_one_entry_is_a_flat_line_and_of_none_is_absent():
    only = balance_chart([_entry(1, "5", datetime(2025, 1, 1, tzinfo=UTC))], currency_code="GBP", customer="J")
    assert len(only.points) == 1
    assert re.fullmatch(r"M 0\.0 ([\d.]+) H 1000\.0 V \1", only.path)  # held across the plot
    assert [t.label for t in only.x_ticks] == ["01 Jan 2025"]
    assert balance_chart([], currency_code="GBP", customer="J") is None
