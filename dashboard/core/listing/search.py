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
from dashboard.core.preferences import (
    TableChoice,
    apply_columns,
    can_save_view,
    column_choices,
    preference_for,
    save_per_page,
)
from dashboard.core.problems import UpstreamProblem, attempt
from dashboard.core.tables import NexudusTable, NexudusTableData

from .query import TableParams, canonical_query, chosen_per_page, page_sizes, table_params


def remember_table_choices(request: HttpRequest, table_class: type[Any]) -> TableChoice | None:
    """The person's preference for this table; a page size chosen under the table (`remember=per_page`)
    is stored first."""
    key = getattr(table_class, "preference_key", None)
    user = getattr(request, "user", None)
    if not key or user is None or not user.is_authenticated:
        return None
    if (chosen := chosen_per_page(request.GET)) is not None:
        save_per_page(user, key, chosen)
    return preference_for(user, key)


def preference_context(table_class: type[Any], preference: TableChoice | None) -> dict[str, Any]:
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


#: `?filters=open`: a page part's filters shown open (and, for htmx, only its filter form; see `filters_fragment`).
FILTERS_PARAM = "filters"


def filters_fragment(request: HttpRequest, form: SearchForm, **context: Any) -> HttpResponse | None:
    """The filter form alone, when a folded page part's filters are opened (htmx, `?filters=open`): no
    search, no upstream call. None for any other request."""
    if not (wants_fragment(request) and request.GET.get(FILTERS_PARAM) == "open"):
        return None
    return render(request, "core/_filters.html", {"form": form, **context})


@dataclasses.dataclass
class SearchListing:
    """One render of a search page, in the steps `render_search` takes, for a page that shows more around its
    results (a customer's ledger): the person's table choices and paging, the query of the valid filters,
    the table (one upstream search), the context the shared templates read, and the page or `#results`."""

    request: HttpRequest
    form: SearchForm
    table_class: type[NexudusTable]
    preference: TableChoice | None
    params: TableParams

    @classmethod
    def start(cls, request: HttpRequest, form: SearchForm, table_class: type[NexudusTable]) -> SearchListing:
        preference = remember_table_choices(request, table_class)
        params = table_params(request.GET, table_class, preference.per_page if preference else None)
        return cls(request, form, table_class, preference, params)

    def query(self) -> Any | None:
        """The query of the valid filters, for the page asked for; None when a filter is wrong."""
        if not self.form.is_valid():
            return None
        return self.form.to_query(page=self.params.page, size=self.params.per_page)

    def fetch(
        self, *, search: Callable[[Any], Any], query: Any, role: str | None = None
    ) -> tuple[NexudusTable | None, UpstreamProblem | None]:
        """The table of `query` (a Nexudus failure becomes the problem shown instead)."""
        table, problem = attempt(
            lambda: build_table(self.table_class, search=search, query=query, params=self.params), role=role
        )
        if table is not None:
            apply_columns(table, self.preference)
            self.params = dataclasses.replace(self.params, page=table.page.number)  # after any fall-back
        return table, problem

    def context(
        self,
        table: NexudusTable | None,
        problem: UpstreamProblem | None,
        *,
        export: CsvExport | None = None,
        filter_panel: str = "narrow",
    ) -> dict[str, Any]:
        """What `core/_search_form.html` and `core/_results.html` read. `filter_panel`: the screens on which
        the filters fold away while there are results and no filter is wrong ("narrow": phones; "always").
        Folded "always", the fields are only rendered when the fold is opened (`filters_fragment`): a page
        part's filters cost its page nothing until they are wanted."""
        # Sort and page links, the pushed URL and saved views carry the clean, clamped state, not request.GET.
        state = canonical_query(self.request, self.form.fields, self.params, data=self.form.data)
        if table is not None:
            table.query_state = state
        has_results = table is not None and bool(table.paginator.count)
        folded = has_results and not self.form.errors and self.request.GET.get(FILTERS_PARAM) != "open"
        lazy: dict[str, Any] = {}
        if folded and filter_panel == "always":
            opened = state.copy()
            opened[FILTERS_PARAM] = "open"
            lazy = {
                "filters_url": f"{self.request.path}?{opened.urlencode()}",
                "filter_state": [(name, state[name]) for name in self.form.fields if name in state],
            }
        return {
            "form": self.form,
            "table": table,
            "problem": problem,
            "params": self.params,
            "search_query": state,
            "page_sizes": page_sizes(),
            "has_filters": bool(self.form.is_valid() and self.form.filters_set),
            "filter_panel": filter_panel,
            "filters_folded": folded,
            **lazy,
            **preference_context(self.table_class, self.preference),
            **({"export": export_link()} if export is not None else {}),
        }

    def respond(self, template_name: str, context: dict[str, Any], partial_name: str = "results") -> HttpResponse:
        """The page, or for htmx its `#results` with the search's canonical URL pushed."""
        if wants_fragment(self.request):
            response = render(self.request, f"{template_name}#{partial_name}", context)
            return search_response(self.request, response, context["search_query"])
        return render(self.request, template_name, context)


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
    listing = SearchListing.start(request, form_class(request.GET, search_url=request.path), table_class)
    table: NexudusTable | None = None
    problem: UpstreamProblem | None = None
    if (query := listing.query()) is not None:
        table, problem = listing.fetch(search=search, query=query, role=role)
    context = {**listing.context(table, problem, export=export), **(extra_context or {})}
    return listing.respond(template_name, context, partial_name)
