"""A customer's balance over time as server-rendered SVG (no chart library): a step line, one focusable point
per entry whose value shows on hover and keyboard focus (CSS), and the same points as a table."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from dashboard.core.links import record_url
from dashboard.core.templatetags.billing import day_text
from dashboard.nexudus.records import LedgerEntry

from .wording import balance_in_words, balance_state, format_money

# The chart has a fixed height in CSS pixels and spans the width of its box: x positions are percentages
# and text has real pixel sizes, so nothing shrinks on a phone (a scaled viewBox would make 11 px text 5 px).
HEIGHT = 196
READOUT_Y = 12  # baseline of a point's value, above the plot (its second line 14 px lower)
PLOT_TOP, PLOT_BOTTOM = 49, 160
VALUE_GAP = 12  # the lowest value's baseline under the plot (the highest's sits 4 px over it)
X_AXIS_Y = 191  # baseline of the dates, under the lowest value (each line box is ~19 px)
X_MIN, X_MAX = 1.0, 99.0  # percent of the width the plot spans
# The step line is drawn in its own box (0..BOX on both axes) stretched over the plot, stroke unscaled.
BOX = 1000
# Readouts near an edge are anchored to it; beyond this many characters an entry's description is cut.
EDGE_PERCENT = 35.0
READOUT_DESCRIPTION = 22
LABEL_DESCRIPTION = 80
X_TICK_FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)
OPTIONAL_TICKS = (0.25, 0.75)  # hidden on narrow screens (static/css/ledger.css)


@dataclass(frozen=True)
class Tick:
    position: float  # px from the top (y ticks) or percent of the width (x ticks)
    label: str
    optional: bool = False
    anchor: str = "middle"


@dataclass(frozen=True)
class ChartPoint:
    """One entry: where it sits and what it says (its accessible name, the readout and the table row)."""

    entry_id: int
    box_x: float  # in the step line's box
    box_y: float
    balance: Decimal
    date_text: str
    balance_text: str
    description: str

    @property
    def x(self) -> float:
        """Percent of the chart's width."""
        return round(X_MIN + self.box_x / BOX * (X_MAX - X_MIN), 2)

    @property
    def y(self) -> float:
        """Pixels from the chart's top."""
        return round(PLOT_TOP + self.box_y / BOX * (PLOT_BOTTOM - PLOT_TOP), 1)

    @property
    def label(self) -> str:
        about = f" ({_cut(self.description, LABEL_DESCRIPTION)})" if self.description else ""
        return f"{self.date_text}, entry {self.entry_id}{about}: {self.balance_text}"

    @property
    def readout_detail(self) -> str:
        if not self.description:
            return f"{self.date_text} · entry {self.entry_id}"
        return f"{self.date_text} · {_cut(self.description, READOUT_DESCRIPTION)}"

    @property
    def anchor(self) -> str:
        if self.x < EDGE_PERCENT:
            return "start"
        return "end" if self.x > 100 - EDGE_PERCENT else "middle"


@dataclass(frozen=True)
class BalanceChart:
    points: list[ChartPoint]  # oldest first, one per dated entry
    path: str  # the balance as a step line in the box ("M x y H x V y ...")
    zero_y: float  # px: where the settled line runs (zero is always in range)
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    title: str
    description: str
    caption: str
    height: int = HEIGHT
    plot_left: int = 0  # the step line's box
    plot_right: int = BOX
    plot_top: int = 0
    plot_bottom: int = BOX

    def svg(self) -> SafeString:
        """The drawing (role img, named by its title and description) and, over it, the points."""
        return mark_safe(_drawing(self) + _points(self))  # every value is escaped below

    def table(self) -> SafeString:
        """The chart's points as table rows (date, entry, balance after), oldest first like the chart."""
        rows = [
            f'<tr><td>{p.date_text}</td><td><a href="{record_url("ledger:detail", p.entry_id)}">'
            f"{escape(p.description or f'Entry {p.entry_id}')}</a></td><td>{escape(p.balance_text)}</td></tr>"
            for p in self.points
        ]
        return mark_safe("".join(rows))  # descriptions escaped; the rest is ours


def _plain(text: str) -> str:
    """One line of text as it can stand in SVG: control characters and lone surrogates (which XML and
    UTF-8 refuse) dropped, runs of white space one space."""
    # Printable text holds no control character or surrogate (str.isprintable is False for both): the
    # character-by-character walk is for the rare text that does (issue 20: ~50 labels per chart).
    kept = (
        text
        if text.isprintable()
        else "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cs") or ch.isspace())
    )
    return " ".join(kept.split())


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _when(entry: LedgerEntry) -> datetime | None:
    when = entry.transaction_date or entry.created_on
    if when is None:
        return None
    return timezone.localtime(when) if timezone.is_aware(when) else when


def balance_text(balance: Decimal, currency_code: str | None) -> str:
    """'GBP 240.00 owed', 'GBP 15.00 in credit', 'GBP 0.00, settled': always with the currency."""
    state = balance_state(balance, currency_code)
    return f"{format_money(Decimal('0'), currency_code)}, settled" if state == "settled" else state


def balance_chart(
    history: list[LedgerEntry], *, currency_code: str | None, customer: str, truncated: bool = False
) -> BalanceChart | None:
    """`history` oldest first (None when no entry has a date). A step line, because a balance holds its value
    until the next entry. Entries are placed by date (an entry without a transaction date by when it was
    created), so they are put in date order; entries of the same moment keep their order."""
    dated = sorted(((when, entry) for entry in history if (when := _when(entry)) is not None), key=lambda pair: pair[0])
    if not dated:
        return None
    balances = [entry.balance for _, entry in dated]
    low, high = min(min(balances), Decimal("0")), max(max(balances), Decimal("0"))
    flat = low == high
    if flat:  # every balance is zero: a line across the middle
        low, high = low - 1, high + 1
    start, end = dated[0][0], dated[-1][0]
    span = (end - start).total_seconds()

    def box_x(index: int, when: datetime) -> float:
        if span <= 0:  # all on one moment: spread them evenly, in order
            return round(BOX * index / (len(dated) - 1), 1) if len(dated) > 1 else float(BOX)
        return round((when - start).total_seconds() / span * BOX, 1)

    def box_y(value: Decimal) -> float:
        share = min(max(float((high - value) / (high - low)), 0.0), 1.0)
        return round(share * BOX, 1)

    points = [
        ChartPoint(
            entry_id=entry.id,
            box_x=box_x(index, when),
            box_y=box_y(entry.balance),
            balance=entry.balance,
            date_text=day_text(when),
            balance_text=balance_text(entry.balance, currency_code),
            description=_plain(entry.description or entry.code or ""),
        )
        for index, (when, entry) in enumerate(dated)
    ]
    line = [(p.box_x, p.box_y) for p in points]
    if len(line) == 1:  # one entry: its balance held across the plot
        line = [(0.0, line[0][1]), (float(BOX), line[0][1])]
    path = f"M {line[0][0]} {line[0][1]}" + "".join(f" H {px} V {py}" for px, py in line[1:])

    def plot_y(value: Decimal) -> float:
        return round(PLOT_TOP + box_y(value) / BOX * (PLOT_BOTTOM - PLOT_TOP), 1)

    if flat:
        y_ticks = [Tick(plot_y(balances[0]), format_money(balances[0], currency_code))]
    else:
        y_ticks = [Tick(plot_y(value), format_money(value, currency_code)) for value in (high, low)]
    first, last = balances[0], balances[-1]
    description = (
        f"{len(dated)} entries from {day_text(start)} to {day_text(end)}. "
        f"Balance started at {format_money(first, currency_code)} and is now "
        f"{format_money(last, currency_code)} ({balance_in_words(last, currency_code)}); "
        f"highest {format_money(max(balances), currency_code)}, lowest {format_money(min(balances), currency_code)}. "
        "Above the zero line the customer owes; below it they are in credit."
    )
    return BalanceChart(
        points=points,
        path=path,
        zero_y=plot_y(Decimal("0")),
        y_ticks=y_ticks,
        x_ticks=_x_ticks(start, span),
        title=f"Balance of {_plain(customer)} over time",
        description=description,
        caption=(
            f"Balance after each of the last {len(dated)} entries"
            if truncated
            else f"Balance after each entry ({len(dated)})"
        )
        + "; above the dashed line the customer owes.",
    )


def _x_ticks(start: datetime, span: float) -> list[Tick]:
    """Dates along the bottom, evenly spaced in time: five on a wide screen, three on a narrow one (CSS),
    one when every entry is on the same moment; a date is never written twice."""
    fractions = X_TICK_FRACTIONS if span > 0 else (0.0,)
    ticks: list[Tick] = []
    for fraction in fractions:
        label = day_text(start + timedelta(seconds=span * fraction))
        if ticks and ticks[-1].label == label:
            continue
        anchor = "start" if fraction == 0 else "end" if fraction == 1 else "middle"
        position = round(X_MIN + fraction * (X_MAX - X_MIN), 2)
        ticks.append(Tick(position, label, optional=fraction in OPTIONAL_TICKS, anchor=anchor))
    return ticks


# --- markup: built here in one pass (a template loop over 200 points costs several ms a page) ------------


def _drawing(chart: BalanceChart) -> str:
    parts = [
        f'<svg role="img" aria-labelledby="balance-chart-title balance-chart-desc" class="chart-drawing" '
        f'width="100%" height="{chart.height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="balance-chart-title">{escape(chart.title)}</title>'
        f'<desc id="balance-chart-desc">{escape(chart.description)}</desc>'
        f'<rect class="chart-frame" x="{X_MIN}%" y="{PLOT_TOP}" width="{X_MAX - X_MIN}%" '
        f'height="{PLOT_BOTTOM - PLOT_TOP}"/>'
        f'<line class="zero-line" x1="{X_MIN}%" x2="{X_MAX}%" y1="{chart.zero_y}" y2="{chart.zero_y}"/>'
        f'<text class="chart-tick" x="{X_MAX}%" y="{chart.zero_y}" dy="-4" text-anchor="end">settled</text>'
        f'<svg x="{X_MIN}%" y="{PLOT_TOP}" width="{X_MAX - X_MIN}%" height="{PLOT_BOTTOM - PLOT_TOP}" '
        f'viewBox="0 0 {BOX} {BOX}" preserveAspectRatio="none" overflow="visible">'
        f'<path class="balance-line" d="{chart.path}" vector-effect="non-scaling-stroke"/></svg>'
    ]
    for index, tick in enumerate(chart.y_ticks):
        # Outside the plot, where the line never runs: the highest value over its top edge, the lowest
        # under its bottom edge.
        y: float = PLOT_TOP - 4 if index == 0 else PLOT_BOTTOM + VALUE_GAP
        dx = 0
        if len(chart.y_ticks) == 1:  # every balance zero: the value over the line, clear of the first point
            y, dx = tick.position - 4, 8
        parts.append(f'<text class="chart-tick" x="{X_MIN}%" dx="{dx}" y="{y}">{escape(tick.label)}</text>')
    for tick in chart.x_ticks:
        optional = " chart-tick-optional" if tick.optional else ""
        parts.append(
            f'<text class="chart-tick{optional}" x="{tick.position}%" y="{X_AXIS_Y}" '
            f'text-anchor="{tick.anchor}">{escape(tick.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _points(chart: BalanceChart) -> str:
    """The focusable points over the drawing. One Tab stop (the newest entry); the arrow keys move along
    (static/js/chart.js). Each point's band, from half-way to its neighbours, is what the pointer hovers."""
    points = chart.points
    parts = [
        f'<svg class="chart-points" role="group" aria-label="Entries on the chart, oldest first: the arrow keys '
        f'move from one to the next" width="100%" height="{chart.height}" xmlns="http://www.w3.org/2000/svg">'
        f'<text class="chart-hint" x="{X_MIN}%" y="{READOUT_Y}" aria-hidden="true">'
        "Point at, tap or Tab to the line for a balance</text>"
    ]
    last = len(points) - 1
    for index, point in enumerate(points):
        left = X_MIN - 1 if index == 0 else (points[index - 1].x + point.x) / 2
        right = X_MAX + 1 if index == last else (point.x + points[index + 1].x) / 2
        x = point.x
        anchor = "" if point.anchor == "start" else f' text-anchor="{point.anchor}"'
        # Page weight: up to HISTORY_SIZE of these, so no class on the parts (static/css/ledger.css styles
        # `.chart-point > rect` the band, `> circle` the dot, `> text` the value and its detail).
        parts.append(
            f'<g class="chart-point" tabindex="{0 if index == last else -1}" role="img" '
            f'aria-label="{escape(point.label)}">'
            f'<rect x="{round(left, 2)}%" y="{PLOT_TOP}" width="{round(max(right - left, 0), 2)}%" '
            f'height="{PLOT_BOTTOM - PLOT_TOP}"/><circle cx="{x}%" cy="{point.y}" r="3.5"/>'
            f'<text x="{x}%" y="{READOUT_Y}"{anchor}><tspan>{escape(point.balance_text)}</tspan>'
            f'<tspan x="{x}%" dy="14">{escape(point.readout_detail)}</tspan></text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
