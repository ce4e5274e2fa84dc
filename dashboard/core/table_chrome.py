"""The caption, header row and pager of a `NexudusTable`, in plain Python with the markup of
`templates/core/_table.html` (docs/architecture.md, "Performance").

Performance (issue 20): rendered by the template language these cost more than the rows themselves
(~20 `{% querystring %}` calls and nested lookups per page); here they are string building around the same
public pieces the template used (`BoundColumn.attrs`, `order_by_alias`, `table_page_range`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote_plus

from django.http import QueryDict
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django_tables2.templatetags.django_tables2 import table_page_range

from .table_body import attrs_html


def querystring(base: QueryDict, **changes: Any) -> str:
    """Django's `{% querystring base name=value %}`: `base` with `changes` applied (None removes a key; a
    changed key keeps its place, a new one goes last), the same string. Built from `base.lists()` rather
    than a copy of it: `QueryDict.copy()` deep-copies, and a header row and pager ask for ~25 of these."""
    return QueryEncoder(base).replace(**changes)


class QueryEncoder:
    """`querystring()` for many sets of changes to one base: each of the base's pairs is URL-encoded once
    (what `urlencode` would make of it), and each link joins the encoded pairs it keeps."""

    def __init__(self, base: QueryDict) -> None:
        self.empty = not base
        self.keys = [(key, [_pair(key, value) for value in values]) for key, values in base.lists()]
        self.names = {key for key, _ in self.keys}

    def replace(self, **changes: Any) -> str:
        pairs: list[str] = []
        keys = 0  # keys left, an empty list of values included (Django then still answers "?")
        for key, encoded in self.keys:
            if key in changes:
                change = changes[key]
                if change is None:
                    continue
                encoded = [_pair(key, value) for value in _values(change)]
            keys += 1
            pairs.extend(encoded)
        for key, change in changes.items():
            if change is not None and key not in self.names:
                keys += 1
                pairs.extend(_pair(key, value) for value in _values(change))
        if not keys and self.empty:
            return ""
        return f"?{'&'.join(pairs)}"


def _pair(key: str, value: str) -> str:
    # urlencode()'s own encoding of one (key, value) pair of strings.
    return f"{quote_plus(key)}={quote_plus(value)}"


def _values(change: Any) -> list[str]:
    if isinstance(change, Iterable) and not isinstance(change, str):
        return [str(value) for value in change]
    return [str(change)]


def _state(table: Any, request: Any) -> QueryDict:
    """What sort and page links build on: the search's clean query, else the request's own."""
    state: QueryDict | None = getattr(table, "query_state", None)
    return state if state is not None else request.GET


def _swap_link(table: Any, path: str, query: str, extra: str, label: Any) -> str:
    href = escape(f"{path}{query}")
    return (
        f'<a href="{href}" hx-get="{href}" hx-target="#{escape(table.results_id)}" hx-swap="outerHTML" '
        f'hx-push-url="true"{extra}>{label}</a>'
    )


def _attrs_html(attrs: object) -> str:
    return attrs_html(attrs) if isinstance(attrs, Mapping) else ""


def table_head(table: Any, request: Any, column_attrs: list[Mapping[str, Any]] | None = None) -> SafeString:
    """`<caption>` and `<thead>`: sortable headers link to the first page sorted by them. `column_attrs`: the
    visible columns' `BoundColumn.attrs`, when the caller has them already (the rows read them too)."""
    page = getattr(table, "page", None)
    caption = str(conditional_escape(table.caption))
    if page:
        caption += f' <span class="visually-hidden">— {conditional_escape(table.summary)}</span>'
    parts = [f"<caption>{caption}</caption>"]
    if table.show_header:
        query, path = QueryEncoder(_state(table, request)), request.path
        parts.append(f"<thead {_attrs_html(table.attrs.get('thead'))}><tr>")
        columns = list(table.columns)
        attrs = column_attrs if column_attrs is not None else [column.attrs for column in columns]
        for column, column_attr in zip(columns, attrs, strict=True):
            header = conditional_escape(column.header)
            ordered = column.is_ordered
            descending = ordered and column.order_by_alias.is_descending
            sort = f' aria-sort="{"descending" if descending else "ascending"}"' if ordered else ""
            parts.append(f'<th scope="col" {attrs_html(column_attr["th"])}{sort}>')
            if column.orderable:
                link_query = query.replace(sort=column.order_by_alias.next, page=None)
                title = f' title="Sort by {header}{", descending" if ordered and not descending else ""}"'
                mark = (" ▼" if descending else " ▲") if ordered else ""
                label = f'{header}<span class="sort-mark" aria-hidden="true">{mark}</span>'
                parts.append(_swap_link(table, path, link_query, title, label))
            else:
                parts.append(header)
            parts.append("</th>")
        parts.append("</tr></thead>")
    return mark_safe("".join(parts))


def table_pager(table: Any, request: Any) -> SafeString:
    """The footer: the summary, page links (previous, a window of numbers, next) and the page size."""
    page = getattr(table, "page", None)
    if not page:
        return mark_safe("")
    paginator = table.paginator
    pages = paginator.num_pages
    summary = str(conditional_escape(table.summary))
    if pages > 1:
        summary += f" · page {page.number} of {pages}"
    parts = ['<nav class="table-footer" aria-label="Pages">', f'<p class="table-summary" role="status">{summary}</p>']
    if pages > 1:
        query_of, path = QueryEncoder(_state(table, request)), request.path
        parts.append('<ul class="pagination">')
        if page.has_previous():
            query = query_of.replace(page=page.previous_page_number())
            parts.append("<li>" + _swap_link(table, path, query, ' rel="prev"', "‹ Previous") + "</li>")
        for number in table_page_range(page, paginator):
            if number == "...":
                parts.append('<li><span aria-hidden="true">…</span></li>')
            elif number == page.number:
                parts.append(
                    f'<li><span class="current-page" aria-current="page"><span class="visually-hidden">Page </span>'
                    f'{number}<span class="visually-hidden"> (this page)</span></span></li>'
                )
            else:
                query = query_of.replace(page=number)
                label = f' aria-label="Page {number}"'
                parts.append("<li>" + _swap_link(table, path, query, label, str(number)) + "</li>")
        if page.has_next():
            query = query_of.replace(page=page.next_page_number())
            parts.append("<li>" + _swap_link(table, path, query, ' rel="next"', "Next ›") + "</li>")
        parts.append("</ul>")
    parts.append(_page_size(table, request))
    parts.append("</nav>")
    return mark_safe("".join(parts))


def _page_size(table: Any, request: Any) -> str:
    form_id, results_id = escape(table.search_form_id), escape(table.results_id)
    path = escape(request.path)
    sort = ""
    if table.order_by:
        sort = (
            f'<input type="hidden" name="{escape(table.prefixed_order_by_field)}" '
            f'value="{escape(table.order_by[0])}" form="{form_id}">'
        )
    per_page = table.paginator.per_page
    options = "".join(
        f'<option value="{size}"{" selected" if size == per_page else ""}>{size}</option>' for size in table.page_sizes
    )
    return (
        f'<div class="page-size">{sort}<label for="per-page">Rows per page</label>'
        f'<select id="per-page" name="{escape(table.prefixed_per_page_field)}" form="{form_id}" '
        f'hx-get="{path}" hx-include="#{form_id}" hx-trigger="change" hx-vals=\'{{"remember": "per_page"}}\' '
        f'hx-target="#{results_id}" hx-swap="outerHTML" hx-push-url="true">{options}</select>'
        f'<noscript><button type="submit" form="{form_id}" class="small">Apply</button></noscript></div>'
    )
