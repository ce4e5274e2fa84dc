"""Regression tests for the classes of 500 that hostile input found (issue 22), one group per class:
non-ASCII digits, calendar-edge dates, non-UTF-8 charsets (and the 400 handler), outage lockout."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from dashboard.audit.forms import AuditFilterForm
from dashboard.core import params, views
from dashboard.ledger.forms import LedgerEntrySearchForm
from dashboard.payment_tokens.forms import PaymentTokenForm
from tests.conftest import sign_in
from tests.upstream_spy import upstream_spy  # noqa: F401 (fixture)

INVOICE = 300001
# Digits `str.isdigit()` accepts that `int()` refuses (superscript, circled), and ones `int()` reads as
# numbers though they are not ASCII (Arabic-Indic, fullwidth, mathematical bold): none is an id here.
NON_ASCII_DIGITS = ["²", "¹²³", "①", "١٢", "１２", "𝟏𝟐", "1²", "#²", "1_000"]
HTTP_SAMPLE = ["²", "①", "١٢", "𝟏𝟐"]  # each kind once: superscript, circled, Arabic-Indic, mathematical


# --- class 1: non-ASCII digits -----------------------------------------------------------------------


@pytest.mark.parametrize("text", NON_ASCII_DIGITS)
def test_non_ascii_digits_are_not_numbers_to_the_parser(text):
    assert params.parse_int(text) is None
    assert params.parse_id(text) is None
    assert params.parse_decimal(text) is None
    assert params.id_prefill({"coworker_id": text}, ["coworker_id"]) == {}
    assert PaymentTokenForm({"coworker_invoice_id": text}).has_error("coworker_invoice_id")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 42 ", 42),
        ("#42", 42),
        ("# 42", 42),
        ("0042", 42),
        ("2147483647", 2**31 - 1),
        ("0", None),
        ("-1", None),
        ("2147483648", None),
        ("9" * 41, None),
        ("", None),
        (None, None),
        ("4 2", None),
    ],
)
def test_ids_are_ascii_digits_within_32_bits(text, expected):
    assert params.parse_id(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.50", Decimal("12.50")),
        ("-3", Decimal("-3")),
        (".5", Decimal("0.5")),
        ("NaN", None),
        ("Infinity", None),
        ("1e3", None),
        ("1,5", None),
        ("١.٥", None),
        ("1" * 41, None),
    ],
)
def test_decimals_are_plain_ascii_without_nan_or_exponents(text, expected):
    assert params.parse_decimal(text) == expected


def _non_ascii_digit_requests(coworker_id: int) -> list[tuple[str, dict, dict]]:
    """(path, query, headers) for every parameter that used to be read with isdigit() + int()."""
    hx = {"HTTP_HX_REQUEST": "true"}
    cases = []
    for path in ("/payment-tokens/", "/ledger-entries/", "/audit/", f"/customers/{coworker_id}/ledger/"):
        for name in ("page", "per_page"):
            cases += [(path, {name: "{}"}, {}), (path, {name: "{}"}, hx)]
        cases.append((path, {"per_page": "{}", "remember": "per_page"}, {}))
    for path in ("/payment-tokens/", "/ledger-entries/"):
        cases += [(path, {"page": "{}", "export": "csv"}, {}), (path, {"per_page": "{}", "export": "csv"}, {})]
    cases += [("/ledger-entries/", {name: "{}"}, hx) for name in ("coworker", "invoice", "business")]
    cases.append((f"/customers/{coworker_id}/ledger/", {"business": "{}"}, {}))
    for picker in ("businesses", "customers", "invoices"):
        cases.append((f"/ledger-entries/pick/{picker}/", {"q": "{}"}, hx))
    cases.append(("/ledger-entries/pick/invoices/", {"coworker_id": "{}", "q": ""}, hx))
    cases += [
        ("/ledger-entries/new/", {name: "{}"}, {}) for name in ("coworker_invoice_id", "business_id", "coworker_id")
    ]
    cases.append(("/payment-tokens/new/", {"coworker_invoice_id": "{}"}, {}))
    cases.append(("/find/", {"q": "{}"}, {}))
    return cases


def test_non_ascii_digits_in_every_numeric_parameter_never_fail_nor_reach_nexudus(
    ops_client,
    upstream,
    upstream_spy,  # noqa: F811
):
    coworker_id = upstream.api("GET", "/api/billing/coworkerledgerentries", params={"size": 1}).json()["Records"][0][
        "CoworkerId"
    ]
    problems = []
    for path, query, headers in _non_ascii_digit_requests(coworker_id):
        # An export reads every page of the results: one sample is enough there.
        for digits in NON_ASCII_DIGITS[:1] if "export" in query else HTTP_SAMPLE:
            data = {name: value.format(digits) for name, value in query.items()}
            response = ops_client.get(path, data, **headers)
            if response.status_code >= 500:
                problems.append(f"{path} {data}: HTTP {response.status_code}")
            if response.streaming:
                b"".join(response.streaming_content)
    problems += upstream_spy.problems()
    assert not problems, "\n".join(problems)


def test_a_non_ascii_id_in_a_ledger_filter_is_searched_as_text_and_an_impossible_id_is_a_field_error():
    superscript = LedgerEntrySearchForm({"coworker": "²"})
    assert superscript.is_valid() and superscript.to_query(page=1, size=25).coworker_full_name == "²"
    impossible = LedgerEntrySearchForm({"invoice": "#99999999999"})
    assert not impossible.is_valid() and "invoice" in impossible.errors
    hashed = LedgerEntrySearchForm({"business": "#42"})
    assert hashed.is_valid() and hashed.to_query(page=1, size=25).business_id == 42


# --- class 2: calendar-edge dates ---------------------------------------------------------------------


def test_calendar_edge_dates_always_have_a_next_day_and_a_utc_moment():
    last = params.parse_date(f"{params.MAX_YEAR}-12-31")
    first = params.parse_date(f"{params.MIN_YEAR}-01-01")
    assert last is not None and first is not None
    assert last + timedelta(days=1) > last and first - timedelta(days=1) < first
    for text in ("9999-12-31", "0001-01-01", "2025-02-29", "2025-13-01", "٢٠٢٥-٠١-٠١", "99999-01-01"):
        assert params.parse_date(text) is None


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", f"{params.MAX_YEAR + 1}-01-01", "٢٠٢٥-٠١-٠١"])
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_calendar_edge_dates_in_the_audit_filters_are_field_errors(ops_client, name, value):
    form = AuditFilterForm({name: value})
    assert not form.is_valid() and name in form.errors
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = ops_client.get("/audit/", {name: value}, **headers)
        assert response.status_code == 200
        assert "Check the filters" in response.content.decode() or 'class="field-error' in response.content.decode()


def test_the_last_day_of_the_window_is_a_valid_audit_filter(ops_client):
    response = ops_client.get(
        "/audit/", {"date_from": f"{params.MIN_YEAR}-01-01", "date_to": f"{params.MAX_YEAR}-12-31"}
    )
    assert response.status_code == 200
    assert AuditFilterForm({"date_to": f"{params.MAX_YEAR}-12-31"}).is_valid()


@pytest.mark.parametrize("value", ["9999-12-31T23:59", "0001-01-01T00:00", "٢٠٢٥-٠١-٠١T10:00"])
def test_calendar_edge_datetimes_in_search_filters_are_refused_without_asking_nexudus(ops_client, upstream, value):
    before = upstream.counters()["total"]
    for path in ("/payment-tokens/", "/ledger-entries/"):
        response = ops_client.get(path, {"created_to": value}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    assert upstream.counters()["total"] == before


# --- class 3: non-UTF-8 charsets, and a 400 handler that never re-reads the request ------------------------

POST_PATHS = [
    "/signin/",
    "/signout/",
    "/payment-tokens/new/",
    "/ledger-entries/new/",
    "/saved-views/",
    "/saved-views/1/delete/",
    "/preferences/tables/payment_tokens/columns/",
]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _strict_signed_in_client() -> tuple[Client, str]:
    """Signed in, with CSRF checks on, as in production: Django's default 400 page re-read the body then."""
    client = Client()
    assert sign_in(client).status_code == 302
    client.handler.enforce_csrf_checks = True
    token = CSRF_INPUT.search(client.get("/payment-tokens/new/").content.decode()).group(1)
    return client, token


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "iso-8859-15", "utf8"])
@pytest.mark.parametrize("path", POST_PATHS)
def test_non_utf8_charset_posts_answer_400_with_words_not_500(db, upstream, signin_throttle_cleared, path, charset):
    for htmx in (False, True):
        client, token = _strict_signed_in_client()
        body = f"csrfmiddlewaretoken={token}&email=ops%40sandbox.test&password=sandbox&name=x".encode()
        headers = {"HTTP_X_CSRFTOKEN": token, **({"HTTP_HX_REQUEST": "true"} if htmx else {})}
        content_type = f"application/x-www-form-urlencoded; charset={charset}"
        response = client.generic("POST", path, body, content_type=content_type, **headers)
        assert response.status_code == 400
        html = response.content.decode()
        assert "could not read what was sent" in html and "nothing was saved" in html
        assert ("<html" in html) is not htmx  # htmx gets a fragment, a browser a whole page
    writes = {key: n for key, n in upstream.counters()["by_endpoint"].items() if key.startswith("POST /api/billing")}
    assert writes == {}


@pytest.mark.parametrize("charset", ["latin-1", "utf-16"])
def test_non_utf8_charset_sign_in_by_an_anonymous_visitor_is_400(db, upstream, charset):
    client = Client(enforce_csrf_checks=True)
    token = CSRF_INPUT.search(client.get("/signin/").content.decode()).group(1)
    body = f"csrfmiddlewaretoken={token}&email=ops%40sandbox.test&password=sandbox".encode()
    response = client.generic(
        "POST", "/signin/", body, content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status_code == 400 and upstream.counters()["grants"]["password"] == 0


def test_too_many_query_fields_is_400_not_500(ops_client, settings):
    query = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = ops_client.get(f"/payment-tokens/?{query}", **headers)
        assert response.status_code == 400
        assert response["X-Request-Id"]  # the request log line and its id survive the refusal


class _UnreadableRequest:
    """A request whose data must not be read again (reading it is what raised in the first place)."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        if name in {"GET", "POST", "body", "FILES", "read", "readline"}:
            raise AssertionError(f"the error handler read request.{name}")
        return getattr(self._request, name)


@pytest.mark.parametrize("handler", ["bad_request", "permission_denied", "page_not_found"])
@pytest.mark.parametrize("htmx", [False, True])
def test_the_error_handlers_never_read_the_request_data(db, handler, htmx):
    request = RequestFactory().post("/x/", HTTP_HX_REQUEST="true" if htmx else "false")
    request.user = AnonymousUser()
    response = getattr(views, handler)(_UnreadableRequest(request), exception=Exception("bad"))
    assert response.status_code in (400, 403, 404)
    assert views.server_error(_UnreadableRequest(request)).status_code == 500


def test_the_400_page_says_what_to_do_and_names_no_input():
    request = RequestFactory().get("/x/", {"q": "<script>alert(1)</script>"})
    html = views.bad_request(request, exception=Exception("<script>alert(1)</script>")).content.decode()
    assert "Go back, reload the page" in html and "<script" not in html


# --- the lockout: sign-ins Nexudus never judged do not count ---------------------------------------------

OUTAGES = {
    "unavailable-503": {"kind": "status", "status": 503},
    "throttled-429": {"kind": "status", "status": 429, "retry_after": 1},
    "garbage-json": {"kind": "malformed"},
    "html-page": {"kind": "html"},
    "dropped": {"kind": "drop"},
}


@pytest.mark.parametrize("outage", list(OUTAGES))
def test_outage_lockout_does_not_happen_after_nexudus_comes_back(
    db, upstream, settings, signin_throttle_cleared, outage
):
    settings.SIGNIN_MAX_ATTEMPTS = 3
    settings.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS = 3
    upstream.fault(count=6, path="/api/token", **OUTAGES[outage])
    client = Client()
    for _ in range(6):  # twice the limit, all refused by the outage
        response = sign_in(client)
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert sign_in(client).status_code == 302  # Nexudus is back: the right password signs in at once


def test_outage_lockout_fix_still_counts_wrong_passwords_and_codes(db, upstream, settings, signin_throttle_cleared):
    settings.SIGNIN_MAX_ATTEMPTS = 3
    client = Client()
    upstream.fault(count=2, path="/api/token", kind="status", status=503)
    sign_in(client, password="wrong")  # outage: not counted
    sign_in(client, password="wrong")  # outage: not counted
    for _ in range(3):
        assert sign_in(client, password="wrong").status_code == 200  # judged: counted
    assert sign_in(client).status_code == 429


def test_an_account_switched_off_here_does_not_use_up_the_address_budget(
    db, upstream, settings, signin_throttle_cleared
):
    from django.contrib.auth import get_user_model

    settings.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS = 2
    get_user_model().objects.create(username="agent@sandbox.test", email="agent@sandbox.test", is_active=False)
    client = Client()
    for _ in range(3):
        assert sign_in(client, email="agent@sandbox.test").status_code == 403
    assert sign_in(client, email="ops@sandbox.test").status_code == 302


def test_choices_are_exact_keys_or_nothing():
    assert params.parse_choice(" csv ", {"csv": "text/csv"}) == "text/csv"
    assert params.parse_choice("CSV", {"csv": "text/csv"}) is None
    assert params.parse_choice("per_page", ["per_page", "columns"]) == "per_page"
    assert params.parse_choice(["per_page"], ["per_page"]) is None
