"""The balance chart over any history Nexudus could send: it never fails, its SVG and table are well-formed
XML, every entry is one focusable point with a label, and everything is drawn inside the chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dashboard.ledger.chart import BOX, PLOT_BOTTOM, PLOT_TOP, X_MAX, X_MIN, balance_chart
from tests.records import make_ledger_entry

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")

amounts = st.one_of(
    st.decimals(min_value=-10_000, max_value=10_000, places=2),
    st.decimals(min_value=-(10**30), max_value=10**30, places=4),
    st.sampled_from([Decimal("0"), Decimal("-0.00"), Decimal("1E+40"), Decimal("-1E+40"), Decimal("0.0001")]),
)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
texts = st.text(max_size=120)


@st.composite
def entries(draw, index: int):
    dated = draw(st.sampled_from(["transaction", "created", "none"]))
    when = draw(moments)
    return make_ledger_entry(
        id=index + 1,
        currency_code="GBP",
        description=draw(texts),
        code=draw(st.sampled_from(["", "PAYM", "CHRG"])),
        balance=draw(amounts),
        transaction_date=when if dated == "transaction" else None,
        created_on=when if dated == "created" else None,
    )


@st.composite
def histories(draw):
    size = draw(st.integers(min_value=0, max_value=40))
    return [draw(entries(index)) for index in range(size)]


def _numbers(text: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(text)]


def _check(chart, history, currency: str | None = "GBP") -> None:
    dated = [e for e in history if e.transaction_date or e.created_on]
    if not dated:
        assert chart is None
        return
    root = ET.fromstring(f"<div>{chart.svg()}</div>")  # raises on anything that is not well-formed
    drawing, layer = root.findall(f"{SVG}svg")
    assert drawing.get("role") == "img" and drawing.find(f"{SVG}title").text.startswith("Balance of")
    assert drawing.find(f"{SVG}desc").text

    points = layer.findall(f"{SVG}g")
    assert len(points) == len(dated)  # one point per dated entry
    assert [g.get("tabindex") for g in points].count("0") == 1  # one Tab stop
    xs = []
    for g in points:
        assert g.get("role") == "img" and g.get("aria-label", "").strip()
        readout = "".join(g.find(f"{SVG}text").itertext())
        assert readout.strip() and (currency or "").upper() in readout  # the balance with its currency
        dot = g.find(f"{SVG}circle")
        x, y = float(dot.get("cx").rstrip("%")), float(dot.get("cy"))
        assert X_MIN <= x <= X_MAX and PLOT_TOP <= y <= PLOT_BOTTOM
        band = g.find(f"{SVG}rect")
        left, width = float(band.get("x").rstrip("%")), float(band.get("width").rstrip("%"))
        assert width >= 0 and left >= X_MIN - 1 and left + width <= X_MAX + 1.02
        xs.append(x)
    assert xs == sorted(xs)  # in date order, left to right

    path = drawing.find(f".//{SVG}path").get("d")
    assert path.startswith("M ") and all(0 <= n <= BOX for n in _numbers(path))
    for text in drawing.iter(f"{SVG}text"):
        assert "".join(text.itertext()).strip()

    rows = ET.fromstring(f"<tbody>{chart.table()}</tbody>").findall("tr")
    assert len(rows) == len(dated)
    assert all(len(row.findall("td")) == 3 for row in rows)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories(), customer=texts, currency=st.sampled_from(["GBP", "JPY", "KWD", None, "xx"]))
@example(history=[], customer="J", currency="GBP")
def test_any_history_draws_a_well_formed_chart_with_a_labelled_point_per_entry(history, customer, currency):
    chart = balance_chart(history, currency_code=currency, customer=customer)
    _check(chart, history, currency)


def test_one_entry_equal_balances_and_one_moment_still_draw_every_point():
    when = datetime(2025, 3, 1, 9, tzinfo=UTC)
    same = [make_ledger_entry(id=i, balance=Decimal("7.50"), transaction_date=when, description="x") for i in (1, 2, 3)]
    chart = balance_chart(same, currency_code="GBP", customer="Ann")
    _check(chart, same)
    assert [p.box_x for p in chart.points] == [0.0, 500.0, 1000.0]  # one moment: spread out, in order
    assert len({p.y for p in chart.points}) == 1
    zeros = [make_ledger_entry(id=i, balance=Decimal("0"), transaction_date=when) for i in (1, 2)]
    flat = balance_chart(zeros, currency_code="GBP", customer="Ann")
    _check(flat, zeros)
    assert [t.label for t in flat.y_ticks] == ["GBP 0.00"] and flat.points[0].y == flat.zero_y


def test_hostile_text_is_escaped_and_control_characters_dropped():
    entry = make_ledger_entry(
        id=9,
        balance=Decimal("1"),
        transaction_date=datetime(2025, 1, 1, tzinfo=UTC),
        description='<script>alert("x")</script>\x00\x07 & "quotes"',
    )
    chart = balance_chart([entry], currency_code="GBP", customer="<b>Eve</b>\x1b")
    svg = chart.svg()
    assert "<script>" not in svg and "<b>" not in svg and "\x00" not in svg and "\x07" not in svg
    assert "&lt;script&gt;" in svg
    _check(chart, [entry])
