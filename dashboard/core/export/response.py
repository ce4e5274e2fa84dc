"""The CSV download of a search page (`?export=csv`): validation, the streamed response, and the
`on_finished` report that the feature files (its audit trail)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone

from dashboard.core.forms import SearchForm
from dashboard.core.listing.query import table_params
from dashboard.core.problems import describe_upstream_error, render_upstream_problem_page
from dashboard.core.tables import NexudusTable, NexudusTableData
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError
from dashboard.nexudus.queries import SearchQuery
from dashboard.nexudus.records import Page

from .cells import ExportColumn
from .stream import ExportStream, Progress, csv_chunks, fetch_page, max_rows_setting, page_size_setting


@dataclass(frozen=True)
class ExportReport:
    """How one export ended, for `on_finished`: written once per download, however it ended."""

    resource: str
    query: SearchQuery
    max_rows: int
    succeeded: bool  # the whole result, or stopped at the row cap (said so in the file)
    answer: dict[str, Any] = field(default_factory=dict)  # rows written, complete, why it stopped

    @property
    def request_summary(self) -> dict[str, Any]:
        return {"filters": self.query, "max_rows": self.max_rows}


#: Called once when an export ends: (the request, its report). Features wire it to the audit trail.
OnFinished = Callable[[HttpRequest, ExportReport], None]


@dataclass(frozen=True)
class ExportLink:
    """What `core/_export_link.html` shows: pass `export_link()` as `export` in the listing's context."""

    max_rows: int

    @property
    def label(self) -> str:
        return f"Export CSV (up to {self.max_rows:,} rows)"


def export_link() -> ExportLink:
    return ExportLink(max_rows=max_rows_setting())


@dataclass(frozen=True)
class CsvExport:
    """What a search page exports (columns: its table's `export_columns()`): the resource name for the
    report, the file name prefix, and who hears how it ended."""

    resource: str
    filename_prefix: str
    on_finished: OnFinished | None = None


def csv_export_response(
    request: HttpRequest,
    *,
    search: Callable[[Any], Page[Any]],
    query: SearchQuery,
    columns: Sequence[ExportColumn],
    resource: str,
    filename_prefix: str,
    role: str | None = None,
    on_finished: OnFinished | None = None,
) -> HttpResponseBase:
    """Stream `search(query)` (all pages from `query.page`) as a CSV download; `on_finished` hears once
    how it ended."""
    query = dataclasses.replace(query, page=1, size=page_size_setting())
    max_rows = max_rows_setting()

    def report(succeeded: bool, answer: dict[str, Any]) -> None:
        if on_finished is not None:
            on_finished(request, ExportReport(resource, query, max_rows, succeeded, answer))

    try:
        first = fetch_page(search, query)
    except NexudusAuthExpired:
        raise
    except NexudusError as error:
        report(False, {"rows": 0, "stopped": error.message})
        return render_upstream_problem_page(
            request, describe_upstream_error(error, role=role), title="The export could not start"
        )
    progress = Progress()

    def finish() -> None:
        if progress.recorded:
            return
        progress.recorded = True
        succeeded = progress.complete or progress.stopped.startswith("stopped at the")
        if not succeeded:
            progress.stopped = progress.stopped or "the download was stopped before the end"
        report(succeeded, {"rows": progress.rows, "complete": progress.complete, "stopped": progress.stopped})

    chunks = csv_chunks(search=search, query=query, columns=columns, first_page=first, progress=progress)
    response = StreamingHttpResponse(ExportStream(chunks, finish), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename_prefix}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # let a proxy pass each page on as it comes
    return response


def export_search_csv(
    request: HttpRequest,
    *,
    form_class: type[SearchForm] | None = None,
    form: SearchForm | None = None,
    table_class: type[NexudusTable],
    search: Callable[[Any], Page[Any]],
    resource: str,
    filename_prefix: str,
    columns: Sequence[ExportColumn] | None = None,
    role: str | None = None,
    on_finished: OnFinished | None = None,
) -> HttpResponseBase:
    """The `?export=csv` branch of a search page: the same `SearchForm` validation and column sort as the
    table, all pages, the table's own export columns. Invalid filters go back to the listing, which shows
    why. `form`: the page's own bound form, when it needs more than the request to build (else `form_class`)."""
    if form is None:
        if form_class is None:
            raise TypeError("export_search_csv needs a form or a form_class.")
        form = form_class(request.GET)
    if not form.is_valid():
        query_string = request.GET.copy()
        query_string.pop("export", None)
        return redirect(f"{request.path}?{query_string.urlencode()}")
    params = table_params(request.GET, table_class)
    query = form.to_query(page=1, size=page_size_setting())
    # The table translates its sort alias into the query's order_by exactly as it does for the listing.
    table = table_class(NexudusTableData(search=search, query=query), order_by=params.sort)
    return csv_export_response(
        request,
        search=search,
        query=table.data.query,
        columns=table_class.export_columns() if columns is None else columns,
        resource=resource,
        filename_prefix=filename_prefix,
        role=role,
        on_finished=on_finished,
    )
