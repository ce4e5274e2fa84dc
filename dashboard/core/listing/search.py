"""A search page: validate filters → one selector call → table → page or `#results` fragment (or, with
`?export=csv`, the same search as a CSV download). See docs/architecture.md, "Search pages"."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.core.paginator import EmptyPage
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render

from dashboard.core.export.response import CsvExport, export_link, export_search_csv
from dashboard.core.forms import SearchForm
from dashboard.core.htmx import push_state, wants_fragment
from dashboard.core.models import TablePreference
from dashboard.core.preferences import (
    apply_columns,
    can_save_view,
    column_choices,
    preference_for,
    save_per_page,
)
from dashboard.core.problems import UpstreamProblem, attempt
from dashboard.core.tables import NexudusTable, NexudusTableData

from .query import TableParams, canonical_query, chosen_per_page, page_sizes, table_params


def remember_table_choices(request: HttpRequest, table_class: type[Any]) -> TablePreference | None:
    """The person's preference for this table; a page size chosen under the table (`remember=per_page`)
    is stored first."""
    key = getattr(table_class, "preference_key", None)
    user = getattr(request, "user", None)
    if not key or user is None or not user.is_authenticated:
        return None
    if (chosen := chosen_per_page(request.GET)) is not None:
        save_per_page(user, key, chosen)
    return preference_for(user, key)


def preference_context(table_class: type[Any], preference: TablePreference | None) -> dict[str, Any]:
    key = getattr(table_class, "preference_key", None)
    if not key:
        return {}
    return {
        "table_key": key,
        "column_choices": column_choices(table_class, preference),
        "can_save_view": can_save_view(key),
    }


def paginate(table: Any, params: TableParams) -> None:
    """Show the page asked for; past the end, the last page (as tables2's RequestConfig does)."""
    try:
        table.paginate(page=params.page, per_page=params.per_page)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)


def build_table(
    table_class: type[NexudusTable], *, search: Callable[[Any], Any], query: Any, params: TableParams
) -> NexudusTable:
    """The table for one page of `query`, fetched (one upstream call) before returning."""
    table = table_class(NexudusTableData(search=search, query=query), order_by=params.sort)
    paginate(table, params)
    return table


def search_response(request: HttpRequest, response: HttpResponse, state: QueryDict) -> HttpResponse:
    """An htmx swap of a search's results pushes the search's canonical URL."""
    query_string = state.urlencode()
    return push_state(request, response, request.path + (f"?{query_string}" if query_string else ""))


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
    export: CsvExport | None = None,
) -> HttpResponseBase:
    """Render a search page (or its `#results` fragment for htmx); with `export`, `?export=csv` streams
    every page of the very same search, and the results offer that link with the row cap stated."""
    if export is not None and request.GET.get("export") == "csv":
        return export_search_csv(
            request,
            form_class=form_class,
            table_class=table_class,
            search=search,
            resource=export.resource,
            filename_prefix=export.filename_prefix,
            role=role,
            on_finished=export.on_finished,
        )
    form = form_class(request.GET, search_url=request.path)
    preference = remember_table_choices(request, table_class)
    params = table_params(request.GET, table_class, preference.per_page if preference else None)
    table: NexudusTable | None = None
    problem: UpstreamProblem | None = None
    if form.is_valid():
        query = form.to_query(page=params.page, size=params.per_page)
        table, problem = attempt(lambda: build_table(table_class, search=search, query=query, params=params), role=role)
        if table is not None:
            apply_columns(table, preference)
            params = dataclasses.replace(params, page=table.page.number)  # after any fall-back
    # Sort and page links, the pushed URL and saved views carry the clean, clamped state, not request.GET.
    state = canonical_query(request, form.fields, params)
    if table is not None:
        table.query_state = state
    context = {
        "form": form,
        "table": table,
        "problem": problem,
        "params": params,
        "search_query": state,
        "page_sizes": page_sizes(),
        "has_filters": bool(form.is_valid() and form.active_filters),
        **preference_context(table_class, preference),
        **({"export": export_link()} if export is not None else {}),
        **(extra_context or {}),
    }
    if wants_fragment(request):
        return search_response(request, render(request, f"{template_name}#{partial_name}", context), state)
    return render(request, template_name, context)
