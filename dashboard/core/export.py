"""Streaming CSV export of any Nexudus search: exactly the current filters and sort, every page.

- At most two pages in memory: pages of `EXPORT_PAGE_SIZE` (default 1000, the largest Nexudus allows)
  are fetched as the file is written, one CSV chunk per page, so memory stays flat however many rows.
  While page N is formatted and sent, page N+1 is already being fetched on the fan-out pool (one fetch
  ahead, never more), so the export takes about the time of the upstream fetches, not fetch + write.
- A row cap (`EXPORT_MAX_ROWS`, default 20,000) that the UI states before download
  (`core/_export_link.html`); a capped file says so on its last line.
- Within throttling limits: on `NexudusRateLimited` the page is retried after `retry_after` (bounded),
  at most `EXPORT_RETRIES` times. A page that still fails ends the file with "# export incomplete: …",
  never a silent truncation. A failure on the FIRST page is a normal problem page (nothing to download).
- Spreadsheet-safe cells: money as plain decimals (a separate currency column), dates as
  `YYYY-MM-DD HH:MM:SS` in the dashboard's time zone (named in the header: ISO 8601 date and time with
  the space separator RFC 3339 allows, which Excel, LibreOffice and Google Sheets all read as a date),
  tokens masked, and text beginning with `=`, `+`, `-`, `@`, tab or CR prefixed with `'` (numbers are
  never touched). UTF-8 with a byte-order mark, so Excel reads accents and the mask dots right.
- Every export is recorded in the audit trail (rows written, complete or why not).

Wiring a listing: `export_search_csv(request, form_class=…, table_class=…, search=…, columns=…,
resource=…, filename_prefix=…)` when `request.GET["export"] == "csv"`; column specs for the two listings
are `payment_token_export_columns()` and `ledger_entry_export_columns()` below.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from dashboard.audit.models import AuditRecord
from dashboard.audit.services import record as audit_record
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError, NexudusRateLimited
from dashboard.nexudus.queries import MAX_PAGE_SIZE, SearchQuery
from dashboard.nexudus.records import Page

from .forms import SearchForm
from .frame_stack import with_roomy_frame_stack
from .listing import render_search, table_params
from .tables import NexudusTable, NexudusTableData
from .upstream import describe_upstream_error, render_upstream_problem_page

logger = logging.getLogger(__name__)

DEFAULT_MAX_ROWS = 20_000
DEFAULT_RETRIES = 3
DEFAULT_WAIT = 2.0  # seconds, when a 429 does not say how long
MAX_WAIT = 30.0  # never park a download longer than this on one Retry-After
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_sleep = time.sleep  # tests replace this to observe waits without waiting


def export_max_rows() -> int:
    return int(getattr(settings, "EXPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def export_page_size() -> int:
    return max(1, min(int(getattr(settings, "EXPORT_PAGE_SIZE", MAX_PAGE_SIZE)), MAX_PAGE_SIZE))


@dataclass(frozen=True)
class ExportColumn:
    header: str
    value: Callable[[Any], object]  # record -> raw value (Decimal, datetime, int, str, enum, bool, None)


@dataclass(frozen=True)
class ExportLink:
    """What `core/_export_link.html` shows: pass `export_link()` as `export` in the listing's context."""

    max_rows: int

    @property
    def label(self) -> str:
        return f"Export CSV (up to {self.max_rows:,} rows)"


def export_link() -> ExportLink:
    return ExportLink(max_rows=export_max_rows())


# --- cells ---------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula starts with a `'` instead (OWASP CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return neutralise(str(getattr(value, "label", value.name)))
    if isinstance(value, Decimal):
        return format(value, "f")  # plain digits: no exponent, no grouping
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, datetime):
        moment = value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def fast_csv_cell(zone: tzinfo) -> Callable[[object], str]:
    """`csv_cell` for one export: the time zone looked up once (not per cell), and the common types
    formatted through a lookup on their exact type; anything else (enums, subclasses) goes to `csv_cell`."""

    def moment(value: datetime) -> str:
        local = (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone(zone)
        if local.year < 1000:  # keep strftime's own (unpadded) year
            return local.strftime("%Y-%m-%d %H:%M:%S")
        return local.isoformat(sep=" ", timespec="seconds")[:19]

    by_type: dict[type, Callable[[Any], str]] = {
        type(None): lambda value: "",
        str: neutralise,
        int: str,
        bool: lambda value: "true" if value else "false",
        Decimal: lambda value: format(value, "f"),
        datetime: moment,
    }

    def cell(value: object) -> str:
        formatter = by_type.get(type(value))
        if formatter is not None:
            return formatter(value)
        if isinstance(value, datetime):
            return moment(value)
        return csv_cell(value)

    return cell


def _csv_text(rows: Sequence[Sequence[object]], cell: Callable[[object], str] = csv_cell) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([[cell(v) for v in row] for row in rows])
    return buffer.getvalue()


# --- fetching and streaming ------------------------------------------------------------------------


def fetch_page(search: Callable[[Any], Page], query: SearchQuery, *, retries: int | None = None) -> Page:
    """One page, waiting out throttling (bounded) before trying the same page again."""
    retries = int(getattr(settings, "EXPORT_RETRIES", DEFAULT_RETRIES)) if retries is None else retries
    attempt = 0
    while True:
        try:
            return search(query)
        except NexudusRateLimited as error:
            if attempt >= retries:
                raise
            attempt += 1
            wait = error.retry_after if error.retry_after is not None and error.retry_after >= 0 else DEFAULT_WAIT
            _sleep(min(wait, MAX_WAIT))


@dataclass
class _Progress:
    rows: int = 0
    complete: bool = False
    stopped: str = ""  # why the file ended before the last matching row
    recorded: bool = False


class _ExportStream:
    """The response body: CSV chunks, one per page; audits once, however the download ends."""

    def __init__(self, chunks: Iterator[str], finish: Callable[[], None]) -> None:
        self._chunks = chunks
        self._finish = finish

    def __iter__(self) -> _ExportStream:
        return self

    def __next__(self) -> str:
        try:
            # Each chunk is made after the view returned: give it the same frame-stack room as a request.
            return with_roomy_frame_stack(next, self._chunks)
        except StopIteration:
            self._finish()  # the whole file was read: record it now, not only when the server closes us
            raise

    def close(self) -> None:
        try:
            self._chunks.close()  # type: ignore[attr-defined]
        finally:
            self._finish()


def csv_chunks(
    *,
    search: Callable[[Any], Page],
    query: SearchQuery,
    columns: Sequence[ExportColumn],
    first_page: Page | None = None,
    max_rows: int | None = None,
    progress: _Progress | None = None,
) -> Iterator[str]:
    """The CSV: the header row, then one chunk per upstream page, then (if the file is not the whole
    result) a last line starting with `#` saying why. `query.size` is the page size used.

    One fetch ahead: as soon as a page is here, the next one is requested on the fan-out pool, and is
    on its way while this one is formatted and sent. Only when it is sure to be needed (a page that may
    reach the row cap starts none), so no page is ever fetched for nothing, and at most two pages are
    held at once."""
    from dashboard.lookup.concurrency import submit

    max_rows = export_max_rows() if max_rows is None else max_rows
    progress = progress if progress is not None else _Progress()
    zone = timezone.get_current_timezone()
    cell = fast_csv_cell(zone)
    ahead: tuple[int, Future] | None = None  # (page number, its fetch in flight)

    def fetch_ahead(current: Page) -> tuple[int, Future] | None:
        if not (current.has_next and current.items) or progress.rows + len(current.items) >= max_rows:
            return None
        next_query = dataclasses.replace(query, page=current.page + 1)
        return next_query.page, submit(lambda: fetch_page(search, next_query))

    def next_page(number: int) -> Page:
        nonlocal ahead
        pending, ahead = ahead, None
        if pending is not None and pending[0] == number:
            return pending[1].result().get()  # the fetch's own error, if it failed
        if pending is not None:
            pending[1].cancel()
        return fetch_page(search, dataclasses.replace(query, page=number))

    try:
        page = first_page
        if page is not None:
            ahead = fetch_ahead(page)
        yield "\ufeff" + _csv_text([[_header(c, timezone.get_current_timezone_name()) for c in columns]])
        seen: set[int] = set()  # offset paging shifts when records arrive mid-export: never write one twice
        page_number = query.page
        while True:
            if page is None:
                try:
                    page = next_page(page_number)
                except NexudusAuthExpired:
                    progress.stopped = "your Nexudus session ended; sign in again and export again"
                    yield _last_line(f"export incomplete: {progress.stopped} ({progress.rows:,} rows written)")
                    return
                except NexudusError as error:
                    problem = describe_upstream_error(error)
                    progress.stopped = f"{problem.title}. {problem.explanation}".strip()
                    yield _last_line(f"export incomplete: {progress.stopped} ({progress.rows:,} rows written)")
                    return
                ahead = fetch_ahead(page)
            rows, capped = [], False
            for item in page.items:
                item_id = getattr(item, "id", None)
                if item_id is not None and item_id in seen:
                    continue
                if progress.rows + len(rows) >= max_rows:
                    capped = True
                    break
                if item_id is not None:
                    seen.add(item_id)
                rows.append([c.value(item) for c in columns])
            progress.rows += len(rows)
            if rows:
                yield _csv_text(rows, cell)
            if capped or (progress.rows >= max_rows and page.has_next):
                progress.stopped = f"stopped at the {max_rows:,}-row limit; {page.total_items:,} rows match"
                yield _last_line(f"export incomplete: {progress.stopped}. Narrow the filters to export the rest.")
                return
            if not page.has_next or not page.items:
                progress.complete = True
                return
            page_number = page.page + 1
            page = None
    finally:
        if ahead is not None:
            ahead[1].cancel()  # a download stopped early: a fetch not started yet is not made


def _header(column: ExportColumn, zone: str) -> str:
    return neutralise(column.header.replace("{zone}", zone))


def _last_line(text: str) -> str:
    # One cell, quoted by the csv module if needed; "#" keeps it from reading as data.
    return _csv_text([["# " + text.replace("\r", " ").replace("\n", " ")]])


def csv_export_response(
    request: HttpRequest,
    *,
    search: Callable[[Any], Page],
    query: SearchQuery,
    columns: Sequence[ExportColumn],
    resource: str,
    filename_prefix: str,
    role: str | None = None,
) -> HttpResponse:
    """Stream `search(query)` (all pages from `query.page`) as a CSV download, audited."""
    query = dataclasses.replace(query, page=1, size=export_page_size())
    summary = {"filters": query, "max_rows": export_max_rows()}
    try:
        first = fetch_page(search, query)
    except NexudusAuthExpired:
        raise
    except NexudusError as error:
        _audit(request, resource, summary, AuditRecord.Outcome.FAILED, {"rows": 0, "stopped": error.message})
        return render_upstream_problem_page(
            request, describe_upstream_error(error, role=role), title="The export could not start"
        )
    progress = _Progress()

    def finish() -> None:
        if progress.recorded:
            return
        progress.recorded = True
        if progress.complete or progress.stopped.startswith("stopped at the"):
            outcome = AuditRecord.Outcome.SUCCESS
        else:
            outcome = AuditRecord.Outcome.FAILED
            progress.stopped = progress.stopped or "the download was stopped before the end"
        answer = {"rows": progress.rows, "complete": progress.complete, "stopped": progress.stopped}
        _audit(request, resource, summary, outcome, answer)

    chunks = csv_chunks(search=search, query=query, columns=columns, first_page=first, progress=progress)
    response = StreamingHttpResponse(_ExportStream(chunks, finish), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename_prefix}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # let a proxy pass each page on as it comes
    return response


def _audit(request: HttpRequest, resource: str, summary: dict, outcome: str, answer: dict) -> None:
    audit_record(
        user=request.user,
        action=AuditRecord.Action.EXPORT,
        resource=resource,
        outcome=outcome,
        request_summary=summary,
        answer_summary=answer,
        request_id=getattr(request, "request_id", None),
    )


def export_search_csv(
    request: HttpRequest,
    *,
    form_class: type[SearchForm],
    table_class: type[NexudusTable],
    search: Callable[[Any], Page],
    columns: Sequence[ExportColumn],
    resource: str,
    filename_prefix: str,
    role: str | None = None,
) -> HttpResponse:
    """The `?export=csv` branch of a listing view: the same `SearchForm` validation and column sort as
    the table (`core.listing`), all pages. Invalid filters go back to the listing, which shows why."""
    form = form_class(request.GET)
    if not form.is_valid():
        query_string = request.GET.copy()
        query_string.pop("export", None)
        return redirect(f"{request.path}?{query_string.urlencode()}")
    params = table_params(request.GET, table_class)
    query = form.to_query(page=1, size=export_page_size())
    # The table translates its sort alias into the query's order_by exactly as it does for the listing.
    table = table_class(NexudusTableData(search=search, query=query), order_by=params.sort)
    return csv_export_response(
        request,
        search=search,
        query=table.data.query,
        columns=columns,
        resource=resource,
        filename_prefix=filename_prefix,
        role=role,
    )


# --- the column specs of the two listings -------------------------------------------------------------


def _label(enum_value: Any) -> str | None:
    return enum_value.label if enum_value is not None else None


def payment_token_export_columns() -> list[ExportColumn]:
    """Search records omit the provider (documented), so the export does too, like the table."""
    return [
        ExportColumn("Id", lambda t: t.id),
        ExportColumn("Coworker invoice ID", lambda t: t.coworker_invoice_id),
        ExportColumn("Token (masked)", lambda t: t.masked_token),
        ExportColumn("Notes", lambda t: t.notes),
        ExportColumn("Created ({zone})", lambda t: t.created_on),
        ExportColumn("Updated ({zone})", lambda t: t.updated_on),
        ExportColumn("Updated by", lambda t: t.updated_by),
    ]


def ledger_entry_export_columns() -> list[ExportColumn]:
    return [
        ExportColumn("Id", lambda e: e.id),
        ExportColumn("Transaction date ({zone})", lambda e: e.transaction_date),
        ExportColumn("Customer ID", lambda e: e.coworker_id),
        ExportColumn("Customer", lambda e: e.coworker_full_name),
        ExportColumn("Business ID", lambda e: e.business_id),
        ExportColumn("Business", lambda e: e.business_name),
        ExportColumn("Invoice ID", lambda e: e.coworker_invoice_id),
        ExportColumn("Invoice number", lambda e: e.invoice_number),
        ExportColumn("Description", lambda e: e.description),
        ExportColumn("Code", lambda e: e.code),
        ExportColumn("Debit", lambda e: e.debit),
        ExportColumn("Credit", lambda e: e.credit),
        ExportColumn("Balance", lambda e: e.balance),
        ExportColumn("Currency", lambda e: e.currency_code),
        ExportColumn("Payment gateway", lambda e: _label(e.payment_gateway)),
        ExportColumn("Payment method number", lambda e: e.payment_method_number),
        ExportColumn("Billed", lambda e: e.billed),
        ExportColumn("Connected transaction GUID", lambda e: e.connected_transaction_guid),
        ExportColumn("Created ({zone})", lambda e: e.created_on),
        ExportColumn("Updated ({zone})", lambda e: e.updated_on),
        ExportColumn("Updated by", lambda e: e.updated_by),
    ]


@dataclass(frozen=True)
class CsvExport:
    """What a search page exports: its columns, the audited resource name and the file name prefix."""

    columns: Sequence[ExportColumn]
    resource: str
    filename_prefix: str


def render_search_with_export(
    request: HttpRequest,
    *,
    export: CsvExport,
    form_class: type[SearchForm],
    table_class: type[NexudusTable],
    search: Callable[[Any], Page],
    template_name: str,
    role: str | None = None,
) -> HttpResponse:
    """A search page (`core.listing.render_search`) whose `?export=csv` streams every page of the very same
    search as CSV, and whose results offer that link with the row cap stated."""
    if request.GET.get("export") == "csv":
        return export_search_csv(
            request, form_class=form_class, table_class=table_class, search=search, columns=export.columns,
            resource=export.resource, filename_prefix=export.filename_prefix, role=role,
        )
    return render_search(
        request, form_class=form_class, table_class=table_class, search=search, template_name=template_name,
        role=role, extra_context={"export": export_link()},
    )
