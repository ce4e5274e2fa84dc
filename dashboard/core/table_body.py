"""A compact, fast `<tbody>` for `NexudusTable` with the stock template's HTML semantics
(docs/architecture.md, "Performance")."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.db import models
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # public, not in the stubs
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import A, AttributeDict

from dashboard.runtime.tables2_signature import cached_signature

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


def _caller(fn: Callable[..., Any]) -> Callable[[dict[str, Any]], Any] | None:
    """`call_with_appropriate(fn, …)` planned once: a function of the cell's arguments, or None when
    `fn` wants an argument cells never provide (tables2 then renders None; the slow path keeps that)."""
    names, catch_all = cached_signature(fn)
    if catch_all:
        return lambda arguments: fn(**arguments)
    if not set(names) <= _CELL_ARGUMENTS:
        return None
    names = tuple(names)
    if names == ("value",):
        return lambda arguments: fn(value=arguments["value"])
    if names == ("record",):
        return lambda arguments: fn(record=arguments["record"])
    return lambda arguments: fn(**{name: arguments[name] for name in names})


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
        "link_simple",
        "default",
        "empty_values",
    )

    # Plans are built from tables2 objects, which carry no types.
    bound_column: Any
    render: Any
    link: Any
    link_simple: Any
    default: Any
    empty_values: Any

    def __init__(self, table: Any, bound_column: Any) -> None:
        self.bound_column = bound_column
        self.name = bound_column.name
        self.accessor = str(bound_column.accessor)
        self.per_record_td = _td_is_per_record(table, bound_column)
        self.td_open = "" if self.per_record_td else _td_open(bound_column.attrs["td"])
        self.default = bound_column.default
        self.empty_values = bound_column.column.empty_values
        render = _caller(bound_column.render)
        link = bound_column.link
        self.link = link
        self.link_simple = None
        if link is not None:
            url = getattr(link, "url", None)
            if callable(url) and not getattr(link, "attrs", None):
                self.link_simple = _caller(url)
        self.render = render
        self.fast = (
            _fast_value_ok(bound_column) and render is not None and (link is None or self.link_simple is not None)
        )

    def cell(self, row: Any, record: Any, fast_record: bool) -> str:
        if not (self.fast and fast_record):
            return self._stock_cell(row, record)
        try:
            value = getattr(record, self.accessor)
        except AttributeError:
            value = _accessor_value(record, self.accessor)
        else:
            if callable(value):
                value = _accessor_value(record, self.accessor)
        if value in self.empty_values:
            content = self.default
        else:
            bound_column = self.bound_column
            arguments = {
                "value": value,
                "record": record,
                "column": bound_column.column,
                "bound_column": bound_column,
                "bound_row": row,
                "table": bound_column._table,
            }
            content = self.render(arguments)
            if self.link is not None:
                href = self.link_simple(arguments)
                if href is not None:
                    # format_html('<a href="{}">{}</a>', href, content), without its per-call overhead.
                    content = SafeString(f'<a href="{_conditional_escape(href)}">{_conditional_escape(content)}</a>')
        td_open = self.td_open if not self.per_record_td else self._record_td_open(record, content)
        return f"{td_open}{as_cell_html(content)}</td>"

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
    return f"<td {attrs.as_html()}>"


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


def compact_rows(table: Any) -> Iterator[str]:
    """Each row of the current page as one `<tr>…</tr>` string (safe HTML parts)."""
    plans = [_ColumnPlan(table, bound_column) for bound_column in table.columns]
    row_attrs = bool(table.row_attrs)
    for row in table.paginated_rows:
        record = row.record
        fast = _is_fast_record(record)
        cells = "".join([plan.cell(row, record, fast) for plan in plans])
        yield f"<tr {row.attrs.as_html()}>{cells}</tr>" if row_attrs else f"<tr>{cells}</tr>"


def compact_tbody(table: Any) -> SafeString:
    """The whole `<tbody>` of the current page, or "" when there are no rows (the template then renders
    the empty state through the stock block)."""
    rows = list(compact_rows(table))
    if not rows:
        return mark_safe("")
    tbody_attrs = table.attrs.get("tbody") if isinstance(table.attrs, Mapping) else None
    attrs_html = AttributeDict(tbody_attrs).as_html() if isinstance(tbody_attrs, Mapping) else ""
    opening = f"<tbody {attrs_html}>" if attrs_html else "<tbody>"
    return mark_safe(opening + "\n".join(rows) + "</tbody>")
