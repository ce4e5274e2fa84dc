"""Paging, sorting and page size read leniently from a search page's query string, and its canonical form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict

from dashboard.core.params import MAX_INT32, parse_int


def page_sizes() -> tuple[int, ...]:
    return tuple(sorted(getattr(settings, "TABLE_PAGE_SIZES", (25, 50, 100))))


@dataclass(frozen=True)
class TableParams:
    """Paging and sorting read leniently from the query string: a bad value falls back, never errors."""

    page: int
    per_page: int
    sort: str | None


def _last_int(params: QueryDict, name: str) -> int | None:
    return parse_int(params.get(name), min_value=-MAX_INT32, max_value=MAX_INT32)


def clamp_per_page(value: int | None) -> int:
    """The allowed page size nearest below `value` (tables2 itself does not clamp `per_page`)."""
    sizes = page_sizes()
    if value is None:
        return sizes[0]
    allowed = [size for size in sizes if size <= value]
    return allowed[-1] if allowed else sizes[0]


def table_params(params: QueryDict, table_class: Any, default_per_page: int | None = None) -> TableParams:
    """`default_per_page` (the person's remembered page size) applies when the URL names none."""
    per_page = clamp_per_page(_last_int(params, "per_page") or default_per_page)
    page = _last_int(params, "page") or 1
    # Nexudus ids and offsets are 32-bit: a page beyond that is a typo; show the last real page instead.
    page = min(max(page, 1), MAX_INT32 // per_page)
    sort = (params.get("sort") or "").strip()
    column = table_class.base_columns.get(sort.removeprefix("-"))
    valid = bool(sort) and column is not None and column.orderable is not False
    return TableParams(page=page, per_page=per_page, sort=sort if valid else None)


def canonical_query(
    request: HttpRequest, names: Iterable[str], table: TableParams, data: Mapping[str, Any] | None = None
) -> QueryDict:
    """The state of a search as a clean query string: non-empty filters in form order, then the clamped
    sort, page and page size (defaults left out). Links and the pushed URL are built from it. `data`: the
    filters' values when they are not exactly the request's (a page that fills one in, e.g. its business)."""
    source = request.GET if data is None else data
    query = QueryDict(mutable=True)
    for name in names:
        value = (source.get(name) or "").strip()
        if value:
            query[name] = value
    if table.sort:
        query["sort"] = table.sort
    if table.page > 1:
        query["page"] = str(table.page)
    if table.per_page != page_sizes()[0]:
        query["per_page"] = str(table.per_page)
    query._mutable = False
    return query


def chosen_per_page(params: QueryDict) -> int | None:
    """The page size chosen under a table (`remember=per_page`), to be stored for the person."""
    if params.get("remember") == "per_page" and (chosen := _last_int(params, "per_page")):
        return clamp_per_page(chosen)
    return None
