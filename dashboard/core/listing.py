"""The search page machinery: validate filters → build the query → one selector call → table → page or
fragment. Every listing (payment tokens, ledger entries, …) is a thin view over `render_search()`.

How to reuse it (ledger entries as the example)
------------------------------------------------
1. Filter form (`forms.py`)::

       class LedgerEntrySearchForm(SearchForm):
           query_class = LedgerEntryQuery            # field names == query attribute names
           range_pairs = (("debit_from", "debit_to"), ("created_from", "created_to"))
           coworker_invoice_id = IdField(required=False, label="Invoice ID")
           description = SearchTextField(label="Description")
           payment_gateway = EnumChoiceField(PaymentProvider, label="Payment gateway")
           created_from = LocalDateTimeField(label="Created from")
           ...

   `IdField` (1..2^31-1), `SearchTextField` (stripped, ≤200 chars, no NUL), `LocalDateTimeField`
   (`datetime-local` → aware datetime in the current zone), `EnumChoiceField` live in `core.forms`.
   Decimals: use `forms.DecimalField(required=False, max_digits=…, decimal_places=…)` (it rejects NaN).

2. Table (`tables.py`): subclass `core.tables.NexudusTable`; column names == record attributes (they are
   sent as the query's `order_by`, which the client maps to `orderBy`/`dir`); `orderable=False` where
   Nexudus cannot sort; set `caption` and optionally `empty_hint`. Format with `render_<col>` and the
   `billing` template filters (`money`, `when`, `masked`).

3. View (`views.py`)::

       @require_GET
       @vary_on_headers("HX-Request")
       def ledger_entry_list_view(request):
           client = nexudus_client(request)
           return render_search(
               request,
               form_class=LedgerEntrySearchForm,
               table_class=LedgerEntryTable,
               search=lambda query: ledger_entry_list(client=client, query=query),
               template_name="ledger/list.html",
               role="CoworkerLedgerEntry-List",
           )

4. Template (`ledger/list.html`)::

       {% extends "base.html" %}
       {% load partials %}
       {% block main %}
         <h1>Ledger entries</h1>
         {% include "core/_search_form.html" %}
         {% partialdef results inline %}{% include "core/_results.html" %}{% endpartialdef %}
       {% endblock %}

   `core/_search_form.html` renders any `SearchForm` (labels, errors, htmx attributes, indicator, a
   Search button and a Clear link; works with JS off). `core/_results.html` is the `#results` swap
   target: the table (`core/_table.html`: caption, `scope="col"`, sort/page links with real `href` +
   `hx-get`, summary "Showing 26–50 of 1,234", page size 25/50/100), the empty state, the "check the
   filters" state, or the upstream problem with a Retry button.

Per-person preferences (`core.preferences`): set `preference_key` on the table class and the person's
`TablePreference` is applied — hidden columns (the column chooser, `core/_column_chooser.html`) and the
page size used when the URL names none; choosing "Rows per page" under a table (`remember=per_page`)
stores it. The search form then also offers "Save view" (if the key is in `SAVED_VIEW_TABLES`), listed in
the nav's "Saved views". The filters on show are the form's `primary_filters`; the rest sit under "More
filters", open when one of them is set.

Guarantees: exactly one upstream search per render (a page past the end costs one more to show the last
page); nothing is sent when a filter is invalid; `per_page` is clamped to `TABLE_PAGE_SIZES`; an
unknown `sort` is ignored; sort/page links and the pushed URL carry only the form's fields plus `sort`,
`page`, `per_page` (`request.GET` is replaced by that clean state before rendering); htmx requests (not
history restores) get only `#results`, with the canonical URL pushed; upstream failures are a 200
problem state, never a 5xx (`NexudusAuthExpired` propagates to the sign-in middleware).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import EmptyPage
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django_htmx.http import push_url

from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError

from .forms import MAX_INT32, SearchForm
from .models import TablePreference
from .params import parse_int
from .preferences import (
    SAVED_VIEW_TABLES,
    apply_columns,
    column_choices,
    preference_for,
    save_per_page,
)
from .tables import NexudusTable, NexudusTableData
from .upstream import UpstreamProblem, describe_upstream_error


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


def table_params(
    params: QueryDict, table_class: type[NexudusTable], default_per_page: int | None = None
) -> TableParams:
    """`default_per_page` (the person's remembered page size) applies when the URL names none."""
    per_page = clamp_per_page(_last_int(params, "per_page") or default_per_page)
    page = _last_int(params, "page") or 1
    # Nexudus ids and offsets are 32-bit: a page beyond that is a typo; show the last real page instead.
    page = min(max(page, 1), MAX_INT32 // per_page)
    sort = (params.get("sort") or "").strip()
    column = table_class.base_columns.get(sort.removeprefix("-"))
    if not sort or column is None or column.orderable is False:
        sort = None
    return TableParams(page=page, per_page=per_page, sort=sort)


def canonical_query(request: HttpRequest, names: Iterable[str], params: TableParams) -> QueryDict:
    """The state of a search as a clean query string: non-empty filters in form order, then the clamped
    sort, page and page size (defaults left out). Links and the pushed URL are built from it."""
    query = QueryDict(mutable=True)
    for name in names:
        value = (request.GET.get(name) or "").strip()
        if value:
            query[name] = value
    if params.sort:
        query["sort"] = params.sort
    if params.page > 1:
        query["page"] = str(params.page)
    if params.per_page != page_sizes()[0]:
        query["per_page"] = str(params.per_page)
    return query


def push_state(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Push the canonical URL of an htmx swap (request.GET is already the clean state), unless the browser
    is already there (a Retry, or a refresh after the column chooser): no duplicate history entries."""
    query_string = request.GET.urlencode()
    url = request.path + (f"?{query_string}" if query_string else "")
    current = request.headers.get("HX-Current-URL", "")
    if current and urlsplit(current)._replace(scheme="", netloc="").geturl() == url:
        return response
    return push_url(response, url)


def remember_table_choices(request: HttpRequest, table_class: type[NexudusTable]) -> TablePreference | None:
    """The person's preference for this table; a page size chosen under the table (`remember=per_page`)
    is stored first."""
    key = getattr(table_class, "preference_key", None)
    user = getattr(request, "user", None)
    if not key or not getattr(user, "is_authenticated", False):
        return None
    if request.GET.get("remember") == "per_page" and (chosen := _last_int(request.GET, "per_page")):
        save_per_page(user, key, clamp_per_page(chosen))
    return preference_for(user, key)


def preference_context(table_class: type[NexudusTable], preference: TablePreference | None) -> dict[str, Any]:
    key = getattr(table_class, "preference_key", None)
    if not key:
        return {}
    return {
        "table_key": key,
        "column_choices": column_choices(table_class, preference),
        "can_save_view": key in SAVED_VIEW_TABLES,
    }


def wants_fragment(request: HttpRequest) -> bool:
    """htmx asked for a swap (a history restore always gets the full page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_page_or_fragment(request: HttpRequest, template_name: str, partial: str, context: dict) -> HttpResponse:
    """The whole page, or only its `{% partialdef partial %}` when htmx asked for a swap."""
    if wants_fragment(request):
        return render(request, f"{template_name}#{partial}", context)
    return render(request, template_name, context)


def build_table(
    table_class: type[NexudusTable], *, search: Callable[[Any], Any], query: Any, params: TableParams
) -> NexudusTable:
    """The table for one page of `query`, fetched (one upstream call) before returning."""
    table = table_class(NexudusTableData(search=search, query=query), order_by=params.sort)
    try:
        table.paginate(page=params.page, per_page=params.per_page)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)
    return table


def render_search(
    request: HttpRequest,
    *,
    form_class: type[SearchForm],
    table_class: type[NexudusTable],
    search: Callable[[Any], Any],
    template_name: str,
    role: str | None = None,
    extra_context: dict[str, Any] | None = None,
    partial_name: str = "results",
) -> HttpResponse:
    """Render a search page (or its `#results` fragment for htmx). See the module docstring."""
    form = form_class(request.GET, search_url=request.path)
    preference = remember_table_choices(request, table_class)
    params = table_params(request.GET, table_class, preference.per_page if preference else None)
    table: NexudusTable | None = None
    problem: UpstreamProblem | None = None
    if form.is_valid():
        query = form.to_query(page=params.page, size=params.per_page)
        try:
            table = build_table(table_class, search=search, query=query, params=params)
            apply_columns(table, preference)
        except NexudusAuthExpired:
            raise
        except NexudusError as error:
            problem = describe_upstream_error(error, role=role)
        else:
            params = dataclasses.replace(params, page=table.page.number)  # after any fall-back
    # Sort and page links (`querystring_replace`) read request.GET: give them the clean, clamped state.
    request.GET = canonical_query(request, form.fields, params)
    context = {
        "form": form,
        "table": table,
        "problem": problem,
        "params": params,
        "page_sizes": page_sizes(),
        "has_filters": bool(form.is_valid() and form.active_filters),
        **preference_context(table_class, preference),
        **(extra_context or {}),
    }
    if wants_fragment(request):
        return push_state(request, render(request, f"{template_name}#{partial_name}", context))
    return render(request, template_name, context)
