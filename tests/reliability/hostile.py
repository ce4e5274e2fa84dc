"""The hostile-input corpus and the inventory of every page's form fields and query parameters.

The inventory is checked against the URL map (`test_every_page_is_in_the_inventory`), so a new page or a
new field cannot slip past the suite unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.http import urlencode

# (name, value): a list value is the same parameter repeated (the form reads the last one).
CORPUS: list[tuple[str, str | list[str]]] = [
    ("empty", ""),
    ("whitespace", "  \t  "),
    ("non-numeric", "abc"),
    ("negative", "-1"),
    ("zero", "0"),
    ("past-int32", "2147483648"),
    ("past-int64", "9223372036854775808"),
    ("huge-integer", "9" * 40),
    ("too-many-places", "1.123456789"),
    ("nan", "NaN"),
    ("infinity", "Infinity"),
    ("minus-infinity", "-Infinity"),
    ("exponent", "1e309"),
    ("10k-characters", "x" * 10_000),
    ("unicode", "Zoë Ünïcödé 漢字 🚀"),
    ("right-to-left", "\u202eفاتورة\u202c עברית"),
    ("null-byte", "a\x00b"),
    ("html-script", '<script>alert("xss")</script>'),
    ("attribute-break", "\"><img src=x onerror=alert(1)>'"),
    ("sql", "1' OR '1'='1'; DROP TABLE coworkers;--"),
    ("format-string", "%s%n{0}${7*7}"),
    ("bad-date", "2025-13-45T25:61"),
    ("zero-date", "0000-00-00"),
    ("february-31", "2025-02-31"),
    ("far-future", "99999-12-31T23:59"),
    ("repeated", ["1", "abc"]),
    ("repeated-html", ["2", "<b>bold</b>"]),
]

#: Enough for a parameter that is read leniently (falls back to its default on anything odd).
LENIENT_CORPUS = [
    (name, value)
    for name, value in CORPUS
    if name
    in {
        "empty",
        "whitespace",
        "non-numeric",
        "negative",
        "zero",
        "past-int64",
        "huge-integer",
        "too-many-places",
        "nan",
        "10k-characters",
        "null-byte",
        "html-script",
        "attribute-break",
        "repeated",
    }
]

#: Values that are garbage for any number, date, choice or id: a strict field must refuse each of them.
GARBAGE = {
    "non-numeric",
    "nan",
    "infinity",
    "minus-infinity",
    "10k-characters",
    "null-byte",
    "html-script",
    "attribute-break",
    "sql",
    "format-string",
}

#: Markers that must never appear unescaped in a response (they would run in the person's browser).
RAW_MARKERS = ("<script>alert", "<img src=x onerror", "<b>bold</b>")


def is_typed(widget: forms.Widget) -> bool:
    """A control whose value the person types (and so must see again after an error)."""
    if isinstance(widget, forms.Textarea):
        return True
    untyped = {"hidden", "password", "checkbox", "radio"}
    return isinstance(widget, forms.widgets.Input) and widget.input_type not in untyped


def last(value: str | list[str]) -> str:
    return value[-1] if isinstance(value, list) else value


def as_querydict(data: dict[str, str | list[str]]) -> QueryDict:
    return QueryDict(urlencode(data, doseq=True))


@dataclass(frozen=True)
class GetPage:
    """A GET page: its form (fields validated strictly) and the lenient parameters it reads."""

    url_name: str
    path: str
    form_class: type[forms.Form] | None = None
    form_kwargs: dict = field(default_factory=dict)
    lenient: tuple[str, ...] = ()  # read leniently: a bad value falls back, never errors
    is_table: bool = False  # a search table: always exactly one upstream search when the filters are valid
    transactional: bool = False  # reads Nexudus from worker threads (needs committed test data)


def url_names() -> set[str]:
    """Every named URL of the dashboard, as `namespace:name`."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


TABLE_PARAMS = ("page", "per_page", "sort")
#: Parameters no page reads (Nexudus's own names among them): they must be ignored, never passed on.
UNKNOWN_PARAMS = ("size", "orderBy", "dir", "CoworkerInvoicePaymentToken_Token", "__proto__")
