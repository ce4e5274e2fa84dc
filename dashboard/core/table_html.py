"""A `NexudusTable` as HTML in plain Python: the stock django-tables2 template's wrapper and `<table>`, around
core.table_chrome's caption, header row and pager and core.table_body's rows (docs/architecture.md,
"Performance"). `templates/core/_table.html` is this one call."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .render_scope import render_scope
from .table_body import as_cell_html, attrs_html, compact_tbody, tbody_open
from .table_chrome import table_head, table_pager


def table_html(table: Any, request: Any) -> SafeString:
    """The whole table: what `django_tables2/table.html` extended by the former `core/_table.html` rendered,
    with each visible column's attributes (`BoundColumn.attrs`, rebuilt on every read) computed once for
    the header row and the rows."""
    column_attrs = [column.attrs for column in table.columns]
    with render_scope():
        body = compact_tbody(table, column_attrs) or _empty_tbody(table, request)
    return mark_safe(
        '<div class="table-container">'
        # Wide tables scroll sideways inside this box; app.js makes it keyboard-scrollable when it overflows.
        '<div class="table-scroll" data-scroll-region>'
        f"<table {attrs_html(table.attrs)}>"
        f"{table_head(table, request, column_attrs)}{body}{_tfoot(table, column_attrs)}"
        "</table></div>"
        f"{table_pager(table, request)}</div>"
    )


def _empty_tbody(table: Any, request: Any) -> str:
    """No rows: what to do next, and a way back to everything when filters are set."""
    if not table.empty_text:
        return f"{tbody_open(table)}</tbody>"
    state = table.query_state if table.query_state is not None else request.GET
    if state:
        path = escape(request.path)
        advice = f'{escape(table.empty_hint)} Or <a href="{path}">clear the filters</a>.'
    else:
        advice = "There are none yet."
    return (
        f'{tbody_open(table)}<tr><td colspan="{len(table.columns)}" class="empty-state">'
        f"<strong>No {escape(str(table.caption).lower())} match.</strong> {advice}</td></tr></tbody>"
    )


def _tfoot(table: Any, column_attrs: list[Any]) -> str:
    """The stock template's footer row, for a table whose columns declare footers (none of ours yet)."""
    if not table.has_footer():
        return ""
    cells = "".join(
        f"<td {attrs_html(attrs['tf'])}>{as_cell_html(column.footer)}</td>"
        for column, attrs in zip(table.columns, column_attrs, strict=True)
    )
    return f"<tfoot><tr>{cells}</tr></tfoot>"
