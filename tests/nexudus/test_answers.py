"""Every Nexudus answer becomes data or exactly one NexudusError (dashboard/nexudus/answers.py)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import responses

from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.errors import (
    NexudusError,
    NexudusMalformedResponse,
    NexudusNotFound,
    NexudusPermissionDenied,
    NexudusRateLimited,
    NexudusServerError,
    NexudusValidationError,
)
from dashboard.nexudus.queries import LedgerEntryDraft, PaymentTokenDraft, PaymentTokenQuery

from .conftest import API

TOKENS = f"{API}/api/billing/coworkerinvoicepaymenttokens"
LEDGER = f"{API}/api/billing/coworkerledgerentries"


@pytest.fixture
def client(tokens) -> NexudusClient:
    return NexudusClient(tokens=tokens)


def validation_body(*errors: tuple[str | None, str], message: str = "Invalid") -> dict:
    return {
        "Message": message,
        "Value": None,
        "WasSuccessful": False,
        "Errors": [{"PropertyName": p, "Message": m, "AttemptedValue": None} for p, m in errors],
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (403, NexudusPermissionDenied),
        (404, NexudusNotFound),
        (429, NexudusRateLimited),
        (409, NexudusRateLimited),
        (500, NexudusServerError),
        (501, NexudusServerError),
        (405, NexudusError),
    ],
)
def test_status_maps_to_one_exception(nexudus, client, status, expected):
    nexudus.get(f"{TOKENS}/7", status=status, json={"Message": "nope"})

    with pytest.raises(expected) as caught:
        client.get_payment_token(7)

    assert type(caught.value) is expected
    assert caught.value.status == status


def test_forbidden_names_the_role_the_action_needs(nexudus, client):
    nexudus.post(LEDGER, status=403, body="")

    with pytest.raises(NexudusPermissionDenied) as caught:
        client.create_ledger_entry(_ledger_draft())

    assert caught.value.role == "CoworkerLedgerEntry-Create"


@pytest.mark.parametrize(
    ("call", "role"),
    [
        (lambda c: c.search_payment_tokens(PaymentTokenQuery()), "CoworkerInvoicePaymentToken-List"),
        (lambda c: c.get_ledger_entries([1, 2]), "CoworkerLedgerEntry-Read"),
        (
            lambda c: c.update_payment_token(3, PaymentTokenDraft(coworker_invoice_id=1)),
            "CoworkerInvoicePaymentToken-Edit",
        ),
        (lambda c: c.delete_ledger_entry(3), "CoworkerLedgerEntry-Delete"),
        (lambda c: c.get_invoice(3), "CoworkerInvoice-Read"),
        (lambda c: c.get_coworker(3), "Coworker-Read"),
        (lambda c: c.get_business(3), "Business-Read"),
    ],
)
def test_refusal_role_follows_the_action(nexudus, client, call, role):
    for method in (responses.GET, responses.POST, responses.PUT, responses.DELETE):
        nexudus.add(method, re.compile(f"{API}/.*"), status=403)

    with pytest.raises(NexudusPermissionDenied) as caught:
        call(client)

    assert caught.value.role == role


def test_html_error_page_is_a_server_error(nexudus, client):
    nexudus.get(f"{TOKENS}/7", status=500, body="<html><h1>Bad gateway</h1></html>", content_type="text/html")

    with pytest.raises(NexudusServerError):
        client.get_payment_token(7)


def test_validation_error_on_relation_lands_on_invoice_field(nexudus, client):
    nexudus.post(TOKENS, status=400, json=validation_body(("CoworkerInvoice", "is a required field")))

    with pytest.raises(NexudusValidationError) as caught:
        client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=0))

    assert caught.value.field_errors == {"coworker_invoice_id": ["is a required field"]}
    assert caught.value.errors[0].property_name == "CoworkerInvoice"
    assert caught.value.status == 400


@pytest.mark.parametrize(
    ("property_name", "field"),
    [
        ("CoworkerInvoiceId", "coworker_invoice_id"),
        ("Coworker", "coworker_id"),
        ("CoworkerId", "coworker_id"),
        ("Business", "business_id"),
        ("BusinessId", "business_id"),
        ("RegularPaymentProvider", "provider"),
        ("PaymentGatewayName", "payment_gateway"),
        ("Token", "token"),
        ("Notes", "notes"),
        ("Description", "description"),
        ("Code", "code"),
        ("Debit", "debit"),
        ("Credit", "credit"),
        ("PaymentMethodNumber", "payment_method_number"),
        ("TransactionDate", "transaction_date"),
        ("TransactionDateLocal", "transaction_date_local"),
        ("Billed", "billed"),
        ("ConnectedTransactionGuid", "connected_transaction_guid"),
        ("Balance", None),
        ("Name", None),
        ("", None),
    ],
)
def test_property_names_map_to_record_fields(nexudus, client, property_name, field):
    nexudus.post(LEDGER, status=400, json=validation_body((property_name, "is wrong")))

    with pytest.raises(NexudusValidationError) as caught:
        client.create_ledger_entry(_ledger_draft())

    assert caught.value.errors[0].field == field


def test_unknown_property_becomes_a_non_field_error(nexudus, client):
    nexudus.post(
        LEDGER, status=400, json=validation_body(("Name", "is a required field"), ("Credit", "must be positive"))
    )

    with pytest.raises(NexudusValidationError) as caught:
        client.create_ledger_entry(_ledger_draft())

    assert caught.value.field_errors == {"credit": ["must be positive"]}
    assert caught.value.non_field_errors == ["Name: is a required field"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"json": {"Message": "Missing required filter: X"}}, "Missing required filter: X"),
        ({"json": "Not valid"}, "Not valid"),
        ({"body": "plain words"}, "plain words"),
        ({"body": "<html>oops</html>"}, NexudusValidationError.default_message),
        ({"body": ""}, NexudusValidationError.default_message),
        ({"json": {"Errors": "not a list", "Message": 3}}, NexudusValidationError.default_message),
    ],
)
def test_any_400_shape_is_a_validation_error_with_a_message(nexudus, client, kwargs, message):
    nexudus.post(TOKENS, status=400, **kwargs)

    with pytest.raises(NexudusValidationError) as caught:
        client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=1))

    assert caught.value.errors == []
    assert caught.value.non_field_errors == [message]


def test_http_200_with_was_successful_false_is_a_failure(nexudus, client):
    nexudus.delete(
        f"{LEDGER}/5",
        status=200,
        json={
            "Status": 500,
            "Message": "An error occurred while deleting the record.",
            "Value": None,
            "Errors": None,
            "WasSuccessful": False,
        },
    )

    with pytest.raises(NexudusValidationError) as caught:
        client.delete_ledger_entry(5)

    assert caught.value.message == "An error occurred while deleting the record."
    assert caught.value.status == 200


@pytest.mark.parametrize(
    ("headers", "body", "retry_after"),
    [
        ({"Retry-After": "7"}, "", 7.0),
        ({}, "You must wait before accessing this url again. Wait 12 seconds.", 12.0),
        ({}, '{"Message": "Please wait 3 seconds"}', 3.0),
        ({"Retry-After": "garbage"}, "", None),
        ({}, "", None),
    ],
)
def test_rate_limit_carries_seconds_to_wait(nexudus, client, settings, headers, body, retry_after):
    settings.NEXUDUS_RETRY_BUDGET = 0.0  # no waiting at all: the 429 comes straight back
    nexudus.post(TOKENS, status=429, headers=headers, body=body)

    with pytest.raises(NexudusRateLimited) as caught:
        client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=1))

    assert caught.value.retry_after == retry_after


@pytest.mark.parametrize(
    "kwargs",
    [
        {"body": "not json{"},
        {"body": "<html>hello</html>", "content_type": "text/html"},
        {"body": ""},
        {"json": {"Something": "else"}},
        {"json": {"Records": "nope"}},
    ],
)
def test_unreadable_search_answer_is_malformed(nexudus, client, kwargs):
    nexudus.get(TOKENS, status=200, **kwargs)

    with pytest.raises(NexudusMalformedResponse):
        client.search_payment_tokens(PaymentTokenQuery())


def test_record_without_id_is_malformed(nexudus, client):
    nexudus.get(f"{TOKENS}/7", json={"CoworkerInvoiceId": 4, "Token": "tok"})

    with pytest.raises(NexudusMalformedResponse):
        client.get_payment_token(7)


def test_create_answer_without_new_id_is_malformed(nexudus, client):
    nexudus.post(TOKENS, json={"Message": "created", "Value": None, "WasSuccessful": True})

    with pytest.raises(NexudusMalformedResponse):
        client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=1))


def test_batch_answer_that_is_not_a_list_is_malformed(nexudus, client):
    nexudus.get(f"{TOKENS}/", json={"Records": []})

    with pytest.raises(NexudusMalformedResponse):
        client.get_payment_tokens([1])


def test_redirect_is_not_followed(nexudus, client):
    nexudus.get(f"{TOKENS}/7", status=302, headers={"Location": "http://elsewhere.test/login"})

    with pytest.raises(NexudusMalformedResponse):
        client.get_payment_token(7)
    assert len(nexudus.calls) == 1


def _ledger_draft() -> LedgerEntryDraft:
    return LedgerEntryDraft(
        business_id=1, coworker_id=2, description="Payment", code="PAYM", debit=Decimal("0"), credit=Decimal("10.00")
    )


def test_empty_success_on_delete_still_reports_the_deleted_id(nexudus, client):
    nexudus.delete(f"{TOKENS}/5", status=204)

    assert client.delete_payment_token(5).id == 5
