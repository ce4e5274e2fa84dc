"""Wire formats shared by the sandbox: Nexudus dates, money and GUIDs.

Dates are stored in SQLite as `YYYY-MM-DDTHH:MM:SSZ` strings (UTC): that is exactly the documented
wire form, and such strings sort and compare lexicographically, so range filters are plain string
comparisons that can use indexes. Money is stored as integer minor units (cents) so running
balances never drift the way float sums do.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

WIRE_DATE = "%Y-%m-%dT%H:%M:%SZ"
# Every currency the sandbox seeds has two decimal places; the table keeps it explicit.
CURRENCY_PLACES = {"GBP": 2, "EUR": 2, "USD": 2}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TO_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}$")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def to_wire(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(WIRE_DATE)


def now_wire() -> str:
    return to_wire(utcnow())


def parse_date(text: str) -> datetime | None:
    """An aware UTC datetime from the forms clients send: `YYYY-MM-DD`, `YYYY-MM-DDTHH:mm`,
    with seconds, fractions, `Z` or an offset. None when it is not a date."""
    if not isinstance(text, str) or not text.strip():
        return None
    cleaned = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def date_bounds(text: str) -> tuple[str, str] | None:
    """The [first, last] wire strings a filter value covers: a whole day for `YYYY-MM-DD`, a whole
    minute for the documented `YYYY-MM-DDTHH:mm`, one second otherwise. `to_` filters are "on or
    before", so `to_..=2025-12-31T23:59` must include 23:59:59."""
    start = parse_date(text)
    if start is None:
        return None
    stripped = text.strip()
    if _DATE_ONLY.match(stripped):
        span = timedelta(days=1)
    elif _TO_MINUTE.match(stripped):
        span = timedelta(minutes=1)
    else:
        span = timedelta(seconds=1)
    start = start.replace(microsecond=0)
    return to_wire(start), to_wire(start + span - timedelta(seconds=1))


def local_wire(moment_wire: str, time_zone: str) -> str:
    """The location's wall-clock time for a UTC instant, serialised with a literal Z as Nexudus does
    for its `...Local` twins."""
    moment = parse_date(moment_wire)
    if moment is None:
        return moment_wire
    try:
        local = moment.astimezone(ZoneInfo(time_zone))
    except (KeyError, ValueError):
        return moment_wire
    return local.replace(tzinfo=None).strftime(WIRE_DATE)


def to_cents(value: object) -> int | None:
    """Minor units from a JSON number or numeric string; None when not a finite number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite():
        return None
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def money(cents: int | None, currency: str | None = None) -> float | None:
    """A JSON number rounded to the currency's places (cents / 100)."""
    if cents is None:
        return None
    return round(cents / 10 ** CURRENCY_PLACES.get(currency or "", 2), CURRENCY_PLACES.get(currency or "", 2))


def money_text(cents: int | None) -> str | None:
    """`CoworkerInvoiceTotalAmount` is documented as a string: "120.00"."""
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def is_guid(text: object) -> bool:
    return isinstance(text, str) and bool(_GUID.match(text))
