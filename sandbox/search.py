"""The search engine behind every listing: filters, range filters, sorting and paging.

Choices where the docs are silent (see ../shared/nexudus/README.md): text filters are
case-insensitive "contains"; int, enum, bool, money and GUID filters are equality; a date filter
matches the whole day / minute / second it names; unknown filter keys and values that cannot be
read as the filter's type are ignored (as ASP.NET model binding leaves them null); an unknown
`orderBy` sorts by Id and says so in `CurrentOrderField`; `size` 0 or less means the default 25 and
anything above 1000 is clamped to 1000; a page past the end returns no Records but true totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .config import Config
from .db import Database
from .fields import Entity, Field
from .formats import date_bounds, to_cents
from .shapes import present

DEFAULT_SIZE = 25
MAX_SIZE = 1000
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def _int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _condition(f: Field, value: str, bound: str | None) -> tuple[str, list[Any]] | None:
    """SQL for one filter on `f`; bound is None (match), "from" (>=) or "to" (<=)."""
    condition = _plain_condition(f, f.via[2] if f.via else f.column, value, bound)
    if condition is None or f.via is None:
        return condition
    foreign_key, table, _ = f.via
    return f"{foreign_key} IN (SELECT id FROM {table} WHERE {condition[0]})", condition[1]


def _plain_condition(f: Field, column: str | None, value: str, bound: str | None) -> tuple[str, list[Any]] | None:
    kind = "money" if f.kind == "money_text" else f.kind
    if kind == "date":
        span = date_bounds(value)
        if span is None:
            return None
        if bound == "from":
            return f"{column} >= ?", [span[0]]
        if bound == "to":
            return f"{column} <= ?", [span[1]]
        return f"{column} BETWEEN ? AND ?", list(span)
    if kind in {"int", "enum", "money"}:
        number = to_cents(value) if kind == "money" else _int(value)
        if number is None:
            return None
        operator = {"from": ">=", "to": "<="}.get(bound or "", "=")
        return f"{column} {operator} ?", [number]
    if bound:
        return None
    if kind == "bool":
        lowered = value.strip().lower()
        if lowered not in _TRUE | _FALSE:
            return None
        return f"{column} = ?", [1 if lowered in _TRUE else 0]
    if kind == "guid":
        return f"lower({column}) = lower(?)", [value.strip()]
    # text: case-insensitive contains; LIKE wildcards in the value are taken literally.
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{column} LIKE ? ESCAPE '\\'", [f"%{escaped}%"]


def where_clause(entity: Entity, params: Mapping[str, str]) -> tuple[str, list[Any]]:
    filters = entity.filters
    clauses: list[str] = []
    args: list[Any] = []
    for key, value in params.items():
        if value is None or value.strip() == "":
            continue
        bound = None
        name = key
        if key.startswith(("from_", "to_")):
            bound, name = key.split("_", 1)
        f = filters.get(name)
        if f is None or f.column is None:
            continue
        if bound and f.kind not in {"int", "money", "money_text", "date"}:
            continue
        condition = _condition(f, value, bound)
        if condition:
            clauses.append(condition[0])
            args.extend(condition[1])
    return (" AND ".join(clauses) or "1=1"), args


def paging(params: Mapping[str, str]) -> tuple[int, int]:
    page = _int(params.get("page", "") or "1") or 1
    size = _int(params.get("size", "") or "") or DEFAULT_SIZE
    if size <= 0:
        size = DEFAULT_SIZE
    return max(page, 1), min(size, MAX_SIZE)


def direction_of(raw: str | None, ascending_value: int) -> int:
    """+1 ascending / -1 descending for a `dir` parameter. Seed docs: 1 ascending, -1 descending;
    SDK docs: 0 ascending, 1 descending (`dir_ascending` chooses). Anything else is ascending."""
    descending_text = "-1" if ascending_value == 1 else "1"
    return -1 if (raw or "").strip() == descending_text else 1


def wire_direction(direction: int, ascending_value: int) -> int:
    """`CurrentSortDirection` in the same encoding as `dir`."""
    if ascending_value == 1:
        return direction
    return 0 if direction == 1 else 1


def search(db: Database, entity: Entity, params: Mapping[str, str], config: Config | None = None) -> dict[str, Any]:
    config = config or Config()
    page, size = paging(params)
    sortable = entity.sortable
    order_field = params.get("orderBy") or "Id"
    if order_field not in sortable:
        # Case-insensitive match before giving up: `orderBy=createdon` is what a person would type.
        lowered = {name.lower(): name for name in sortable}
        order_field = lowered.get(order_field.lower(), "Id")
    direction = direction_of(params.get("dir"), config.dir_ascending)
    sql_dir = "DESC" if direction == -1 else "ASC"
    where, args = where_clause(entity, params)
    with db.lock:
        # Every filter is expressed on base-table columns, so the count never pays for the joins.
        total = db.scalar(f"SELECT COUNT(*) FROM {entity.table} WHERE {where}", args)
        rows = db.all(
            f"SELECT * FROM {entity.view} WHERE {where} "
            f"ORDER BY {sortable[order_field]} {sql_dir}, id {sql_dir} LIMIT ? OFFSET ?",
            [*args, size, (page - 1) * size],
        )
    total_pages = (total + size - 1) // size
    first = (page - 1) * size + 1 if rows else 0
    return {
        "Records": [present(entity, entity.serialise(row, listing=True), config, listing=True) for row in rows],
        "CurrentPageSize": size,
        "CurrentPage": page,
        "CurrentOrderField": order_field,
        "CurrentSortDirection": wire_direction(direction, config.dir_ascending),
        "FirstItem": first,
        "HasNextPage": page < total_pages,
        "HasPreviousPage": page > 1,
        "LastItem": first + len(rows) - 1 if rows else 0,
        "PageNumber": page,
        "PageSize": size,
        "TotalItems": total,
        "TotalPages": total_pages,
    }
