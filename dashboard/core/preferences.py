"""Per-person table preferences (visible columns, page size) and saved views, with the registry of the
tables that have them (filled by each feature's `AppConfig.ready()`). The only home of their writes."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import redis
from django.core.cache import cache
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse

from .models import PreferencesVersion, SavedView, TablePreference

logger = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class TableChoice:
    """One person's stored choice for one table: visible columns (empty: the table's own) and page size."""

    columns: tuple[str, ...]
    per_page: int | None


def preference_for(user: Any, table_key: str | None) -> TableChoice | None:
    if not table_key or not getattr(user, "is_authenticated", False):
        return None
    return _stored(user).tables.get(table_key)


def table_column_names(table_class: Any) -> list[str]:
    """The table's columns in the order it shows them (its `Meta.sequence`, else declaration order)."""
    names = list(table_class.base_columns)
    sequence = [name for name in (table_class._meta.sequence or ()) if name in names]
    return sequence + [name for name in names if name not in sequence]


def visible_columns(table_class: Any, preference: TableChoice | None) -> list[str]:
    """The columns to show: the person's choice (unknown names dropped, locked columns kept) or all."""
    names = table_column_names(table_class)
    chosen = set(preference.columns) if preference and preference.columns else set(names)
    locked = set(getattr(table_class, "always_visible", ()))
    return [name for name in names if name in chosen or name in locked]


def column_choices(table_class: Any, preference: TableChoice | None) -> list[ColumnChoice]:
    shown = set(visible_columns(table_class, preference))
    locked = set(getattr(table_class, "always_visible", ()))
    return [
        ColumnChoice(name, str(table_class.base_columns[name].verbose_name or name), name in shown, name in locked)
        for name in table_column_names(table_class)
    ]


def apply_columns(table: Any, preference: TableChoice | None) -> None:
    """Hide the columns the person switched off (a no-op without a preference)."""
    if preference is None or not preference.columns:
        return
    shown = set(visible_columns(type(table), preference))
    for name in table_column_names(type(table)):
        if name not in shown:
            table.columns.hide(name)


def save_columns(user: Any, table_class: Any, names: list[str]) -> None:
    valid = table_column_names(table_class)
    locked = set(getattr(table_class, "always_visible", ()))
    chosen = [name for name in valid if name in set(names) or name in locked]
    with preferences_change(user):
        TablePreference.objects.update_or_create(
            user_id=user.pk, table=table_class.preference_key, defaults={"columns": chosen}
        )


def save_per_page(user: Any, table_key: str, per_page: int) -> None:
    with preferences_change(user):
        TablePreference.objects.update_or_create(user_id=user.pk, table=table_key, defaults={"per_page": per_page})


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
    return _view_url(view.table, view.querystring)


def _view_url(table: str, querystring: str) -> str | None:
    registered = _TABLES.get(table)
    if registered is None or registered.saved_view_url is None:
        return None
    path = reverse(registered.saved_view_url)
    return f"{path}?{querystring}" if querystring else path


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
    for view_id, table, name, querystring in _stored(user).views:
        if url := _view_url(table, querystring):
            links.append(SavedViewLink(view_id, name, _TABLES[table].saved_view_label, url))
    return links


def save_view(user: Any, *, table: str, name: str, querystring: str) -> SavedView:
    """Store the person's view `name` of `table` (the same name again replaces it)."""
    with preferences_change(user):
        view, _ = SavedView.objects.update_or_create(
            user_id=user.pk, table=table, name=name, defaults={"querystring": querystring}
        )
    return view


def delete_view(user: Any, view_id: int) -> None:
    """Delete the person's own view `view_id` (someone else's id deletes nothing)."""
    with preferences_change(user):
        SavedView.objects.filter(user_id=user.pk, id=view_id).delete()


# --- the cached copy ---------------------------------------------------------------------------------
#
# Every signed-in page needs the person's table choices and saved views. They are kept in the cache (per
# process or Redis) under the person's current preferences version, which is read with the user on every
# request (settings.AUTH_USER_RELATED) and replaced in the same transaction as any change: a process
# whose cached copy is older simply looks under a key that has no copy yet, so no page ever shows a
# stale choice, whichever worker or browser made the change.

#: How long an unused copy may stay (a change makes the old one unused at once; this only bounds memory).
CACHE_SECONDS = 24 * 3600
#: Bumped when the shape of the cached copy changes, so a new release never reads an old release's copy.
_CACHE_SHAPE = 1
SAVED_VIEWS_SHOWN = 50


@dataclass(frozen=True)
class StoredPreferences:
    tables: dict[str, TableChoice]
    views: tuple[tuple[int, str, str, str], ...]  # (id, table, name, querystring), in menu order


@contextmanager
def preferences_change(user: Any) -> Iterator[None]:
    """Wrap every write of the person's preferences or saved views: the write and a new version commit
    together (the version row is locked first, so one person's changes are serialised)."""
    with transaction.atomic():
        version, _ = PreferencesVersion.objects.update_or_create(user_id=user.pk, defaults={"value": uuid.uuid4()})
        yield
    user.preferences_version = version  # the rest of this request reads the new version too


def _version(user: Any) -> str:
    """The person's current preferences version, as read with the user; made on their first page."""
    try:
        version = user.preferences_version
    except PreferencesVersion.DoesNotExist:
        version, _ = PreferencesVersion.objects.get_or_create(user_id=user.pk, defaults={"value": uuid.uuid4()})
        user.preferences_version = version
    value: uuid.UUID = version.value
    return value.hex


def _stored(user: Any) -> StoredPreferences:
    """The person's preferences at their current version: this request's copy, the cache's, or the
    database's (then cached)."""
    version = _version(user)
    # Kept on the user object, which lives for one request (as ModelBackend keeps `_perm_cache`).
    memo: tuple[str, StoredPreferences] | None = getattr(user, "_stored_preferences", None)
    if memo is not None and memo[0] == version:
        return memo[1]
    key: str | None = f"preferences:{_CACHE_SHAPE}:{user.pk}:{version}"
    try:
        payload = cache.get(key)
    except redis.RedisError as error:  # a cache outage costs the reads, never the page
        logger.warning("Preferences cache unavailable (%s); reading the database", type(error).__name__)
        payload, key = None, None
    if not (isinstance(payload, tuple) and len(payload) == 2):
        payload = _read(user.pk)
        if key is not None:
            with suppress(redis.RedisError):
                cache.set(key, payload, CACHE_SECONDS)
    tables, views = payload
    stored = StoredPreferences({table: TableChoice(*choice) for table, choice in tables.items()}, views)
    user._stored_preferences = (version, stored)
    return stored


def _read(user_id: int) -> tuple[dict[str, tuple[tuple[str, ...], int | None]], tuple[tuple[Any, ...], ...]]:
    """The person's preferences from the database, as plain tuples and dicts (what the cache holds: no class
    of ours is pickled, so a copy never depends on the release that wrote it)."""
    choices = TablePreference.objects.filter(user_id=user_id).values_list("table", "columns", "per_page")
    tables = {table: (tuple(columns or ()), per_page) for table, columns, per_page in choices}
    views = SavedView.objects.filter(user_id=user_id).order_by("table", "name")
    return tables, tuple(views.values_list("id", "table", "name", "querystring")[:SAVED_VIEWS_SHOWN])
