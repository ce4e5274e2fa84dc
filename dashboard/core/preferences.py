"""Per-person table preferences (visible columns, page size) and saved views, with the registry of the
tables that have them (filled by each feature's `AppConfig.ready()`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from .models import SavedView, TablePreference


@dataclass(frozen=True)
class RegisteredTable:
    table_class: Any  # a django-tables2 Table class with a `preference_key`
    saved_view_url: str | None  # the list's URL name when the table's searches can be saved as views
    saved_view_label: str  # what the nav's "Saved views" calls the list


#: preference key → the table (its column chooser, and its saved views when it has a list URL).
_TABLES: dict[str, RegisteredTable] = {}
#: Query parameters that are never part of a saved view (the page is where you were, not what you want).
NOT_SAVED = {"page", "export", "csrfmiddlewaretoken", "remember"}
QUERYSTRING_MAX = 2000


@dataclass(frozen=True)
class ColumnChoice:
    name: str
    label: str
    visible: bool
    locked: bool  # always shown (the record's link)


def register_table(table_class: Any, *, saved_view_url: str | None = None, saved_view_label: str = "") -> None:
    """Give `table_class` a column chooser (and, with `saved_view_url`, saved views): call it from the
    feature's `AppConfig.ready()`."""
    key = table_class.preference_key
    _TABLES[key] = RegisteredTable(table_class, saved_view_url, saved_view_label or str(table_class.caption))


def table_class_for(table_key: str) -> Any:
    registered = _TABLES.get(table_key)
    return registered.table_class if registered else None


def can_save_view(table_key: str | None) -> bool:
    registered = _TABLES.get(table_key or "")
    return registered is not None and registered.saved_view_url is not None


def saved_view_tables() -> list[str]:
    """The keys of the tables whose searches can be saved as views."""
    return sorted(key for key, registered in _TABLES.items() if registered.saved_view_url is not None)


def preference_for(user: Any, table_key: str | None) -> TablePreference | None:
    if not table_key or not getattr(user, "is_authenticated", False):
        return None
    return TablePreference.objects.filter(user=user, table=table_key).first()


def table_column_names(table_class: Any) -> list[str]:
    """The table's columns in the order it shows them (its `Meta.sequence`, else declaration order)."""
    names = list(table_class.base_columns)
    sequence = [name for name in (table_class._meta.sequence or ()) if name in names]
    return sequence + [name for name in names if name not in sequence]


def visible_columns(table_class: Any, preference: TablePreference | None) -> list[str]:
    """The columns to show: the person's choice (unknown names dropped, locked columns kept) or all."""
    names = table_column_names(table_class)
    chosen = set(preference.columns) if preference and preference.columns else set(names)
    locked = set(getattr(table_class, "always_visible", ()))
    return [name for name in names if name in chosen or name in locked]


def column_choices(table_class: Any, preference: TablePreference | None) -> list[ColumnChoice]:
    shown = set(visible_columns(table_class, preference))
    locked = set(getattr(table_class, "always_visible", ()))
    return [
        ColumnChoice(name, str(table_class.base_columns[name].verbose_name or name), name in shown, name in locked)
        for name in table_column_names(table_class)
    ]


def apply_columns(table: Any, preference: TablePreference | None) -> None:
    """Hide the columns the person switched off (a no-op without a preference)."""
    if preference is None or not preference.columns:
        return
    shown = set(visible_columns(type(table), preference))
    for name in table_column_names(type(table)):
        if name not in shown:
            table.columns.hide(name)


def save_columns(user: Any, table_class: Any, names: list[str]) -> TablePreference:
    valid = table_column_names(table_class)
    locked = set(getattr(table_class, "always_visible", ()))
    chosen = [name for name in valid if name in set(names) or name in locked]
    preference, _ = TablePreference.objects.update_or_create(
        user=user, table=table_class.preference_key, defaults={"columns": chosen}
    )
    return preference


def save_per_page(user: Any, table_key: str, per_page: int) -> None:
    TablePreference.objects.update_or_create(user=user, table=table_key, defaults={"per_page": per_page})


# --- saved views -------------------------------------------------------------------------------------


def clean_querystring(raw: str) -> str:
    """A saved view's query string: non-empty values, without the page and one-off parameters."""
    params = QueryDict(raw.lstrip("?")[: QUERYSTRING_MAX * 2])
    pairs = [
        (key, value.strip())
        for key, values in params.lists()
        if key not in NOT_SAVED and len(key) <= 60
        for value in values[:1]
        if value.strip()
    ]
    return urlencode(pairs)[:QUERYSTRING_MAX]


def saved_view_url(view: SavedView) -> str | None:
    registered = _TABLES.get(view.table)
    if registered is None or registered.saved_view_url is None:
        return None
    path = reverse(registered.saved_view_url)
    return f"{path}?{view.querystring}" if view.querystring else path


@dataclass(frozen=True)
class SavedViewLink:
    id: int
    name: str
    table_label: str
    url: str


def saved_view_links(user: Any) -> list[SavedViewLink]:
    if not getattr(user, "is_authenticated", False):
        return []
    links = []
    for view in SavedView.objects.filter(user=user).order_by("table", "name")[:50]:
        url = saved_view_url(view)
        if url:
            links.append(SavedViewLink(view.id, view.name, _TABLES[view.table].saved_view_label, url))
    return links
