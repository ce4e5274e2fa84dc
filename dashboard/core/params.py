"""One parser for numbers, ids, decimals, dates and choices typed into query strings and forms.

ASCII digits only (`str.isdigit()` and `int()` disagree on "²", and `int()` takes "١٢" and "1_000"),
bounded lengths and ranges, dates in a window where adding a day or a time zone never overflows.
`parse_*` return the value or None (lenient parameters: fall back to the default); `clean_*` raise a
`ValidationError` worded for the field; the form fields at the bottom are built on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

MAX_INT32 = 2**31 - 1
#: Years outside this window are typos; inside it `+ timedelta(days=1)` and UTC conversion never overflow.
MIN_YEAR, MAX_YEAR = 1900, 2200
#: Longest text any number, id or date parameter may have (leading zeros and spaces included).
MAX_NUMBER_LENGTH = 40

_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_ID = re.compile(r"#?\s*([0-9]+)", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
# What a person may type into an amount box: a plain decimal, or scientific notation ("1e3", bounded by the
# field's own validators), ASCII only.
_DECIMAL_INPUT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?", re.ASCII)
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)

ID_MESSAGE = "Enter a whole number from 1 to 2147483647, like 1234."
NUMBER_MESSAGE = "Enter a whole number, like 25."
DECIMAL_MESSAGE = "Enter a number with digits 0-9 and a point, like 12.50."
DATE_MESSAGE = "Enter a date like 2025-01-31."
YEAR_MESSAGE = f"Enter a year between {MIN_YEAR} and {MAX_YEAR}."

E = TypeVar("E")


def _text(raw: object) -> str | None:
    """`raw` stripped, or None when it is not text or too long to be any number or date."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    return text if 0 < len(text) <= MAX_NUMBER_LENGTH else None


# --- lenient: the value, or None ------------------------------------------------------------------


def parse_int(raw: object, *, min_value: int | None = None, max_value: int | None = None) -> int | None:
    """A whole number written with ASCII digits (optional sign) within the bounds, else None."""
    text = _text(raw)
    if text is None or not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        return None
    return value


def parse_id(raw: object) -> int | None:
    """A Nexudus record id (1 to 2^31-1, ASCII digits, a leading "#" allowed as ids are often written)."""
    text = _text(raw)
    match = _ID.fullmatch(text) if text is not None else None
    if match is None:
        return None
    value = int(match.group(1))
    return value if 1 <= value <= MAX_INT32 else None


def looks_like_id(raw: object) -> bool:
    """ASCII digits only (after an optional "#"), whether or not in range: "#99999999999" names an id
    that cannot exist (an error to show), where "Zoë" or "²" are text to search for."""
    return isinstance(raw, str) and _ID.fullmatch(raw.strip()) is not None


def parse_decimal(
    raw: object, *, min_value: Decimal | None = None, max_value: Decimal | None = None, places: int | None = None
) -> Decimal | None:
    """A plain decimal (ASCII digits, optional sign and point; no exponent, NaN or Infinity), else None."""
    text = _text(raw)
    if text is None or not _DECIMAL.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        return None
    if places is not None and -value.as_tuple().exponent > places:  # type: ignore[operator]
        return None
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        return None
    return value


def parse_date(raw: object) -> date | None:
    """An ISO date (YYYY-MM-DD, ASCII digits) of a real day within MIN_YEAR..MAX_YEAR, else None."""
    text = _text(raw)
    match = _DATE.fullmatch(text) if text is not None else None
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:  # 2025-02-31, month 13
        return None


def parse_choice(raw: object, choices: Mapping[str, E] | Iterable[str]) -> Any:
    """The choice whose key is `raw` (exact, stripped), else None. `choices` maps keys to values, or is
    a collection of allowed keys (the key itself is then returned)."""
    if not isinstance(raw, str):
        return None
    key = raw.strip()
    if isinstance(choices, Mapping):
        return choices.get(key)
    return key if key in set(choices) else None


def last_id(params: Mapping[str, Any], name: str) -> int | None:
    """`parse_id` of a query parameter (a QueryDict gives the last value when it is repeated)."""
    return parse_id(params.get(name))


def id_prefill(params: Mapping[str, Any], names: Iterable[str]) -> dict[str, int]:
    """Initial values for a create form from links like `/payment-tokens/new/?coworker_invoice_id=42`.
    Only valid Nexudus ids are taken; anything else is silently left out (a convenience, not input)."""
    return {name: value for name in names if (value := last_id(params, name)) is not None}


# --- strict: the value, or a ValidationError for the field ----------------------------------------


def clean_id(raw: object, *, message: str = ID_MESSAGE) -> int:
    value = parse_id(raw)
    if value is None:
        raise ValidationError(message, code="invalid")
    return value


def clean_decimal(raw: object, *, message: str = DECIMAL_MESSAGE) -> Decimal:
    """Syntax only (bounds and places are the form field's validators, which word them precisely)."""
    value = parse_decimal(raw)
    if value is None:
        raise ValidationError(message, code="invalid")
    return value


def check_date_text(raw: object, *, message: Any) -> None:  # a str or a lazy translation
    """Before Django's own date parsing: ASCII only and of a sane length (strptime reads "٢٠٢٥" too)."""
    if isinstance(raw, str) and (len(raw) > MAX_NUMBER_LENGTH or not raw.isascii()):
        raise ValidationError(message, code="invalid")


def check_year(value: date | datetime | None) -> None:
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(YEAR_MESSAGE, code="invalid")


# --- form fields -----------------------------------------------------------------------------------


class IdField(forms.IntegerField):
    """A Nexudus record id: a positive whole number of ASCII digits that fits Nexudus's 32-bit ids."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_INT32)
        kwargs.setdefault("error_messages", {"invalid": "Enter a whole number, like 1234."})
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric"})

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = _text(value)
        if text is not None and _INTEGER.fullmatch(text):
            return int(text)  # "-4", "0", "99999999999": the min/max validators say what the range is
        match = _ID.fullmatch(text) if text is not None else None
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(match.group(1))


class DecimalField(forms.DecimalField):
    """Django's DecimalField reading ASCII decimals only: "١.٥", "1_0", "NaN" and "Infinity" are refused
    (Python's Decimal reads the first two); the field's validators bound the value and its places."""

    # django-stubs types DecimalField.to_python as IntegerField's (int); Django's own returns a Decimal.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        if not _DECIMAL_INPUT.fullmatch(str(value).strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DateField(forms.DateField):
    """A date (ISO, ASCII digits) within MIN_YEAR..MAX_YEAR, so "the day after" always exists."""

    def to_python(self, value: Any) -> date | None:
        check_date_text(value, message=self.error_messages["invalid"])
        result = super().to_python(value)
        check_year(result)
        return result
