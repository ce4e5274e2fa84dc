"""django-tables2 over Nexudus searches: a remote `TableData` adapter (one upstream search per render) and
the htmx-aware base table, which also declares its CSV columns."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import django_tables2 as tables
from django.conf import settings
from django.http import QueryDict
from django.utils.safestring import SafeString
from django_tables2.data import TableData
from django_tables2.utils import OrderBy, OrderByTuple

from dashboard.nexudus.queries import SearchQuery
from dashboard.nexudus.records import Page

from .export.cells import ExportColumn

#: One CSV column: a table column's name, (name, header), (name, header, value), or an ExportColumn.
CsvSpec = str | tuple[str, str] | tuple[str, str, Callable[[Any], object]] | ExportColumn

#: The id of the element that sort/page/filter requests replace (see `templates/core/_results.html`).
RESULTS_ID = "results"
#: The id of the filter form; controls rendered inside the results (sort, page size) belong to it.
SEARCH_FORM_ID = "search-form"


class NexudusTableData(TableData):  # type: ignore[misc]  # django-tables2 ships no types
    """Remote table data: one page of a Nexudus search, fetched once, lazily, on first use.

    `search` is a selector bound to a client, e.g. `lambda q: payment_token_list(client=c, query=q)`.
    `query` already carries the page and size the person asked for; `order_by()` (called by the table)
    replaces its sort. Out-of-range pages make the paginator ask for the last page: that one case costs a
    second call.
    """

    def __init__(self, *, search: Callable[[Any], Page[Any]], query: SearchQuery) -> None:
        super().__init__(data=[])
        self.search = search
        self.query = query
        self._page: Page[Any] | None = None

    # --- what tables2 calls -----------------------------------------------------------------------
    def order_by(self, aliases: OrderByTuple) -> None:
        """Use the first sort alias only (Nexudus sorts by one property), translated through the column's
        own `order_by` accessor (defaults to the column name, which is the record attribute)."""
        if self._page is not None:
            raise RuntimeError("Sort must be set before the page is fetched.")
        if not aliases:
            self.query = dataclasses.replace(self.query, order_by=None, descending=False)
            return
        alias = OrderBy(str(aliases[0]))
        bound_column = self.table.columns[alias.bare]
        declared = bound_column.column.order_by
        accessor = OrderBy(str(declared[0] if declared else bound_column.accessor))
        descending = alias.is_descending != accessor.is_descending
        self.query = dataclasses.replace(self.query, order_by=accessor.bare, descending=descending)

    def __len__(self) -> int:
        return self.page.total_items

    def __iter__(self) -> Iterator[Any]:
        return iter(self.page.items)

    def __getitem__(self, key: int | slice) -> Any:
        if not isinstance(key, slice):
            return self.page.items[key]
        size = self.query.size
        start = key.start or 0
        if start % size:
            raise AssertionError(f"Slice {key} is not aligned with Nexudus pages of {size}.")
        wanted_page = start // size + 1
        if wanted_page != self.page.page:
            # Only reached when the requested page was past the end and the paginator fell back.
            self.query = dataclasses.replace(self.query, page=wanted_page)
            self._page = None
        stop = key.stop if key.stop is not None else start + size
        return self.page.items[: stop - start]

    @property
    def ordering(self) -> None:
        return None

    # --- ours ---------------------------------------------------------------------------------------
    @property
    def page(self) -> Page[Any]:
        """The fetched page (fetching it on first use). Upstream errors propagate to the view."""
        if self._page is None:
            self._page = self.search(self.query)
        return self._page

    @property
    def fetched(self) -> bool:
        return self._page is not None


class NexudusTable(tables.Table):  # type: ignore[misc]  # django-tables2 ships no types
    """Base for every listing. Subclasses declare every column explicitly and mark columns Nexudus cannot
    sort with `orderable=False`. Set `caption` (read by screen readers) and, optionally, `empty_hint`."""

    caption = "Results"
    empty_hint = "Try fewer filters, a wider date range, or part of a word instead of the whole of it."

    class Meta:
        template_name = "core/_table.html"
        attrs = {"class": "striped"}
        orderable = True
        empty_text = "No results."  # shown through core/_table.html's own empty state
        # Column headers are plain text; `scope="col"` is added by the template.

    results_id = RESULTS_ID
    search_form_id = SEARCH_FORM_ID
    #: Names this table's per-person preferences and saved views (`core.preferences`); None: not remembered.
    preference_key: str | None = None
    #: Columns the column chooser cannot hide (the link to the record).
    always_visible: tuple[str, ...] = ("id",)
    #: The search's clean query string, which sort and page links build on (None: the request's own).
    query_state: QueryDict | None = None

    #: The CSV export, in file order, next to the columns it shares (see `export_columns()`).
    csv: ClassVar[tuple[CsvSpec, ...]] = ()

    @classmethod
    def export_columns(cls) -> list[ExportColumn]:
        """The CSV columns: each entry of `csv` is a column of this table by name (its header and its
        record attribute), `(name, header)` or `(name, header, value)` where the file says or holds it
        differently, or an `ExportColumn` of data the table does not show."""
        columns = []
        for spec in cls.csv:
            if isinstance(spec, ExportColumn):
                columns.append(spec)
                continue
            name, header, value = (spec, None, None) if isinstance(spec, str) else (*spec, None)[:3]
            column = cls.base_columns[name]  # a KeyError here is a typo in `csv`
            accessor = str(column.accessor or name)
            columns.append(ExportColumn(str(header or column.verbose_name), value or operator.attrgetter(accessor)))
        return columns

    @property
    def page_sizes(self) -> tuple[int, ...]:
        """The page sizes offered (settings.TABLE_PAGE_SIZES); the listing clamps to them."""
        return tuple(sorted(getattr(settings, "TABLE_PAGE_SIZES", (25, 50, 100))))

    @property
    def summary(self) -> str:
        """'Showing 26–50 of 1,234', or 'No results'."""
        if not hasattr(self, "page"):
            return ""
        total = self.paginator.count
        if not total:
            return "No results"
        first = self.page.start_index()
        last = self.page.end_index()
        return f"Showing {first:,}–{last:,} of {total:,}"

    # --- performance: the compact tbody (templates/core/_table.html, block table.tbody) ---------------
    def compact_tbody(self) -> SafeString:
        """The page's `<tbody>` rendered in plain Python with per-column plans (td attributes, render
        function, link) computed once per render instead of per cell; "" when there are no rows. Same
        HTML semantics as tables2's own tbody. See `core.table_body`."""
        from .table_body import compact_tbody

        return compact_tbody(self)
