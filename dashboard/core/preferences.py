"""Per-person table preferences (visible columns, page size) and saved views, stored in our database.

NetBox's per-user table configuration is the precedent: each table class names itself with a
`preference_key`; the shared machinery (`core.listing`, the audit view, a customer's ledger) reads the
person's `TablePreference` and applies it to the table — hidden columns and the default page size when
the URL does not name one. The column chooser (`core/_column_chooser.html`) posts to
`table_columns_view`; choosing "Rows per page" under a table remembers that size.

Saved views are a person's named query strings of one table, listed in the nav's "Saved views" menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from .models import SavedView, TablePreference

#: Tables that can be saved as views: preference key → (list URL name, label shown in the nav).
SAVED_VIEW_TABLES = {
    "payment_tokens": ("payment_tokens:list", "Payment tokens"),
    "ledger_entries": ("ledger:list", "Ledger entries"),
    "audit": ("audit:list", "Audit trail"),
}
#: Tables with a column chooser: preference key → table class (dotted path, imported on use).
TABLE_CLASSES = {
    "payment_tokens": "dashboard.payment_tokens.tables.PaymentTokenTable",
    "ledger_entries": "dashboard.ledger.tables.LedgerEntryTable",
    "customer_ledger": "dashboard.ledger.tables.CustomerLedgerTable",
    "audit": "dashboard.audit.tables.AuditRecordTable",
}
#: Query parameters that are never part of a saved view (the page is where you were, not what you want).
NOT_SAVED = {"page", "export", "csrfmiddlewaretoken", "remember"}
QUERYSTRING_MAX = 2000


@dataclass(frozen=True)
class ColumnChoice:
    name: str
    label: str
    visible: bool
    locked: bool  # always shown (the record's link)


def table_class_for(table_key: str):
    from django.utils.module_loading import import_string

    path = TABLE_CLASSES.get(table_key)
    return import_string(path) if path else None


def preference_for(user, table_key: str | None) -> TablePreference | None:
    if not table_key or not getattr(user, "is_authenticated", False):
        return None
    return TablePreference.objects.filter(user=user, table=table_key).first()


def table_column_names(table_class) -> list[str]:
    """The table's columns in the order it shows them (its `Meta.sequence`, else declaration order)."""
    names = list(table_class.base_columns)
    sequence = [name for name in (table_class._meta.sequence or ()) if name in names]
    return sequence + [name for name in names if name not in sequence]


def visible_columns(table_class, preference: TablePreference | None) -> list[str]:
    """The columns to show: the person's choice (unknown names dropped, locked columns kept) or all."""
    names = table_column_names(table_class)
    chosen = set(preference.columns) if preference and preference.columns else set(names)
    locked = set(getattr(table_class, "always_visible", ()))
    return [name for name in names if name in chosen or name in locked]


def column_choices(table_class, preference: TablePreference | None) -> list[ColumnChoice]:
    shown = set(visible_columns(table_class, preference))
    locked = set(getattr(table_class, "always_visible", ()))
    return [
        ColumnChoice(name, str(table_class.base_columns[name].verbose_name or name), name in shown, name in locked)
        for name in table_column_names(table_class)
    ]


def apply_columns(table, preference: TablePreference | None) -> None:
    """Hide the columns the person switched off (a no-op without a preference)."""
    if preference is None or not preference.columns:
        return
    shown = set(visible_columns(type(table), preference))
    for name in table_column_names(type(table)):
        if name not in shown:
            table.columns.hide(name)


def save_columns(user, table_class, names: list[str]) -> TablePreference:
    valid = table_column_names(table_class)
    locked = set(getattr(table_class, "always_visible", ()))
    chosen = [name for name in valid if name in set(names) or name in locked]
    preference, _ = TablePreference.objects.update_or_create(
        user=user, table=table_class.preference_key, defaults={"columns": chosen}
    )
    return preference


def save_per_page(user, table_key: str, per_page: int) -> None:
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
    url_name = SAVED_VIEW_TABLES.get(view.table, (None,))[0]
    if url_name is None:
        return None
    path = reverse(url_name)
    return f"{path}?{view.querystring}" if view.querystring else path


@dataclass(frozen=True)
class SavedViewLink:
    id: int
    name: str
    table_label: str
    url: str


def saved_view_links(user) -> list[SavedViewLink]:
    if not getattr(user, "is_authenticated", False):
        return []
    links = []
    for view in SavedView.objects.filter(user=user).order_by("table", "name")[:50]:
        url = saved_view_url(view)
        if url:
            links.append(SavedViewLink(view.id, view.name, SAVED_VIEW_TABLES[view.table][1], url))
    return links
