"""A customer's balance over time as server-rendered SVG geometry: no JavaScript, no chart library."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from dashboard.nexudus.records import LedgerEntry

from .wording import balance_in_words, format_money

WIDTH, HEIGHT = 720, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 90, 16, 16, 32


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class BalanceChart:
    width: int
    height: int
    path: str  # the balance as a step line ("M x y H x V y ...")
    points: list[tuple[float, float]]
    zero_y: float | None  # where the settled line runs, when zero is in range
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    title: str
    description: str
    caption: str = ""
    plot_left: int = PAD_LEFT
    plot_right: int = WIDTH - PAD_RIGHT
    plot_top: int = PAD_TOP
    plot_bottom: int = HEIGHT - PAD_BOTTOM

    @property
    def plot_width(self) -> int:
        return self.plot_right - self.plot_left

    @property
    def plot_height(self) -> int:
        return self.plot_bottom - self.plot_top


def _when(entry: LedgerEntry) -> datetime | None:
    return entry.transaction_date or entry.created_on


def balance_chart(
    history: list[LedgerEntry], *, currency_code: str | None, customer: str, truncated: bool = False
) -> BalanceChart | None:
    """`history` oldest first. A step line, because a balance holds its value until the next entry."""
    dated = [(when, entry.balance) for entry in history if (when := _when(entry)) is not None]
    if not dated:
        return None
    balances = [balance for _, balance in dated]
    low, high = min(min(balances), Decimal("0")), max(max(balances), Decimal("0"))
    if low == high:
        high = low + 1
    start, end = dated[0][0], dated[-1][0]
    span = (end - start).total_seconds() or 1.0
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(when: datetime) -> float:
        return round(PAD_LEFT + (when - start).total_seconds() / span * plot_w, 1)

    def y(value: Decimal) -> float:
        return round(PAD_TOP + float((high - value) / (high - low)) * plot_h, 1)

    points = [(x(when), y(balance)) for when, balance in dated]
    if len(points) == 1:
        points = [(float(PAD_LEFT), points[0][1]), (float(WIDTH - PAD_RIGHT), points[0][1])]
    path = f"M {points[0][0]} {points[0][1]}" + "".join(f" H {px} V {py}" for px, py in points[1:])
    zero_y = y(Decimal("0")) if low <= 0 <= high else None

    y_ticks = [Tick(y(value), format_money(value, currency_code)) for value in (high, low)]
    x_ticks = [Tick(float(PAD_LEFT), f"{start:%d %b %Y}")]
    if end != start:
        x_ticks.append(Tick(float(WIDTH - PAD_RIGHT), f"{end:%d %b %Y}"))

    first, last = dated[0][1], dated[-1][1]
    description = (
        f"{len(dated)} entries from {start:%d %b %Y} to {end:%d %b %Y}. "
        f"Balance started at {format_money(first, currency_code)} and is now "
        f"{format_money(last, currency_code)} ({balance_in_words(last, currency_code)}); "
        f"highest {format_money(max(balances), currency_code)}, lowest {format_money(min(balances), currency_code)}. "
        "Above the zero line the customer owes; below it they are in credit."
    )
    return BalanceChart(
        width=WIDTH,
        height=HEIGHT,
        path=path,
        points=points,
        zero_y=zero_y,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        title=f"Balance of {customer} over time",
        description=description,
        caption=(
            f"Balance after each of the last {len(dated)} entries"
            if truncated
            else f"Balance after each entry ({len(dated)})"
        )
        + "; above the dashed line the customer owes.",
    )
