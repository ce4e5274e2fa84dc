"""A search streamed as CSV, one upstream page per chunk, the next pages fetched ahead, capped, never
silently truncated (see docs/architecture.md, "CSV export")."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from dashboard.core.problems import describe_upstream_error
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusError, NexudusRateLimited
from dashboard.nexudus.queries import MAX_PAGE_SIZE, SearchQuery
from dashboard.nexudus.records import Page
from dashboard.runtime.pool import Outcome, submit

from .cells import ExportColumn, csv_rows, csv_text, neutralise

DEFAULT_MAX_ROWS = 20_000
# Two pages in flight: their round trips overlap, so at 100 ms upstream a file takes about as long as its
# pages take to format, not one round trip each (issue 20); still far inside Nexudus's 10 reads per 100 ms.
DEFAULT_PAGES_AHEAD = 2
DEFAULT_RETRIES = 3
DEFAULT_WAIT = 2.0  # seconds, when a 429 does not say how long
MAX_WAIT = 30.0  # never park a download longer than this on one Retry-After
_sleep = time.sleep  # tests replace this to observe waits without waiting


def max_rows_setting() -> int:
    return int(getattr(settings, "EXPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def pages_ahead_setting() -> int:
    return max(1, int(getattr(settings, "EXPORT_PAGES_AHEAD", DEFAULT_PAGES_AHEAD)))


def page_size_setting() -> int:
    return max(1, min(int(getattr(settings, "EXPORT_PAGE_SIZE", MAX_PAGE_SIZE)), MAX_PAGE_SIZE))


def fetch_page(search: Callable[[Any], Page[Any]], query: SearchQuery, *, retries: int | None = None) -> Page[Any]:
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
class Progress:
    rows: int = 0
    complete: bool = False
    stopped: str = ""  # why the file ended before the last matching row
    recorded: bool = False


class ExportStream:
    """The response body: CSV chunks, one per page; audits once, however the download ends."""

    def __init__(self, chunks: Iterator[str], finish: Callable[[], None]) -> None:
        self._chunks = chunks
        self._finish = finish

    def __iter__(self) -> ExportStream:
        return self

    def __next__(self) -> str:
        try:
            return next(self._chunks)
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
    search: Callable[[Any], Page[Any]],
    query: SearchQuery,
    columns: Sequence[ExportColumn],
    first_page: Page[Any] | None = None,
    max_rows: int | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    """The CSV: the header row, then one chunk per upstream page, then (if the file is not the whole
    result) a last line starting with `#` saying why. `query.size` is the page size used.

    Fetches ahead: as soon as a page is here, the next EXPORT_PAGES_AHEAD pages (2) are requested on the
    fan-out pool, and are on their way while this one is formatted and sent. Only pages sure to be needed
    (within the result and below the row cap) are requested, so no page is fetched for nothing, and at most
    that many pages, plus the one being written, are held at once."""
    max_rows = max_rows_setting() if max_rows is None else max_rows
    progress = progress if progress is not None else Progress()
    write_rows = csv_rows(columns, timezone.get_current_timezone())
    depth = pages_ahead_setting()
    ahead: dict[int, Future[Outcome[Page[Any]]]] = {}  # page number -> its fetch in flight
    requested_up_to = query.page  # the highest page asked for so far

    def fetch_ahead(current: Page[Any]) -> None:
        nonlocal requested_up_to
        if not (current.has_next and current.items):
            return
        pages = math.ceil(current.total_items / query.size) if current.total_items else current.page + 1
        for number in range(max(current.page, requested_up_to) + 1, current.page + depth + 1):
            rows_before = progress.rows + len(current.items) + (number - current.page - 1) * query.size
            if (number > current.page + 1 and number > pages) or rows_before >= max_rows:
                return
            next_query = dataclasses.replace(query, page=number)
            ahead[number] = submit(lambda q=next_query: fetch_page(search, q))  # type: ignore[misc]
            requested_up_to = number

    def next_page(number: int) -> Page[Any]:
        pending = ahead.pop(number, None)
        if pending is not None:
            fetched: Page[Any] = pending.result().get()  # the fetch's own error, if it failed
            return fetched
        return fetch_page(search, dataclasses.replace(query, page=number))

    try:
        page = first_page
        if page is not None:
            fetch_ahead(page)
        yield "\ufeff" + csv_text([[_header(c, timezone.get_current_timezone_name()) for c in columns]])
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
                fetch_ahead(page)
            kept: list[Any] = []
            capped = False
            room = max_rows - progress.rows
            for item in page.items:
                item_id = getattr(item, "id", None)
                if item_id is not None and item_id in seen:
                    continue
                if len(kept) >= room:
                    capped = True
                    break
                if item_id is not None:
                    seen.add(item_id)
                kept.append(item)
            progress.rows += len(kept)
            if kept:
                yield write_rows(kept)
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
        for pending in ahead.values():
            pending.cancel()  # a download stopped early: a fetch not started yet is not made


def _header(column: ExportColumn, zone: str) -> str:
    return neutralise(column.header.replace("{zone}", zone))


def _last_line(text: str) -> str:
    # One cell, quoted by the csv module if needed; "#" keeps it from reading as data.
    return csv_text([["# " + text.replace("\r", " ").replace("\n", " ")]])
