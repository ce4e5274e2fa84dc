"""The requests shown in the seed docs (and their variants), checked field for field."""

from __future__ import annotations

import re

import pytest

from .conftest import LEDGER, TOKENS, Api

# The documented contract (seed docs first): pinned to that profile; test_profiles.py covers `observed`.
pytestmark = pytest.mark.sandbox_profile("documented")

PAGE_KEYS = {
    "Records",
    "CurrentPageSize",
    "CurrentPage",
    "CurrentOrderField",
    "CurrentSortDirection",
    "FirstItem",
    "HasNextPage",
    "HasPreviousPage",
    "LastItem",
    "PageNumber",
    "PageSize",
    "TotalItems",
    "TotalPages",
}
TOKEN_LISTING_KEYS = {
    "CoworkerInvoiceId",
    "Token",
    "Notes",
    "Id",
    "UpdatedOn",
    "CreatedOn",
    "UniqueId",
    "UpdatedBy",
    "IsNew",
    "SystemId",
    "ToStringText",
    "LocalizationDetails",
    "CustomFields",
}
WRITE_KEYS = [
    "Status",
    "Message",
    "Value",
    "OpenInDialog",
    "OpenInWindow",
    "RedirectURL",
    "JavaScript",
    "UpdatedOn",
    "UpdatedBy",
    "Errors",
    "WasSuccessful",
]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def assert_token_record(record: dict, listing: bool) -> None:
    expected = TOKEN_LISTING_KEYS | (set() if listing else {"RegularPaymentProvider"})
    assert set(record) == expected
    assert isinstance(record["Id"], int) and isinstance(record["CoworkerInvoiceId"], int)
    assert DATE.match(record["CreatedOn"]) and DATE.match(record["UpdatedOn"])
    assert GUID.match(record["UniqueId"])
    assert record["IsNew"] is False and record["LocalizationDetails"] is None and record["CustomFields"] is None
    assert isinstance(record["ToStringText"], str) and record["ToStringText"]


def test_simple_listing_example(api: Api) -> None:
    # curl ".../coworkerinvoicepaymenttokens?page=1&size=15&orderBy=CreatedOn&dir=1"
    body = api.search(TOKENS, page=1, size=15, orderBy="CreatedOn", dir=1)
    assert set(body) == PAGE_KEYS
    assert (body["CurrentPage"], body["PageNumber"], body["CurrentPageSize"], body["PageSize"]) == (1, 1, 15, 15)
    assert body["CurrentOrderField"] == "CreatedOn" and body["CurrentSortDirection"] == 1
    assert (body["FirstItem"], body["LastItem"], body["TotalItems"], body["TotalPages"]) == (1, 15, 3000, 200)
    assert body["HasNextPage"] is True and body["HasPreviousPage"] is False
    assert len(body["Records"]) == 15
    for record in body["Records"]:
        assert_token_record(record, listing=True)
    created = [r["CreatedOn"] for r in body["Records"]]
    assert created == sorted(created)


def test_listing_without_parameters_uses_documented_defaults(api: Api) -> None:
    body = api.search(TOKENS)
    assert (body["CurrentPage"], body["CurrentPageSize"], body["CurrentOrderField"]) == (1, 25, "Id")
    assert [r["Id"] for r in body["Records"]] == sorted(r["Id"] for r in body["Records"])


def test_basic_auth_variant_of_the_search_example(sb) -> None:
    # curl --url .../coworkerinvoicepaymenttokens --header 'Authorization: Basic <encoded-value>'
    basic = Api(sb.url, basic=("agent@sandbox.test", "sandbox"))
    assert set(basic.search(TOKENS)) == PAGE_KEYS
    assert Api(sb.url, basic=("agent@sandbox.test", "wrong")).get(TOKENS).status_code == 401


def test_filtering_by_created_on_example(api: Api) -> None:
    # "...?CoworkerInvoicePaymentToken_CreatedOn=example-value&orderBy=CreatedOn&dir=1": an unreadable
    # date is ignored (the sandbox's documented choice); a real one narrows to that minute.
    body = api.search(TOKENS, CoworkerInvoicePaymentToken_CreatedOn="example-value", orderBy="CreatedOn", dir=1)
    assert body["TotalItems"] == 3000
    sample = body["Records"][0]["CreatedOn"]
    narrowed = api.search(TOKENS, CoworkerInvoicePaymentToken_CreatedOn=sample[:16], orderBy="CreatedOn", dir=1)
    assert 1 <= narrowed["TotalItems"] < 3000
    assert all(r["CreatedOn"][:16] == sample[:16] for r in narrowed["Records"])


def test_range_filter_example(api: Api) -> None:
    # "...?from_..._UpdatedOn=2025-01-01T00:00&to_..._UpdatedOn=2025-12-31T23:59&orderBy=UpdatedOn&dir=-1"
    body = api.search(
        TOKENS,
        from_CoworkerInvoicePaymentToken_UpdatedOn="2025-01-01T00:00",
        to_CoworkerInvoicePaymentToken_UpdatedOn="2025-12-31T23:59",
        orderBy="UpdatedOn",
        dir=-1,
        size=1000,
    )
    assert 0 < body["TotalItems"] < 3000
    assert body["CurrentOrderField"] == "UpdatedOn" and body["CurrentSortDirection"] == -1
    updated = [r["UpdatedOn"] for r in body["Records"]]
    assert updated == sorted(updated, reverse=True)
    assert all("2025-01-01T00:00:00Z" <= u <= "2025-12-31T23:59:59Z" for u in updated)


def test_create_example_with_invoice_zero_is_a_validation_error(api: Api) -> None:
    # curl -X POST .../coworkerinvoicepaymenttokens -d '{"CoworkerInvoiceId": 0}'
    response = api.post(TOKENS, {"CoworkerInvoiceId": 0})
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["Message", "Value", "Errors", "WasSuccessful"]
    assert body["Value"] is None and body["WasSuccessful"] is False
    assert body["Errors"] == [
        {"AttemptedValue": 0, "Message": "is a required field", "PropertyName": "CoworkerInvoice"}
    ]
    assert body["Message"] == "CoworkerInvoice: is a required field"


def test_create_payment_token_success_envelope(api: Api) -> None:
    invoice_id = api.search(TOKENS, size=1)["Records"][0]["CoworkerInvoiceId"]
    response = api.post(TOKENS, {"CoworkerInvoiceId": invoice_id})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == WRITE_KEYS
    assert body["Status"] == 200 and body["WasSuccessful"] is True and body["Errors"] is None
    assert body["Message"] == "CoworkerInvoicePaymentToken was successfully created."
    assert set(body["Value"]) == {"Id"} and isinstance(body["Value"]["Id"], int)
    assert (body["OpenInDialog"], body["OpenInWindow"], body["RedirectURL"], body["JavaScript"]) == (
        False,
        False,
        None,
        None,
    )
    assert DATE.match(body["UpdatedOn"]) and body["UpdatedBy"] == "admin@sandbox.test"
    record = api.get(f"{TOKENS}/{body['Value']['Id']}").json()
    assert_token_record(record, listing=False)
    assert record["CoworkerInvoiceId"] == invoice_id and record["Token"] is None and record["Notes"] is None


def test_create_ledger_entry_documented_required_fields(api: Api) -> None:
    # The documented minimal body with zeros: every required field is reported, FKs by relation name.
    response = api.post(
        LEDGER, {"BusinessId": 0, "CoworkerId": 0, "Description": "", "Code": "", "Debit": 0, "Credit": 0, "Balance": 0}
    )
    assert response.status_code == 400
    names = [e["PropertyName"] for e in response.json()["Errors"]]
    assert names == ["Business", "Coworker", "Description", "Code"]
    assert response.json()["Message"].splitlines() == [
        "Business: is a required field",
        "Coworker: is a required field",
        "Description: is a required field",
        "Code: is a required field",
    ]


def test_get_one_and_batch_and_not_found(api: Api) -> None:
    ids = [r["Id"] for r in api.search(TOKENS, size=3)["Records"]]
    one = api.get(f"{TOKENS}/{ids[0]}")
    assert one.status_code == 200 and one.json()["Id"] == ids[0]
    for path in (f"{TOKENS}/", TOKENS):
        batch = api.get(path, id=f"[{ids[2]},{ids[0]}]")
        assert batch.status_code == 200
        assert [r["Id"] for r in batch.json()] == [ids[2], ids[0]]
        assert_token_record(batch.json()[0], listing=False)
    missing = api.get(f"{TOKENS}/999999999")
    assert missing.status_code == 404 and missing.json() == "Not found"
    assert api.get(f"{LEDGER}/1").json() == "Not found"
