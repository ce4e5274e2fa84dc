"""A compact, fast `<tbody>` for `NexudusTable` with the stock template's HTML semantics
(docs/architecture.md, "Performance")."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from django.db import models
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # public, not in the stubs
from django_tables2 import Column
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import A, AttributeDict

from dashboard.runtime.tables2_signature import cached_signature

from .render_scope import render_scope

# --- the compact tbody ---------------------------------------------------------------------------------

_CELL_ARGUMENTS = frozenset({"value", "record", "column", "bound_column", "bound_row", "table"})


def _escape(text: str) -> str:
    # django.utils.html.escape without its keep_lazy wrapper (a measurable cost per cell): same output.
    return html.escape(text)


def _conditional_escape(value: Any) -> str:
    """`conditional_escape` for the values cells hold (safe strings as they are, text escaped)."""
    kind = type(value)
    if kind is SafeString:
        safe: str = value
        return safe
    if kind is str:
        return _escape(value)
    if kind is int:  # an id inside a link: digits need no escaping
        return str(value)
    return conditional_escape(value)


def as_cell_html(value: Any) -> str:
    """`{{ cell }}` in a template: local time, localisation, then autoescape (`render_value_in_context`)."""
    kind = type(value)
    if kind is SafeString or kind is str:
        return _conditional_escape(value)
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _has_callable(attrs: object) -> bool:
    if callable(attrs):
        return True
    if isinstance(attrs, Mapping):
        return any(_has_callable(value) for value in attrs.values())
    return False


def _td_is_per_record(table: Any, bound_column: Any) -> bool:
    """True when the `<td>` attributes are computed from the record or value (callables in them)."""
    sources = [table.attrs, bound_column.column.attrs]
    return any(_has_callable(source.get(key)) for source in sources for key in ("td", "cell"))


def _fast_value_ok(bound_column: Any) -> bool:
    column = bound_column.column
    accessor = str(bound_column.accessor)
    return (
        column.localize is None
        and bool(accessor)
        and A.SEPARATOR not in accessor
        and A.LEGACY_SEPARATOR not in accessor
        and not isinstance(column, ManyToManyColumn | BaseLinkColumn)
    )


def _caller(fn: Callable[..., Any]) -> Callable[[Any, Any, Any, Any], Any] | None:
    """`call_with_appropriate(fn, …)` planned once: a function of `(bound_column, row, record, value)`, or
    None when `fn` wants an argument cells never provide (tables2 then renders None; the slow path keeps
    that). The common signatures get a direct call: no dict of the six cell arguments per cell."""
    names, catch_all = cached_signature(fn)
    if catch_all:
        return lambda bound_column, row, record, value: fn(**_cell_arguments(bound_column, row, record, value))
    if not set(names) <= _CELL_ARGUMENTS:
        return None
    names = tuple(names)
    if names == ("value",):
        return lambda bound_column, row, record, value: fn(value=value)
    if names == ("record",):
        return lambda bound_column, row, record, value: fn(record=record)
    if names in {("value", "record"), ("record", "value")}:
        return lambda bound_column, row, record, value: fn(value=value, record=record)
    if not names:
        return lambda bound_column, row, record, value: fn()

    def call(bound_column: Any, row: Any, record: Any, value: Any) -> Any:
        arguments = _cell_arguments(bound_column, row, record, value)
        return fn(**{name: arguments[name] for name in names})

    return call


def _cell_arguments(bound_column: Any, row: Any, record: Any, value: Any) -> dict[str, Any]:
    # BoundRow._optional_cell_arguments, from what the plan already holds.
    return {
        "value": value,
        "record": record,
        "column": bound_column.column,
        "bound_column": bound_column,
        "bound_row": row,
        "table": bound_column._table,
    }


def _is_identity_render(render: Any) -> bool:
    """The column's own `Column.render`, which returns the value as it is (no `render_<name>`, no subclass
    override): the plan then skips the call."""
    return getattr(render, "__func__", None) is Column.render


class _ColumnPlan:
    """How to render the cells of one bound column; `cell(row)` → `<td …>…</td>`."""

    __slots__ = (
        "bound_column",
        "name",
        "accessor",
        "td_open",
        "per_record_td",
        "fast",
        "render",
        "link",
        "link_url",
        "fast_cell",
        "default",
        "empty_values",
    )

    # Plans are built from tables2 objects, which carry no types.
    bound_column: Any
    render: Any
    link: Any
    link_url: Any
    fast_cell: Callable[[Any, Any], str]
    default: Any
    empty_values: Any

    def __init__(self, table: Any, bound_column: Any, attrs: Mapping[str, Any] | None = None) -> None:
        self.bound_column = bound_column
        self.name = bound_column.name
        self.accessor = str(bound_column.accessor)
        self.per_record_td = _td_is_per_record(table, bound_column)
        if self.per_record_td:
            self.td_open = ""
        else:
            self.td_open = _td_open((attrs if attrs is not None else bound_column.attrs)["td"])
        self.default = bound_column.default
        self.empty_values = bound_column.column.empty_values
        render = bound_column.render
        self.render = None if _is_identity_render(render) else _caller(render)
        link = bound_column.link
        self.link = link
        self.link_url = None
        if link is not None:
            url = getattr(link, "url", None)
            if callable(url) and not getattr(link, "attrs", None):
                self.link_url = _caller(url)
        self.fast = (
            _fast_value_ok(bound_column)
            and (self.render is not None or _is_identity_render(render))
            and (link is None or self.link_url is not None)
        )
        self.fast_cell = self._fast_cell()

    def cell(self, row: Any, record: Any, fast_record: bool) -> str:
        if not (self.fast and fast_record):
            return self._stock_cell(row, record)
        return self.fast_cell(row, record)

    def _fast_cell(self) -> Callable[[Any, Any], str]:
        """The cell of a plain attribute record, as a closure over what this plan holds (free variables are
        read faster than attributes, ~12 times a row)."""
        accessor, empty_values, default = self.accessor, self.empty_values, self.default
        render, link, link_url, bound_column = self.render, self.link, self.link_url, self.bound_column
        td_open, per_record_td, record_td_open = self.td_open, self.per_record_td, self._record_td_open
        escape_text = html.escape  # django.utils.html.escape's answer for a str, without its keep_lazy wrapper

        def cell(row: Any, record: Any) -> str:
            try:
                value = getattr(record, accessor)
            except AttributeError:
                value = _accessor_value(record, accessor)
            else:
                if callable(value):
                    value = _accessor_value(record, accessor)
            if value in empty_values:
                content = default
            else:
                content = value if render is None else render(bound_column, row, record, value)
                if link is not None:
                    href = link_url(bound_column, row, record, value)
                    if href is not None:
                        # LinkTransform's format_html('<a {}>{}</a>', …), without its per-call overhead.
                        content = SafeString(
                            f'<a href="{_conditional_escape(href)}">{_conditional_escape(content)}</a>'
                        )
            opening = record_td_open(record, content) if per_record_td else td_open
            kind = type(content)
            if kind is SafeString:
                return f"{opening}{content}</td>"
            if kind is str:
                return f"{opening}{escape_text(content)}</td>"
            return f"{opening}{as_cell_html(content)}</td>"

        return cell

    def _stock_cell(self, row: Any, record: Any) -> str:
        """Exactly tables2's `BoundRow.items()` + `table.html` for this cell."""
        bound_column = self.bound_column
        content = row.get_cell(self.name)
        td_open = self.td_open if not self.per_record_td else self._record_td_open(record, content)
        localize_flag = bound_column.localize
        if localize_flag is not None:
            content = str(localize(content, use_l10n=bool(localize_flag)))
        return f"{td_open}{as_cell_html(content)}</td>"

    def _record_td_open(self, record: Any, value: Any) -> str:
        bound_column = self.bound_column
        bound_column.current_record, bound_column.current_value = record, value
        try:
            return _td_open(bound_column.attrs["td"])
        finally:
            bound_column.current_record = bound_column.current_value = None


def _td_open(attrs: AttributeDict) -> str:
    # Exactly the stock template's `<td {{ attrs }}>` ("<td >" without attributes: tests and tools match it).
    return f"<td {attrs_html(attrs)}>"


@lru_cache(maxsize=512)
def _attrs_html_of(items: tuple[tuple[str, type, Any], ...]) -> str:
    return str(AttributeDict((key, value) for key, _, value in items).as_html())


def attrs_html(attrs: Mapping[str, Any]) -> str:
    """`AttributeDict(attrs).as_html()`, remembered per set of attributes: a column's `<th>`/`<td>` attributes
    are the same few on every page, and each `as_html()` is a `format_html` per attribute. Attributes with a
    callable value (called on every render) or an unhashable one are rendered afresh."""
    # The value's type is part of the key: True == 1 == 1.0, but each renders differently.
    items = tuple((key, type(value), value) for key, value in attrs.items())
    try:
        if not any(callable(value) for _, _, value in items):
            return _attrs_html_of(items)
    except TypeError:  # an unhashable value
        pass
    return str(AttributeDict(attrs).as_html())


def _accessor_value(record: Any, accessor: str) -> Any:
    """Accessor.resolve with tables2's failure rule: a value that cannot be resolved is None."""
    try:
        return A(accessor).resolve(record)
    except Exception:
        return None


_fast_types: dict[type, bool] = {}


def _is_fast_record(record: object) -> bool:
    """Plain attribute records (our dataclasses): not a Django model (choices display), not subscriptable
    (tables2's accessor tries `record[name]` first)."""
    kind = type(record)
    fast = _fast_types.get(kind)
    if fast is None:
        fast = not isinstance(record, models.Model) and not hasattr(kind, "__getitem__")
        _fast_types[kind] = fast
    return fast


def compact_rows(table: Any, column_attrs: list[Mapping[str, Any]] | None = None) -> Iterator[str]:
    """Each row of the current page as one `<tr>…</tr>` string (safe HTML parts). `column_attrs`: the
    visible columns' `BoundColumn.attrs`, when the caller has them already (the header row reads them too)."""
    columns = list(table.columns)
    attrs: list[Mapping[str, Any] | None] = list(column_attrs) if column_attrs is not None else [None] * len(columns)
    plans = [_ColumnPlan(table, bound_column, column) for bound_column, column in zip(columns, attrs, strict=True)]
    row_attrs = bool(table.row_attrs)
    for row in table.paginated_rows:
        record = row.record
        fast = _is_fast_record(record)
        cells = "".join([plan.cell(row, record, fast) for plan in plans])
        yield f"<tr {row.attrs.as_html()}>{cells}</tr>" if row_attrs else f"<tr>{cells}</tr>"


def compact_tbody(table: Any, column_attrs: list[Mapping[str, Any]] | None = None) -> SafeString:
    """The whole `<tbody>` of the current page, or "" when there are no rows (the caller then renders the
    empty state)."""
    with render_scope():
        rows = list(compact_rows(table, column_attrs))
    if not rows:
        return mark_safe("")
    return mark_safe(tbody_open(table) + "\n".join(rows) + "</tbody>")


def tbody_open(table: Any) -> str:
    tbody_attrs = table.attrs.get("tbody") if isinstance(table.attrs, Mapping) else None
    opening = attrs_html(tbody_attrs) if isinstance(tbody_attrs, Mapping) else ""
    return f"<tbody {opening}>" if opening else "<tbody>"
