"""Hostile input: every form field and query parameter of every page gets a corpus of bad values.

For every request: never a 5xx (the test client re-raises view exceptions, so a crash fails the test with
its traceback); nothing that the form refuses reaches Nexudus (sandbox counters before/after); the refusal
is explained on the page; the person's input is shown back, escaped; no markup from the input runs.
One test per (page, field), looping over the corpus, so a failure lists every bad value at once.
"""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import Client
from django.utils.html import escape
from markupsafe import escape as markup_escape

from dashboard.accounts.forms import SignInForm, TwoFactorForm
from dashboard.audit.forms import AuditFilterForm
from dashboard.invoices.forms import QuickFindForm
from dashboard.ledger.forms import CustomerLedgerSearchForm, LedgerEntryForm, LedgerEntrySearchForm
from dashboard.payment_tokens.forms import PaymentTokenForm, PaymentTokenSearchForm

from .hostile import (
    CORPUS,
    GARBAGE,
    LENIENT_CORPUS,
    RAW_MARKERS,
    TABLE_PARAMS,
    UNKNOWN_PARAMS,
    GetPage,
    as_querydict,
    is_typed,
    last,
    url_names,
)

INVOICE = 300001
TOKENS_API = "/api/billing/coworkerinvoicepaymenttokens"
LEDGER_API = "/api/billing/coworkerledgerentries"
INVOICES_API = "/api/billing/coworkerinvoices"
KEY = re.compile(r'name="submission_key" value="([^"]+)"')
PENDING = re.compile(r'name="pending" value="([^"]+)"')

GET_PAGES = [
    GetPage("payment_tokens:list", "/payment-tokens/", PaymentTokenSearchForm, lenient=TABLE_PARAMS, is_table=True),
    GetPage("ledger:list", "/ledger-entries/", LedgerEntrySearchForm, lenient=TABLE_PARAMS, is_table=True),
    GetPage("audit:list", "/audit/", AuditFilterForm, {"can_view_all": False}, lenient=TABLE_PARAMS),
    GetPage("invoices:find", "/find/", QuickFindForm, lenient=("page",), transactional=True),
    GetPage(
        "ledger:customer",
        "/customers/{coworker}/ledger/",
        CustomerLedgerSearchForm,
        {"coworker_id": 20001},
        lenient=("export", "filters", *TABLE_PARAMS),
    ),
    GetPage(
        "payment_tokens:customer", "/payment-tokens/customer/{coworker}/", lenient=("invoice",), transactional=True
    ),
    GetPage("ledger:standing", "/customers/{coworker}/ledger/standing/", lenient=("business",)),
    GetPage("ledger:pick-business", "/ledger-entries/pick/businesses/", lenient=("q",)),
    GetPage("ledger:pick-coworker", "/ledger-entries/pick/customers/", lenient=("q",)),
    GetPage("ledger:pick-invoice", "/ledger-entries/pick/invoices/", lenient=("q", "coworker_id")),
    GetPage(
        "ledger:new",
        "/ledger-entries/new/",
        lenient=(
            "business_id",
            "coworker_id",
            "coworker_invoice_id",
            "debit",
            "credit",
            "payment_gateway",
            "description",
            "code",
            "reverses",
        ),
    ),
    GetPage("payment_tokens:new", "/payment-tokens/new/", lenient=("coworker_invoice_id",)),
    GetPage("invoices:invoice", f"/invoices/{INVOICE}/", lenient=("providers",), transactional=True),
    GetPage("invoices:home", "/", lenient=("q",)),
    GetPage("accounts:signin", "/signin/", lenient=("next",)),
]
# Pages with an id in the path: the id itself is the hostile input (see the path tests below).
PATH_ID_PAGES = {
    "payment_tokens:detail": "/payment-tokens/{}/",
    "payment_tokens:reveal": "/payment-tokens/{}/token/",
    "payment_tokens:edit": "/payment-tokens/{}/edit/",
    "payment_tokens:delete": "/payment-tokens/{}/delete/",
    "ledger:detail": "/ledger-entries/{}/",
    "ledger:customer": "/customers/{}/ledger/",
    "ledger:standing": "/customers/{}/ledger/standing/",
    "invoices:invoice": "/invoices/{}/",
    "invoices:invoice-tokens": "/invoices/{}/tokens/",
    "statements:mapping": "/statements/{}/columns/",
    "statements:review": "/statements/{}/review/",
    "statements:progress": "/statements/{}/progress/",
    "statements:results": "/statements/{}/results/",
    "statements:results-csv": "/statements/{}/results.csv",
    "invoices:customer-invoices": "/customers/{}/invoices/",
    "payment_tokens:customer": "/payment-tokens/customer/{}/",
}
POST_FORMS = {"payment_tokens:new", "ledger:new", "accounts:signin"}
# Small POST endpoints without a form class: (url name, path, fields of the POST).
POST_ENDPOINTS = [
    ("core:table-columns", "/preferences/tables/payment_tokens/columns/", ("columns", "next")),
    ("core:saved-view-save", "/saved-views/", ("table", "name", "querystring", "next")),
    ("core:saved-view-delete", "/saved-views/1/delete/", ("next",)),
]
NOT_INPUT = {"core:healthz": "no parameters", "accounts:signout": "POST without fields (CSRF suite)"}
# The statement import's forms take this corpus in their own suite (their fields depend on the statement).
NOT_INPUT.update(
    dict.fromkeys(
        ("statements:upload", "statements:line", "statements:post", "statements:resume"),
        "CORPUS in tests/statements/test_hostile_input.py",
    )
)


def _get_cases():
    for page in GET_PAGES:
        names = list(page.form_class.base_fields) if page.form_class else []
        for name in [*names, *page.lenient]:
            yield pytest.param(page, name, id=f"{page.url_name}-{name}")


#: Reads a listing makes beyond its one search: the payment token rows batch-read their tokens (provider)
#: and invoices (number, customer), one call each per page (payment_tokens.selectors.payment_token_rows).
RELATED_READS = {"payment_tokens:list": 2, "/payment-tokens/": 2}
#: Reads a page makes whatever its filters say: a customer's page reads the customer and their recent entries
#: (balance, chart) around its filtered entries.
PAGE_READS = {"ledger:customer": 2}


def _calls(upstream) -> int:
    return upstream.counters()["total"]


def _bind(form_class, data, **kwargs):
    form = form_class(as_querydict(data), **kwargs)
    form.is_valid()
    return form


def _check_response(response, *, label: str, problems: list[str]) -> str:
    if response.status_code >= 500:
        problems.append(f"{label}: HTTP {response.status_code}")
    html = response.content.decode(errors="replace")
    for marker in RAW_MARKERS:
        if marker in html:
            problems.append(f"{label}: unescaped {marker!r} in the page")
    return html


def _shown(text: str, html: str) -> bool:
    """`text` is on the page, escaped: by Django (`&#x27;`, `&quot;`) or by markupsafe, which the Jinja2 form
    renderer uses for widgets and filters (`&#39;`, `&#34;`): the same characters in a browser."""
    return escape(text) in html or str(markup_escape(text)) in html


def _check_refusal(form, html, *, field: str, value, label: str, problems: list[str]) -> None:
    """A refused value: every error message is on the page, and the input is shown back (escaped)."""
    for messages in form.errors.values():
        for message in messages:
            if not _shown(message, html):
                problems.append(f"{label}: error {message!r} not shown")
    widget = form.fields[field].widget if field in form.fields else None
    typed = widget is not None and is_typed(widget)
    if typed and last(value) and not _shown(last(value), html):
        problems.append(f"{label}: the input was not kept in the form")


@pytest.fixture
def seed_ids(upstream):
    def first(path: str, key: str = "Id") -> int:
        response = upstream.api("GET", path, params={"size": 1})
        response.raise_for_status()
        return response.json()["Records"][0][key]

    return {"coworker": first(LEDGER_API, "CoworkerId")}


# --- completeness ----------------------------------------------------------------------------------


def test_every_page_is_in_the_inventory():
    covered = (
        {page.url_name for page in GET_PAGES}
        | set(PATH_ID_PAGES)
        | POST_FORMS
        | set(NOT_INPUT)
        | {name for name, _, _ in POST_ENDPOINTS}
    )
    missing = url_names() - covered
    assert not missing, f"pages without hostile-input coverage: {sorted(missing)} (add them to GET_PAGES)"


# --- GET pages: filters and query parameters -------------------------------------------------------


@pytest.mark.parametrize(("page", "name"), list(_get_cases()))
def test_query_parameter_never_breaks_the_page_nor_reaches_nexudus_when_invalid(
    request, ops_client, upstream, seed_ids, settings, page, name
):
    if page.transactional:
        request.getfixturevalue("transactional_db")
    client = Client() if page.url_name == "accounts:signin" else ops_client
    path = page.path.format(**seed_ids)
    problems: list[str] = []
    strict_field = page.form_class is not None and name in page.form_class.base_fields
    for case, value in CORPUS if strict_field else LENIENT_CORPUS:
        label = f"{name}={case}"
        data = {name: value}
        before = _calls(upstream)
        response = client.get(path, data)
        spent = _calls(upstream) - before
        html = _check_response(response, label=label, problems=problems)
        form = _bind(page.form_class, data, **page.form_kwargs) if page.form_class else None
        if form is not None and name in form.fields:
            if not form.is_valid():
                if spent > PAGE_READS.get(page.url_name, 0):
                    problems.append(f"{label}: refused locally, yet {spent} request(s) reached Nexudus")
                if last(value).strip():  # an empty box is "nothing asked yet", not an error to shout about
                    _check_refusal(form, html, field=name, value=value, label=label, problems=problems)
            elif response.status_code != 200:
                problems.append(f"{label}: a valid filter answered {response.status_code}")
            # Numbers, dates, ids and choices are strict; free text (a search for "NaN") is not.
            # Numbers, dates, ids and choices are strict; free text (a search for "NaN") is not, and a
            # yes/no/any select reads anything else as "any".
            # A hidden field carries what the page chose (a customer page's business), not what was typed.
            kind = form.fields[name]
            strict = (
                not isinstance(kind, forms.CharField | forms.NullBooleanField) or isinstance(kind, forms.ChoiceField)
            ) and not isinstance(kind.widget, forms.HiddenInput)
            if strict and case in GARBAGE and form.is_valid():
                problems.append(f"{label}: a {type(form.fields[name]).__name__} accepted garbage")
        elif page.is_table and response.status_code != 200:
            problems.append(f"{label}: a lenient table parameter answered {response.status_code}")
        if page.is_table and response.status_code == 200 and spent > 2 + RELATED_READS.get(page.url_name, 0):
            problems.append(f"{label}: {spent} upstream calls for one search render")
        if page.is_table and name in TABLE_PARAMS and html.count("<tr") > max(settings.TABLE_PAGE_SIZES) + 1:
            problems.append(f"{label}: more rows than the largest page size")
    assert not problems, "\n".join(problems)


def test_every_parameter_at_once_with_hostile_values_is_refused_without_upstream_calls(ops_client, upstream):
    data = {name: '<script>alert("xss")</script>' for name in PaymentTokenSearchForm.base_fields}
    data.update(page="-1", per_page="100000", sort="DROP TABLE", size="100000", orderBy="Password")
    before = _calls(upstream)
    response = ops_client.get("/payment-tokens/", data)
    assert response.status_code == 200
    assert _calls(upstream) == before
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("path", ["/payment-tokens/", "/ledger-entries/"])
def test_unknown_parameters_are_ignored_and_not_passed_to_nexudus(ops_client, upstream, path):
    plain = ops_client.get(path, HTTP_HX_REQUEST="true")
    data = {name: value for name, value in zip(UNKNOWN_PARAMS, ["100000", "Password", "-1", "pm_", "x"], strict=True)}
    before = _calls(upstream)
    hostile = ops_client.get(path, data, HTTP_HX_REQUEST="true")
    assert hostile.status_code == 200
    assert _calls(upstream) - before == 1 + RELATED_READS.get(path, 0)
    assert hostile.content == plain.content  # the same first page, in the same order
    assert not any(name in hostile["HX-Push-Url"] for name in UNKNOWN_PARAMS)


@pytest.mark.parametrize("url_name", sorted(PATH_ID_PAGES))
def test_out_of_range_ids_in_the_path_are_not_found_without_asking_nexudus(request, ops_client, upstream, url_name):
    request.getfixturevalue("transactional_db")
    problems = []
    for raw in ["0", "2147483648", "9223372036854775808", "9" * 40]:
        before = _calls(upstream)
        response = ops_client.get(PATH_ID_PAGES[url_name].format(raw), HTTP_HX_REQUEST="true")
        if response.status_code not in (302, 404):
            problems.append(f"id {raw}: HTTP {response.status_code}")
        if _calls(upstream) != before:
            problems.append(f"id {raw}: reached Nexudus")
    assert not problems, "\n".join(problems)


# --- POST forms ------------------------------------------------------------------------------------


def _fresh_key(client, path) -> str:
    return KEY.search(client.get(path).content.decode()).group(1)


@pytest.mark.parametrize("name", list(PaymentTokenForm.base_fields))
def test_payment_token_create_field_refuses_bad_values_before_anything_is_sent(ops_client, upstream, name):
    problems: list[str] = []
    for case, value in CORPUS:
        label = f"{name}={case}"
        data = {
            "coworker_invoice_id": str(INVOICE),
            "provider": "",
            "token": "pm_hostile",
            "notes": "",
            "submission_key": _fresh_key(ops_client, "/payment-tokens/new/"),
            name: value,
        }
        form = _bind(PaymentTokenForm, data)
        before = upstream.counters()
        response = ops_client.post("/payment-tokens/new/", data, HTTP_HX_REQUEST="true")
        after = upstream.counters()
        html = _check_response(response, label=label, problems=problems)
        posts = after["by_endpoint"].get(f"POST {TOKENS_API}", 0) - before["by_endpoint"].get(f"POST {TOKENS_API}", 0)
        if not form.is_valid():
            if after["total"] != before["total"]:
                problems.append(f"{label}: refused locally, yet it reached Nexudus")
            if response.status_code != 200 or "Saved:" in html:
                problems.append(f"{label}: a refused form answered {response.status_code} or claimed success")
            _check_refusal(form, html, field=name, value=value, label=label, problems=problems)
        elif posts > 1:
            problems.append(f"{label}: {posts} creates for one submission")
        if name == "coworker_invoice_id" and case in GARBAGE | {"negative", "zero", "past-int32"} and form.is_valid():
            problems.append(f"{label}: the invoice id accepted garbage")
    assert not problems, "\n".join(problems)


@pytest.fixture
def ledger_base(upstream):
    response = upstream.api("GET", INVOICES_API, params={"CoworkerInvoice_Paid": "false", "size": 100})
    invoice = next(r for r in response.json()["Records"] if r.get("CurrencyCode") == "GBP" and not r.get("Void"))
    return {
        "business_id": str(invoice["BusinessId"]),
        "coworker_id": str(invoice["CoworkerId"]),
        "coworker_invoice_id": str(invoice["Id"]),
        "description": "Hostile input",
        "code": "PAYM",
        "debit": "0",
        "credit": "1.00",
        "payment_gateway": "",
        "payment_method_number": "",
        "transaction_date": "",
        "transaction_date_local": "",
        "connected_transaction_guid": "",
    }


@pytest.mark.parametrize("name", list(LedgerEntryForm.base_fields))
def test_ledger_entry_field_refuses_bad_values_and_review_never_writes(ops_client, upstream, ledger_base, name):
    problems: list[str] = []
    for case, value in CORPUS:
        label = f"{name}={case}"
        data = {
            **ledger_base,
            "submission_key": _fresh_key(ops_client, "/ledger-entries/new/"),
            name: value,
            "action": "review",
        }
        form = _bind(LedgerEntryForm, data)
        before = upstream.counters()
        response = ops_client.post("/ledger-entries/new/", data, HTTP_HX_REQUEST="true")
        after = upstream.counters()
        html = _check_response(response, label=label, problems=problems)
        if not form.is_valid():
            if after["total"] != before["total"]:
                problems.append(f"{label}: refused locally, yet it reached Nexudus")
            _check_refusal(form, html, field=name, value=value, label=label, problems=problems)
        if after["by_endpoint"].get(f"POST {LEDGER_API}", 0) != before["by_endpoint"].get(f"POST {LEDGER_API}", 0):
            problems.append(f"{label}: the review step wrote to Nexudus")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(SignInForm.base_fields))
def test_signin_field_refuses_bad_values_without_asking_nexudus_and_never_echoes_the_password(
    db, upstream, settings, name
):
    settings.SIGNIN_MAX_ATTEMPTS = settings.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS = 10_000
    client = Client()
    problems: list[str] = []
    for case, value in CORPUS:
        label = f"{name}={case}"
        data = {"email": "ops@sandbox.test", "password": "wrong-password", name: value}
        form = _bind(SignInForm, data)
        before = _calls(upstream)
        response = client.post("/signin/", data)
        html = _check_response(response, label=label, problems=problems)
        if response.status_code == 302:
            problems.append(f"{label}: signed in")
        if not form.is_valid():
            if _calls(upstream) != before:
                problems.append(f"{label}: refused locally, yet it reached Nexudus")
            _check_refusal(form, html, field=name, value=value, label=label, problems=problems)
        if name == "password" and len(last(value)) > 3 and _shown(last(value), html):
            problems.append(f"{label}: the password was echoed into the page")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(TwoFactorForm.base_fields))
def test_two_factor_field_refuses_bad_values_without_asking_nexudus(db, upstream, settings, name):
    settings.SIGNIN_MAX_ATTEMPTS = settings.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS = 10_000
    client = Client()
    problems: list[str] = []
    for case, value in CORPUS:
        label = f"{name}={case}"
        first = client.post("/signin/", {"email": "mfa@sandbox.test", "password": "sandbox"})
        pending = PENDING.search(first.content.decode()).group(1)
        data = {"step": "code", "code": "123456", "pending": pending, name: value}
        before = _calls(upstream)
        response = client.post("/signin/", data)
        html = _check_response(response, label=label, problems=problems)
        if response.status_code == 302:
            problems.append(f"{label}: signed in")
        form = _bind(TwoFactorForm, data)
        if not form.is_valid() and _calls(upstream) != before:
            problems.append(f"{label}: refused locally, yet it reached Nexudus")
        if not form.is_valid() and name == "code":
            _check_refusal(form, html, field=name, value=value, label=label, problems=problems)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("url_name", "path", "name"),
    [
        pytest.param(url_name, path, name, id=f"{url_name}-{name}")
        for url_name, path, names in POST_ENDPOINTS
        for name in names
    ],
)
def test_small_post_endpoints_never_fail_on_hostile_values(ops_client, upstream, url_name, path, name):
    valid = {
        "table": "payment_tokens",
        "name": "Mine",
        "querystring": "notes=a",
        "columns": ["id", "notes"],
        "next": "/payment-tokens/",
    }
    problems: list[str] = []
    for case, value in CORPUS:
        label = f"{name}={case}"
        before = _calls(upstream)
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = ops_client.post(path, {**valid, name: value}, **headers)
            _check_response(response, label=label, problems=problems)
            if response.status_code in (301, 302) and not response["Location"].startswith("/"):
                problems.append(f"{label}: redirected off-site to {response['Location']}")
        if _calls(upstream) != before:
            problems.append(f"{label}: reached Nexudus")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("raw", ["0", "2147483648", "9223372036854775808", "9" * 40])
def test_out_of_range_ids_in_a_post_path_are_harmless(ops_client, raw):
    response = ops_client.post(f"/saved-views/{raw}/delete/")
    assert response.status_code in (302, 404)
