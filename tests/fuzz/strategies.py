"""What the fuzz tests send: hostile text, raw percent-encoded bytes, and the inventory of every URL and
parameter, built from the URLconf, the forms and the views' own source so that new ones are covered."""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

from django import forms
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import strategies as st

import dashboard
from tests.reliability.hostile import CORPUS, TABLE_PARAMS, UNKNOWN_PARAMS

#: Never sent as a fuzzed request: it would end the session the fuzz clients share.
SKIPPED_URLS = {"accounts:signout"}
#: Markup that must never come back unescaped (a canary tag no template uses).
CANARY = "<x-fuzz"

# Every character `str.isdigit()` (or `unicodedata.numeric`) calls a digit that is not ASCII.
NON_ASCII_DIGITS = [chr(c) for c in range(0x80, 0x110000) if chr(c).isdigit() or chr(c).isnumeric()]
# Percent-encodings that are not UTF-8 text: surrogate halves, overlongs, stray bytes, NUL, bidi override.
RAW_ESCAPES = ["%ED%A0%80", "%ED%BF%BF", "%ED%A0%80%ED%B0%80", "%C0%AF", "%C0%80", "%FF", "%FE%FF", "%00", "%E2%80%AE"]

# The worst of them: `isdigit()` is true but `int()` refuses them (superscripts, circled digits...).
DIGITS_INT_REFUSES = [ch for ch in NON_ASCII_DIGITS if ch.isdigit() and not ch.isdecimal()]
_digits = st.one_of(
    st.text(st.sampled_from(NON_ASCII_DIGITS + list("0123456789#-+. ")), min_size=1, max_size=12),
    st.text(st.sampled_from(DIGITS_INT_REFUSES + list("0123456789")), min_size=1, max_size=4),
)
_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "1", "2147483647", "2147483648", "-2147483648", "4294967296", "1_000", "0x10", "1e3"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
_dates = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "9999-12-31T23:59",
            "2200-12-31",
            "2201-01-01",
            "1899-12-31",
            "2025-02-29",
            "2024-02-29",
            "0000-00-00",
            "99999-01-01",
        ]
    ),
)
_huge = st.builds(
    lambda ch, n: ch * n, st.characters(exclude_categories=["Cs"]), st.integers(min_value=200, max_value=20_000)
)
_canary = st.text(max_size=8).map(lambda text: f"\"'>{CANARY}>{text}</x-fuzz>")

#: Any text a person (or a script) could put in one parameter: control characters included, surrogates
#: excluded (a str holding one cannot be sent; they arrive percent-encoded, see `raw_value`).
hostile_text = st.one_of(
    st.text(max_size=30),
    _digits,
    _numbers,
    _dates,
    _huge,
    _canary,
    st.sampled_from([value if isinstance(value, str) else value[-1] for _, value in CORPUS]),
)

#: A parameter value as it appears in the query string: UTF-8 percent-encoded text, or raw escapes.
raw_value = st.one_of(
    hostile_text.map(lambda text: quote(text, safe="")),
    st.binary(max_size=12).map(quote_from_bytes),
    st.lists(st.sampled_from(RAW_ESCAPES), min_size=1, max_size=3).map("".join),
)


# --- the inventory ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name
    template: str  # "/invoices/<int:invoice_id>/"
    module: str = ""  # the view's module: its source says which parameters it reads

    @property
    def parameters(self) -> list[str]:
        return module_parameter_names(self.module) or parameter_names()


def routes() -> list[Route]:
    """Every named URL of the dashboard (URLconf walk), minus SKIPPED_URLS."""

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if name not in SKIPPED_URLS:
                    view = getattr(pattern.callback, "view_class", pattern.callback)
                    yield Route(name, "/" + prefix + str(pattern.pattern), view.__module__)

    return sorted(walk(get_resolver().url_patterns, "", None), key=lambda route: route.name)


@cache
def all_form_classes() -> list[type[forms.Form]]:
    """Every concrete form class defined in dashboard/ (its modules imported first)."""
    for module in pkgutil.walk_packages(dashboard.__path__, "dashboard."):
        if module.name.endswith(".forms") or ".forms." in module.name:
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = {cls for cls in subclasses(forms.Form) if cls.__module__.startswith("dashboard.") and cls.base_fields}
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))


_READ = re.compile(
    r"""(?:GET|POST|params)\.get(?:list)?\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']|"""
    r"""last_id\(\s*request\.GET,\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""
)
_PREFILL = re.compile(r"""^PREFILL\s*=\s*\(([^)]*)\)""", re.MULTILINE)


TABLE_NAMES = {*TABLE_PARAMS, "remember", "export"}


def _names_read_in(source: str) -> set[str]:
    """Parameter names a module reads straight from request.GET/POST (or a PREFILL tuple of them)."""
    names = {group for match in _READ.finditer(source) for group in match.groups() if group}
    for match in _PREFILL.finditer(source):
        names |= set(re.findall(r"[\"']([a-z_]+)[\"']", match.group(1)))
    return names


@cache
def module_parameter_names(module: str) -> list[str]:
    """What the views of `module` read: names in its source, the fields of the forms it names, and the
    table parameters when it renders a table."""
    source = Path(importlib.import_module(module).__file__).read_text()
    names = _names_read_in(source)
    for form_class in all_form_classes():
        if re.search(rf"\b{form_class.__name__}\b", source):
            names |= set(form_class.base_fields)
    if re.search(r"render_search|table_params|SingleTableMixin|build_table", source):
        names |= TABLE_NAMES
    return sorted(names)


@cache
def parameter_names() -> list[str]:
    """Every parameter name the dashboard reads: form fields, table parameters, and the names views read
    straight from request.GET/POST (found in their source), plus a few no page reads."""
    names = TABLE_NAMES | set(UNKNOWN_PARAMS) | {"csrfmiddlewaretoken"}
    for form_class in all_form_classes():
        names |= set(form_class.base_fields)
    for path in Path(dashboard.__file__).parent.rglob("*.py"):
        if "nexudus" not in path.parts and "migrations" not in path.parts:
            names |= _names_read_in(path.read_text())
    return sorted(names)


_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def path_for(template: str, values: dict[str, str]) -> str:
    return _CONVERTER.sub(lambda match: values[match.group(2)], template)


def path_strategy(route: Route, known_ids: list[int], table_keys: list[str]) -> st.SearchStrategy[str]:
    """The route with its converters filled: real ids, any ids (0, huge), known or random slugs."""
    parts = {}
    for converter, name in _CONVERTER.findall(route.template):
        if converter == "int":
            parts[name] = st.one_of(st.sampled_from(known_ids), st.integers(min_value=0, max_value=10**25)).map(str)
        elif converter == "slug":
            parts[name] = st.one_of(st.sampled_from(table_keys), st.from_regex(r"[-a-zA-Z0-9_]{1,20}", fullmatch=True))
        else:
            parts[name] = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=10)
    return st.fixed_dictionaries(parts).map(lambda values: path_for(route.template, values))


def name_strategy(route: Route) -> st.SearchStrategy[str]:
    """Mostly the names this route's view reads; sometimes any name the dashboard reads, or anything."""
    return st.one_of(
        st.sampled_from(route.parameters),
        st.sampled_from(route.parameters),
        st.sampled_from(route.parameters),
        st.sampled_from(parameter_names()),
        st.text(min_size=1, max_size=10),
    )
