"""Display filters for billing data: `money` with its currency, local dates (`when`, exact time on
hover) and `masked` payment tokens."""

from __future__ import annotations

import html
import unicodedata
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from dashboard.core import render_scope
from dashboard.nexudus.records import mask_token

register = template.Library()

# ISO 4217 minor units that differ from 2 (the common case).
_CURRENCY_PLACES = {
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
}


def currency_places(currency: str | None) -> int:
    return _CURRENCY_PLACES.get((currency or "").upper(), 2)


#: Decimal(1).scaleb(-places) for the places currencies have (made once: money() runs for every amount cell).
_QUANTA = {places: Decimal(1).scaleb(-places) for places in {2, *_CURRENCY_PLACES.values()}}


def round_money(amount: Decimal, currency: str | None) -> Decimal:
    """`amount` at the currency's places (half to even). An amount of more digits than Decimal's 28 (absurd,
    but Nexudus may send it) is returned as it is: it is still shown, never an error."""
    return _round(amount, currency_places(currency))


def _round(amount: Decimal, places: int) -> Decimal:
    try:
        return amount.quantize(_QUANTA[places], rounding=ROUND_HALF_EVEN)
    except InvalidOperation:
        return amount


def _to_decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        # str() first so a stray float is read as written, never as its binary expansion.
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


@register.filter
def money(value: object, currency: str | None = None) -> str:
    """'GBP 1,234.50'; negative amounts as 'GBP -1,234.50'; no currency → just the number."""
    # A finite Decimal (what records hold) skips the parsing of other kinds of value.
    amount = value if type(value) is Decimal and value.is_finite() else _to_decimal(value)
    if amount is None:
        return ""
    places = currency_places(currency)
    quantised = _round(amount, places)
    sign = "-" if quantised < 0 else ""
    number = f"{abs(quantised):,.{places}f}"
    code = (currency or "").upper().strip()
    return f"{code} {sign}{number}" if code else f"{sign}{number}"


def _localise(value: datetime) -> datetime:
    """`timezone.localtime()` (naive values read as UTC), in the render scope's time zone when one is open."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value.astimezone(render_scope.current_timezone())


def _time_tag(machine: str, title: str | None, text: str) -> SafeString:
    """`<time datetime title>text</time>`, each part escaped: format_html's output without its per-call
    overhead (issue 20: up to two per table row)."""
    title_attr = f' title="{html.escape(title)}"' if title is not None else ""
    return SafeString(f'<time datetime="{html.escape(machine)}"{title_attr}>{html.escape(text)}</time>')


#: strftime's "%b" (the C locale's month abbreviations: nothing here sets LC_TIME), read once.
_MONTHS = tuple(date(2000, month, 1).strftime("%b") for month in range(1, 13))


def day_text(local: date) -> str:
    """`local.strftime("%d %b %Y")` as an f-string (issue 20: strftime is ~2 µs, up to three per row)."""
    if local.year < 1000:  # strftime's own padding of such years differs between C libraries
        return local.strftime("%d %b %Y")
    return f"{local.day:02d} {_MONTHS[local.month - 1]} {local.year}"


def _minute_text(local: datetime) -> str:
    """`local.strftime("%d %b %Y, %H:%M")`, the same way."""
    return f"{day_text(local)}, {local.hour:02d}:{local.minute:02d}"


@register.filter
def when(value: object) -> str:
    """An aware datetime shown in the current time zone ('15 Jan 2025, 10:30'), exact time in `title`."""
    if isinstance(value, datetime):
        local = _localise(value)
        text = _minute_text(local)
        # Short on purpose (page weight: once per dated cell); the offset is in `datetime` already. The title
        # is strftime's "%d %b %Y, %H:%M:%S %Z" built on the text (one strftime a cell less).
        return _time_tag(local.isoformat(), f"{text}:{local.second:02d} {local.tzname() or ''}", text)
    if isinstance(value, date):
        return _time_tag(value.isoformat(), None, value.strftime("%d %b %Y"))
    return ""


@register.filter
def when_text(value: object) -> str:
    """The same local date and time as `when`, as plain text (for titles, CSV and messages)."""
    if isinstance(value, datetime):
        return _minute_text(_localise(value))
    return ""


@register.filter
def masked(token: object) -> str:
    """A payment token with only its last 4 characters visible."""
    return mask_token(None if token is None else str(token))


def relative_words(moment: datetime, now: datetime | None = None) -> str:
    """'just now', '5 minutes ago', 'yesterday', '3 days ago', 'in 2 hours'; beyond 30 days the date."""
    now = now or render_scope.now()
    seconds = (now - moment).total_seconds()
    future, seconds = seconds < 0, abs(seconds)
    if seconds < 45:
        return "just now"
    minutes, hours, days = seconds / 60, seconds / 3600, seconds / 86400
    if minutes < 60:
        amount, unit = round(minutes) or 1, "minute"
    elif hours < 24:
        amount, unit = round(hours), "hour"
    elif days < 30:
        amount, unit = round(days) or 1, "day"
        if amount == 1:
            return "tomorrow" if future else "yesterday"
    else:
        return day_text(_localise(moment))
    words = f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"in {words}" if future else f"{words} ago"


@register.filter
def ago(value: object) -> str:
    """A relative date ('3 days ago'; the date itself beyond a month) with the exact local time on hover
    and for assistive technology (`<time datetime title>`)."""
    if not isinstance(value, datetime):
        return when(value)
    local = _localise(value)
    # The title is strftime's "%d %b %Y, %H:%M %Z", built on the minute text.
    return _time_tag(local.isoformat(), f"{_minute_text(local)} {local.tzname() or ''}", relative_words(local))


@register.filter
def long_text(value: object, limit: int = 60) -> str:
    """Text shortened to `limit` characters; the whole of it one click away (a <details>) and on hover."""
    from django.utils.text import Truncator

    text = "" if value is None else str(value)
    # Performance (once per table cell): text that fits is returned as is without Truncator, whose
    # translation look-ups cost ~10 µs a call. Same answer: Truncator would only NFC-normalise it.
    if len(text) <= int(limit) and unicodedata.is_normalized("NFC", text):
        return text
    short = Truncator(text).chars(int(limit))
    if short == text:
        return text
    return format_html(
        '<details class="long-text"><summary title="{}"><span class="long-text-preview">{}</span></summary>'
        "<p>{}</p></details>",
        text,
        short,
        text,
    )


@register.filter
def when_ago(value: object) -> str:
    """The exact local date and time, then how long ago in words: for record pages."""
    if not isinstance(value, datetime):
        return when(value)
    words = relative_words(_localise(value))
    if words == _localise(value).strftime("%d %b %Y"):  # beyond 30 days the words are the date: say it once
        return when(value)
    return format_html('{} <small class="ago">({})</small>', when(value), words)


@register.filter
def day(value: object) -> str:
    """A date that has no meaningful time (a due date): '15 Jan 2025', the exact moment in `title`."""
    if isinstance(value, datetime):
        local = _localise(value)
        return _time_tag(local.isoformat(), local.strftime("%d %b %Y, %H:%M:%S %Z"), local.strftime("%d %b %Y"))
    return when(value)
