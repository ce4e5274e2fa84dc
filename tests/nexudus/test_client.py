"""NexudusClient at the HTTP boundary: paths, parameters, bodies, records, and the 401 -> refresh flow."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from responses import matchers

from dashboard.nexudus import queries, wire
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.enums import PaymentProvider, RegularPaymentProvider
from dashboard.nexudus.errors import NexudusAuthExpired, NexudusNotFound, NexudusPermissionDenied
from dashboard.nexudus.queries import (
    BusinessQuery,
    CoworkerQuery,
    InvoiceQuery,
    LedgerEntryDraft,
    LedgerEntryQuery,
    PaymentTokenDraft,
    PaymentTokenQuery,
)

from .conftest import ACCESS_TOKEN, API, FRESH_TOKEN

TOKENS = f"{API}/api/billing/coworkerinvoicepaymenttokens"
LEDGER = f"{API}/api/billing/coworkerledgerentries"
TOKEN_RECORD = {
    "Id": 11,
    "CoworkerInvoiceId": 4,
    "RegularPaymentProvider": 2,
    "Token": "tok_live_12345678",
    "Notes": None,
    "CreatedOn": "2025-01-10T08:00:00Z",
    "UpdatedOn": "2025-01-15T10:30:00Z",
    "UniqueId": "a1b2",
    "UpdatedBy": "admin@example.com",
}
CREATED = {
    "Status": 200,
    "Message": "created",
    "Value": {"Id": 99},
    "WasSuccessful": True,
    "UpdatedOn": "2025-01-15T10:30:00Z",
    "UpdatedBy": "admin@example.com",
    "Errors": None,
}


def envelope(*records: dict, **overrides) -> dict:
    return {
        "Records": list(records),
        "CurrentPage": 1,
        "CurrentPageSize": 25,
        "TotalItems": len(records),
        "TotalPages": 1,
        "HasNextPage": False,
        "HasPreviousPage": False,
        **overrides,
    }


@pytest.fixture
def client(tokens) -> NexudusClient:
    return NexudusClient(tokens=tokens, request_id="req-42")


# --- reads ----------------------------------------------------------------------------------------


def test_get_one_sends_bearer_token_and_request_id(nexudus, client):
    call = nexudus.get(
        f"{TOKENS}/11",
        json=TOKEN_RECORD,
        match=[matchers.header_matcher({"Authorization": f"Bearer {ACCESS_TOKEN}", "X-Request-Id": "req-42"})],
    )

    token = client.get_payment_token(11)

    assert call.call_count == 1
    assert token.id == 11
    assert token.provider is RegularPaymentProvider.Stripe
    assert token.created_on == datetime(2025, 1, 10, 8, tzinfo=UTC)


def test_every_call_asks_for_json_names_the_dashboard_and_never_carries_a_cookie(nexudus, client):
    """What the shared session adds to each prepared call (http.send builds it outside Session.request):
    its Accept and User-Agent headers, and no Cookie header, even after an answer tried to set one."""
    nexudus.get(f"{TOKENS}/11", json=TOKEN_RECORD, headers={"Set-Cookie": "track=1; Path=/"})
    nexudus.get(f"{TOKENS}/12", json={**TOKEN_RECORD, "Id": 12})

    client.get_payment_token(11)
    client.get_payment_token(12)

    for call in nexudus.calls:
        assert call.request.headers["Accept"] == "application/json"
        assert call.request.headers["User-Agent"] == "billing-desk"
        assert call.request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
        assert "Cookie" not in call.request.headers


def test_base_url_is_read_at_call_time_and_can_be_overridden(nexudus, tokens, settings):
    settings.NEXUDUS_API_URL = "http://other.test/"
    nexudus.get("http://other.test/api/sys/businesses/3", json={"Id": 3, "Name": "Main St"})
    nexudus.get("http://explicit.test/api/spaces/coworkers/4", json={"Id": 4, "FullName": "Jane"})

    assert NexudusClient(tokens=tokens).get_business(3).name == "Main St"
    assert NexudusClient(tokens=tokens, base_url="http://explicit.test").get_coworker(4).full_name == "Jane"


def test_search_returns_a_page_of_records(nexudus, client):
    nexudus.get(
        TOKENS,
        json=envelope({**TOKEN_RECORD, "RegularPaymentProvider": None}, TotalItems=60, TotalPages=3, HasNextPage=True),
    )

    page = client.search_payment_tokens(PaymentTokenQuery())

    assert [t.id for t in page.items] == [11]
    assert (page.total_items, page.total_pages, page.has_next) == (60, 3, True)
    assert page.items[0].provider is None


@pytest.mark.parametrize(("ascending", "descending_dir"), [(1, "-1"), (0, "1")])
def test_search_maps_paging_sorting_and_filters(nexudus, client, settings, ascending, descending_dir):
    # NEXUDUS_SORT_DIR_ASCENDING picks the reading of `dir`: 1 / -1 (seed docs) or 0 / 1 (SDK docs).
    settings.NEXUDUS_SORT_DIR_ASCENDING = ascending
    call = nexudus.get(
        TOKENS,
        json=envelope(),
        match=[
            matchers.query_param_matcher(
                {
                    "page": "2",
                    "size": "50",
                    "orderBy": "CoworkerInvoiceId",
                    "dir": descending_dir,
                    "Id": "5",
                    "CoworkerInvoicePaymentToken_CoworkerInvoice": "4",
                    "CoworkerInvoicePaymentToken_RegularPaymentProvider": "2",
                    "CoworkerInvoicePaymentToken_Token": "tok",
                    "CoworkerInvoicePaymentToken_Notes": "late",
                    "from_CoworkerInvoicePaymentToken_CreatedOn": "2025-01-01T00:00",
                    "to_CoworkerInvoicePaymentToken_CreatedOn": "2025-01-31T23:59",
                    "from_CoworkerInvoicePaymentToken_UpdatedOn": "2025-02-01T09:30",
                    "to_CoworkerInvoicePaymentToken_UpdatedOn": "2025-02-02T00:00",
                }
            )
        ],
    )

    client.search_payment_tokens(
        PaymentTokenQuery(
            page=2,
            size=50,
            order_by="coworker_invoice_id",
            descending=True,
            id=5,
            coworker_invoice_id=4,
            provider=RegularPaymentProvider.Stripe,
            token="tok",
            notes="late",
            created_from=datetime(2025, 1, 1, tzinfo=UTC),
            created_to=datetime(2025, 1, 31, 23, 59, 59, tzinfo=UTC),
            # 11:30 at UTC+2 is 09:30 UTC: the wire format is UTC
            updated_from=datetime(2025, 2, 1, 11, 30, tzinfo=timezone(timedelta(hours=2))),
            updated_to=datetime(2025, 2, 2),  # naive: taken as UTC
        )
    )

    assert call.call_count == 1


def test_ledger_search_maps_every_filter(nexudus, client, settings):
    settings.NEXUDUS_SORT_DIR_ASCENDING = 1
    le = "CoworkerLedgerEntry"
    call = nexudus.get(
        LEDGER,
        json=envelope(),
        match=[
            matchers.query_param_matcher(
                {
                    "page": "1",
                    "size": "25",
                    "dir": "1",
                    "orderBy": "TransactionDate",
                    f"{le}_Business": "1",
                    f"{le}_Business_Name": "Main",
                    f"{le}_Business_Currency_Code": "GBP",
                    f"{le}_Coworker": "2",
                    f"{le}_Coworker_FullName": "Jane",
                    f"{le}_CoworkerInvoice": "3",
                    f"{le}_CoworkerInvoice_InvoiceNumber": "INV-1",
                    f"{le}_Description": "Pay",
                    f"{le}_Code": "PAYM",
                    f"{le}_PaymentGatewayName": "11",
                    f"{le}_PaymentMethodNumber": "4242",
                    f"{le}_Billed": "false",
                    f"from_{le}_Debit": "0.50",
                    f"to_{le}_Debit": "100",
                    f"from_{le}_Credit": "1000",
                    f"to_{le}_Credit": "2000.00",
                    f"from_{le}_Balance": "-10.25",
                    f"to_{le}_Balance": "0",
                    f"from_{le}_TransactionDate": "2025-01-01T00:00",
                    f"to_{le}_TransactionDate": "2025-01-02T00:00",
                    f"from_{le}_CreatedOn": "2025-01-03T00:00",
                    f"to_{le}_CreatedOn": "2025-01-04T00:00",
                    f"from_{le}_UpdatedOn": "2025-01-05T00:00",
                    f"to_{le}_UpdatedOn": "2025-01-06T00:00",
                }
            )
        ],
    )
    day = lambda d: datetime(2025, 1, d, tzinfo=UTC)  # noqa: E731

    client.search_ledger_entries(
        LedgerEntryQuery(
            order_by="transaction_date",
            business_id=1,
            business_name="Main",
            currency_code="GBP",
            coworker_id=2,
            coworker_full_name="Jane",
            coworker_invoice_id=3,
            invoice_number="INV-1",
            description="Pay",
            code="PAYM",
            payment_gateway=PaymentProvider.Manual,
            payment_method_number="4242",
            billed=False,
            debit_from=Decimal("0.50"),
            debit_to=Decimal("100"),
            credit_from=Decimal("1E+3"),
            credit_to=Decimal("2000.00"),
            balance_from=Decimal("-10.25"),
            balance_to=Decimal("0"),
            transaction_from=day(1),
            transaction_to=day(2),
            created_from=day(3),
            created_to=day(4),
            updated_from=day(5),
            updated_to=day(6),
        )
    )

    assert call.call_count == 1


@pytest.mark.parametrize(
    ("call", "url", "params"),
    [
        (
            lambda c: c.search_invoices(
                InvoiceQuery(
                    invoice_number="INV", coworker_id=2, business_id=3, paid=True, order_by="coworker_full_name"
                )
            ),
            f"{API}/api/billing/coworkerinvoices",
            {
                "CoworkerInvoice_InvoiceNumber": "INV",
                "CoworkerInvoice_Coworker": "2",
                "CoworkerInvoice_Business": "3",
                "CoworkerInvoice_Paid": "true",
                "orderBy": "CoworkerFullName",
                "dir": "0",
            },
        ),
        (
            lambda c: c.search_coworkers(CoworkerQuery(full_name="Jane", email="j@x.test")),
            f"{API}/api/spaces/coworkers",
            {"Coworker_FullName": "Jane", "Coworker_Email": "j@x.test"},
        ),
        (
            lambda c: c.search_businesses(BusinessQuery(name="Main", order_by="name")),
            f"{API}/api/sys/businesses",
            {"Business_Name": "Main", "orderBy": "Name", "dir": "0"},
        ),
    ],
)
def test_related_searches_map_their_filters(nexudus, client, call, url, params):
    # `dir` only with `orderBy` (no public client sends it alone); ascending is 0 by default.
    expected = {"page": "1", "size": "25", **params}
    mocked = nexudus.get(url, json=envelope(), match=[matchers.query_param_matcher(expected)])

    call(client)

    assert mocked.call_count == 1


@pytest.mark.parametrize(("size", "sent"), [(0, "1"), (-5, "1"), (1, "1"), (1000, "1000"), (5000, "1000")])
def test_page_size_is_clamped_to_what_nexudus_allows(nexudus, client, size, sent):
    nexudus.get(TOKENS, json=envelope(), match=[matchers.query_param_matcher({"size": sent}, strict_match=False)])

    client.search_payment_tokens(PaymentTokenQuery(size=size, page=0))

    assert nexudus.calls[0].request.params["page"] == "1"


def test_empty_text_filters_are_not_sent(nexudus, client):
    nexudus.get(TOKENS, json=envelope())

    client.search_payment_tokens(PaymentTokenQuery(token="", notes=None))

    assert set(nexudus.calls[0].request.params) == {"page", "size"}


def test_sorting_by_an_unknown_attribute_is_a_programming_error(nexudus, client):
    with pytest.raises(ValueError, match="masked_token"):
        client.search_payment_tokens(PaymentTokenQuery(order_by="masked_token"))
    assert len(nexudus.calls) == 0


@pytest.mark.parametrize(
    ("resource", "query_class"),
    [
        (wire.PAYMENT_TOKENS, queries.PaymentTokenQuery),
        (wire.LEDGER_ENTRIES, queries.LedgerEntryQuery),
        (wire.INVOICES, queries.InvoiceQuery),
        (wire.COWORKERS, queries.CoworkerQuery),
        (wire.BUSINESSES, queries.BusinessQuery),
    ],
)
def test_every_query_field_has_a_wire_parameter(resource, query_class):
    own = {f.name for f in fields(query_class)} - {f.name for f in fields(queries.SearchQuery)}
    assert set(resource.filters) == own


def test_batch_uses_the_documented_id_list(nexudus, client):
    nexudus.get(
        f"{LEDGER}/",
        match=[matchers.query_param_matcher({"id": "[1,2,3]"})],
        json=[{"Id": 1, "Credit": 10.5}, {"Id": 2}, {"Id": 3}],
    )

    entries = client.get_ledger_entries([1, 2, 3])

    assert [e.id for e in entries] == [1, 2, 3]
    assert entries[0].credit == Decimal("10.5")


def test_batch_of_nothing_makes_no_call(nexudus, client):
    assert client.get_payment_tokens([]) == []
    assert len(nexudus.calls) == 0


def test_missing_record_is_not_found(nexudus, client):
    nexudus.get(f"{LEDGER}/404", status=404, json="Not found")

    with pytest.raises(NexudusNotFound):
        client.get_ledger_entry(404)


# --- writes ---------------------------------------------------------------------------------------


def test_create_payment_token_body_and_result(nexudus, client):
    nexudus.post(
        TOKENS,
        json=CREATED,
        match=[
            matchers.json_params_matcher(
                {"CoworkerInvoiceId": 4, "RegularPaymentProvider": 97, "Token": "tok_1", "Notes": "cash at desk"}
            )
        ],
    )

    result = client.create_payment_token(
        PaymentTokenDraft(
            coworker_invoice_id=4, provider=RegularPaymentProvider.Cash, token="tok_1", notes="cash at desk"
        )
    )

    assert result.id == 99
    assert result.updated_by == "admin@example.com"


def test_payment_token_without_provider_omits_it(nexudus, client):
    nexudus.post(TOKENS, json=CREATED)

    client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=4))

    assert json.loads(nexudus.calls[0].request.body) == {"CoworkerInvoiceId": 4, "Token": None, "Notes": None}


def test_update_sends_id_in_the_body_with_put(nexudus, client):
    nexudus.put(
        TOKENS,
        json={**CREATED, "Value": {"Id": 11}},
        match=[matchers.json_params_matcher({"Id": 11, "CoworkerInvoiceId": 4, "Token": None, "Notes": "n"})],
    )

    assert client.update_payment_token(11, PaymentTokenDraft(coworker_invoice_id=4, notes="n")).id == 11


def test_delete_uses_the_id_in_the_path(nexudus, client):
    nexudus.delete(f"{TOKENS}/11", json={"Message": "deleted", "Value": None, "WasSuccessful": True})

    result = client.delete_payment_token(11)

    assert (result.id, result.message) == (11, "deleted")


def test_ledger_draft_amounts_are_sent_as_exact_json_numbers(nexudus, client):
    nexudus.post(LEDGER, json=CREATED)
    local = timezone(timedelta(hours=-5))

    client.create_ledger_entry(
        LedgerEntryDraft(
            business_id=1,
            coworker_id=2,
            description="Payment received",
            code="PAYM",
            debit=Decimal("0"),
            credit=Decimal("120.00"),
            coworker_invoice_id=3,
            payment_gateway=PaymentProvider.Manual,
            payment_method_number="4242",
            transaction_date=datetime(2025, 1, 15, 5, 30, tzinfo=local),
            transaction_date_local=datetime(2025, 1, 15, 5, 30, tzinfo=local),
            billed=True,
            connected_transaction_guid="g-1",
            expected_balance=Decimal("-0.10"),
        )
    )

    raw = nexudus.calls[0].request.body.decode()
    assert '"Credit":120.00' in raw
    assert '"Debit":0,' in raw
    assert '"Balance":-0.10' in raw
    body = json.loads(raw, parse_float=Decimal)
    assert body == {
        "BusinessId": 1,
        "CoworkerId": 2,
        "Description": "Payment received",
        "Code": "PAYM",
        "Debit": 0,
        "Credit": Decimal("120.00"),
        "Balance": Decimal("-0.10"),
        "CoworkerInvoiceId": 3,
        "PaymentGatewayName": 11,
        "PaymentMethodNumber": "4242",
        "TransactionDate": "2025-01-15T10:30:00Z",
        "TransactionDateLocal": "2025-01-15T05:30:00Z",
        "Billed": True,
        "ConnectedTransactionGuid": "g-1",
    }
    assert nexudus.calls[0].request.headers["Content-Type"] == "application/json"


def test_amount_that_a_float_would_round_is_sent_digit_for_digit(nexudus, client):
    nexudus.post(LEDGER, json=CREATED)
    credit = Decimal("12345678901234567.89")

    client.create_ledger_entry(
        LedgerEntryDraft(business_id=1, coworker_id=2, description="d", code="c", debit=Decimal("0.1"), credit=credit)
    )

    body = json.loads(nexudus.calls[0].request.body, parse_float=Decimal)
    assert body["Credit"] == credit
    assert body["Debit"] == Decimal("0.1")
    assert "PaymentGatewayName" not in body and body["TransactionDate"] is None


# --- 401: refresh once, then it is about permission ---------------------------------------------------


def test_401_refreshes_once_and_retries_with_the_new_token(nexudus, client, tokens):
    nexudus.get(
        f"{TOKENS}/11", status=401, match=[matchers.header_matcher({"Authorization": f"Bearer {ACCESS_TOKEN}"})]
    )
    nexudus.get(
        f"{TOKENS}/11", json=TOKEN_RECORD, match=[matchers.header_matcher({"Authorization": f"Bearer {FRESH_TOKEN}"})]
    )

    assert client.get_payment_token(11).id == 11
    assert tokens.refreshed == [ACCESS_TOKEN]


def test_write_is_resent_once_after_401_because_nothing_was_processed(nexudus, client, tokens):
    nexudus.post(LEDGER, status=401, match=[matchers.header_matcher({"Authorization": f"Bearer {ACCESS_TOKEN}"})])
    ok = nexudus.post(LEDGER, json=CREATED, match=[matchers.header_matcher({"Authorization": f"Bearer {FRESH_TOKEN}"})])

    result = client.create_ledger_entry(
        LedgerEntryDraft(business_id=1, coworker_id=2, description="d", code="c", debit=Decimal(0), credit=Decimal(1))
    )

    assert result.id == 99
    assert ok.call_count == 1
    assert tokens.refreshed == [ACCESS_TOKEN]


def test_401_that_survives_a_fresh_token_names_the_missing_role(nexudus, client, tokens):
    nexudus.post(LEDGER, status=401)

    with pytest.raises(NexudusPermissionDenied) as caught:
        client.create_ledger_entry(
            LedgerEntryDraft(
                business_id=1, coworker_id=2, description="d", code="c", debit=Decimal(0), credit=Decimal(1)
            )
        )

    assert caught.value.role == "CoworkerLedgerEntry-Create"
    assert caught.value.status == 401
    assert len(nexudus.calls) == 2
    assert tokens.refreshed == [ACCESS_TOKEN]


def test_failed_refresh_propagates_auth_expired(nexudus, client, tokens):
    tokens.refresh_error = NexudusAuthExpired()
    nexudus.get(f"{TOKENS}/11", status=401)

    with pytest.raises(NexudusAuthExpired):
        client.get_payment_token(11)
    assert len(nexudus.calls) == 1
