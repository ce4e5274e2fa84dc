"""Spreadsheet-safe CSV cells: plain decimals, local date-times, booleans as words, formulas neutralised."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportColumn:
    header: str  # "{zone}" is replaced by the time zone's name
    value: Callable[[Any], object]  # record -> raw value (Decimal, datetime, int, str, enum, bool, None)


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula starts with a `'` instead (OWASP CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return neutralise(str(getattr(value, "label", value.name)))
    if isinstance(value, Decimal):
        return format(value, "f")  # plain digits: no exponent, no grouping
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, datetime):
        moment = value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def fast_csv_cell(zone: tzinfo) -> Callable[[object], str]:
    """`csv_cell` for one export: the time zone looked up once (not per cell), and the common types
    formatted through a lookup on their exact type; anything else (enums, subclasses) goes to `csv_cell`."""

    def moment(value: datetime) -> str:
        local = (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone(zone)
        if local.year < 1000:  # keep strftime's own (unpadded) year
            return local.strftime("%Y-%m-%d %H:%M:%S")
        return local.isoformat(sep=" ", timespec="seconds")[:19]

    by_type: dict[type, Callable[[Any], str]] = {
        type(None): lambda value: "",
        str: neutralise,
        int: str,
        bool: lambda value: "true" if value else "false",
        Decimal: lambda value: format(value, "f"),
        datetime: moment,
    }

    def cell(value: object) -> str:
        formatter = by_type.get(type(value))
        if formatter is not None:
            return formatter(value)
        if isinstance(value, datetime):
            return moment(value)
        return csv_cell(value)

    return cell


def csv_text(rows: Sequence[Sequence[object]], cell: Callable[[object], str] = csv_cell) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([[cell(v) for v in row] for row in rows])
    return buffer.getvalue()
