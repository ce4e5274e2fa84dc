"""Writes: validation rules, update/delete, ledger balance semantics and invoice payment state."""

from __future__ import annotations

import pytest

from .conftest import BUSINESSES, COWORKERS, INVOICES, LEDGER, TOKENS, Api

# The documented contract (seed docs first): pinned to that profile; test_profiles.py covers `observed`.
pytestmark = pytest.mark.sandbox_profile("documented")

BASE = {
    "Id",
    "UniqueId",
    "CreatedOn",
    "UpdatedOn",
    "UpdatedBy",
    "IsNew",
    "SystemId",
    "ToStringText",
    "LocalizationDetails",
    "CustomFields",
}
LEDGER_FIELDS = BASE | {
    "BusinessId",
    "BusinessName",
    "BusinessCurrencyCode",
    "CoworkerId",
    "CoworkerFullName",
    "CoworkerInvoiceId",
    "CoworkerInvoiceInvoiceNumber",
    "CoworkerInvoiceTotalAmount",
    "CoworkerInvoiceBillToName",
    "CoworkerInvoicePaid",
    "CoworkerInvoicePaidOn",
    "CoworkerInvoiceRefunded",
    "CoworkerInvoiceRefundedOn",
    "CoworkerInvoiceDueDate",
    "CoworkerInvoiceDraft",
    "CoworkerInvoiceWaitingForInvoiceNumber",
    "Description",
    "Code",
    "Debit",
    "Credit",
    "PaymentGatewayName",
    "PaymentMethodNumber",
    "TransactionDate",
    "Balance",
    "Billed",
    "TransactionDateLocal",
    "ConnectedTransactionGuid",
}
INVOICE_FIELDS = {
    "CoworkerId",
    "CoworkerFullName",
    "BusinessId",
    "BusinessName",
    "InvoiceNumber",
    "BillToName",
    "DueDate",
    "TotalAmount",
    "PaidAmount",
    "CurrencyCode",
    "Draft",
    "Void",
    "Paid",
    "PaidOn",
    "Refunded",
    "RefundedOn",
    "RefundedAmount",
    "CreditNote",
    "WaitingForInvoiceNumber",
}
COWORKER_FIELDS = {
    "FullName",
    "Email",
    "CoworkerType",
    "CompanyName",
    "BillingEmail",
    "InvoicingBusinessId",
    "InvoicingBusinessName",
    "RegularPaymentProvider",
}
BUSINESS_FIELDS = {"Name", "CurrencyId", "CurrencyCode", "CountryId", "CountryName", "SimpleTimeZoneId"}


def new_entry(api: Api, **changes) -> dict:
    invoice = api.search(
        INVOICES, CoworkerInvoice_Paid="false", CoworkerInvoice_Draft="false", CoworkerInvoice_Void="false", size=1
    )["Records"][0]
    body = {
        "BusinessId": invoice["BusinessId"],
        "CoworkerId": invoice["CoworkerId"],
        "Description": "Card payment",
        "Code": "PAYM",
        "Debit": 0,
        "Credit": 10,
        "Balance": 0,
        **changes,
    }
    return body


def test_record_shapes(api: Api) -> None:
    entry = api.search(
        LEDGER, CoworkerLedgerEntry_Code="PAYM", CoworkerLedgerEntry_CoworkerInvoice_Paid="true", size=1
    )["Records"][0]
    assert set(entry) == LEDGER_FIELDS
    full = api.get(f"{LEDGER}/{entry['Id']}").json()
    assert set(full) == LEDGER_FIELDS
    assert isinstance(full["CoworkerInvoiceTotalAmount"], str) and "." in full["CoworkerInvoiceTotalAmount"]
    assert full["CoworkerInvoicePaid"] is True and full["BusinessCurrencyCode"] in {"GBP", "EUR", "USD"}
    invoice = api.get(f"{INVOICES}/{full['CoworkerInvoiceId']}").json()
    assert set(invoice) >= INVOICE_FIELDS and set(invoice) >= BASE
    assert f"{invoice['TotalAmount']:.2f}" == full["CoworkerInvoiceTotalAmount"]
    assert invoice["InvoiceNumber"] == full["CoworkerInvoiceInvoiceNumber"]
    assert set(api.get(f"{COWORKERS}/{full['CoworkerId']}").json()) >= COWORKER_FIELDS
    business = api.get(f"{BUSINESSES}/{full['BusinessId']}").json()
    assert set(business) >= BUSINESS_FIELDS and business["CurrencyCode"] == full["BusinessCurrencyCode"]
    assert {b["CurrencyCode"] for b in api.search(BUSINESSES)["Records"]} >= {"GBP", "EUR", "USD"}


@pytest.mark.parametrize(
    ("changes", "prop", "message"),
    [
        ({"BusinessId": None}, "Business", "is a required field"),
        ({"BusinessId": 999999}, "Business", "does not exist"),
        ({"CoworkerId": "abc"}, "Coworker", "must be a whole number"),
        ({"CoworkerId": 999999}, "Coworker", "does not exist"),
        ({"CoworkerInvoiceId": 999999}, "CoworkerInvoice", "does not exist"),
        ({"Description": ""}, "Description", "is a required field"),
        ({"Description": "x" * 256}, "Description", "must be 255 characters or fewer"),
        ({"Code": None}, "Code", "is a required field"),
        ({"Code": "C" * 51}, "Code", "must be 50 characters or fewer"),
        ({"Debit": -1}, "Debit", "must be greater than or equal to 0"),
        ({"Credit": -0.01}, "Credit", "must be greater than or equal to 0"),
        ({"Credit": "ten"}, "Credit", "must be a number"),
        ({"Debit": True}, "Debit", "must be a number"),
        ({"Balance": None}, "Balance", "is a required field"),
        ({"PaymentGatewayName": 10}, "PaymentGatewayName", "is not a valid value"),
        ({"PaymentMethodNumber": "9" * 101}, "PaymentMethodNumber", "must be 100 characters or fewer"),
        ({"TransactionDate": "yesterday"}, "TransactionDate", "must be a date (YYYY-MM-DDTHH:mm:ssZ)"),
        ({"Billed": "maybe"}, "Billed", "must be true or false"),
        ({"ConnectedTransactionGuid": "not-a-guid"}, "ConnectedTransactionGuid", "must be a valid GUID"),
    ],
)
def test_ledger_validation(api: Api, changes: dict, prop: str, message: str) -> None:
    response = api.post(LEDGER, new_entry(api, **changes))
    assert response.status_code == 400
    body = response.json()
    assert body["WasSuccessful"] is False and body["Value"] is None
    assert [(e["PropertyName"], e["Message"]) for e in body["Errors"]] == [(prop, message)]
    assert body["Errors"][0]["AttemptedValue"] == next(iter(changes.values()))
    assert body["Message"] == f"{prop}: {message}"


@pytest.mark.parametrize(
    ("body", "prop", "message"),
    [
        ({}, "CoworkerInvoice", "is a required field"),
        ({"CoworkerInvoiceId": 999999}, "CoworkerInvoice", "does not exist"),
        ({"CoworkerInvoiceId": 300001, "RegularPaymentProvider": 50}, "RegularPaymentProvider", "is not a valid value"),
        ({"CoworkerInvoiceId": 300001, "Token": "t" * 256}, "Token", "must be 255 characters or fewer"),
        ({"CoworkerInvoiceId": 300001, "Notes": "n" * 2001}, "Notes", "must be 2000 characters or fewer"),
        ({"CoworkerInvoiceId": 300001, "Token": {"a": 1}}, "Token", "must be text"),
    ],
)
def test_token_validation(api: Api, body: dict, prop: str, message: str) -> None:
    response = api.post(TOKENS, body)
    assert response.status_code == 400
    assert [(e["PropertyName"], e["Message"]) for e in response.json()["Errors"]] == [(prop, message)]


def test_several_errors_one_line_each(api: Api) -> None:
    body = api.post(LEDGER, {"Debit": -5, "Credit": "x"}).json()
    lines = body["Message"].split("\n")
    assert len(lines) == len(body["Errors"]) >= 6
    assert lines == [f"{e['PropertyName']}: {e['Message']}" for e in body["Errors"]]


@pytest.mark.parametrize("payload", [b"[1, 2]", b'"text"', b"{not json", b""])
def test_body_must_be_a_json_object(api: Api, payload: bytes) -> None:
    response = api.http.post(api.url + LEDGER, data=payload, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["WasSuccessful"] is False


def test_token_update_and_delete(api: Api) -> None:
    created = api.post(
        TOKENS, {"CoworkerInvoiceId": 300001, "Token": "pm_1Test", "RegularPaymentProvider": 2, "Notes": "first"}
    ).json()["Value"]["Id"]
    record = api.get(f"{TOKENS}/{created}").json()
    assert (record["Token"], record["RegularPaymentProvider"], record["Notes"]) == ("pm_1Test", 2, "first")
    updated = api.put(TOKENS, {**record, "Notes": "second", "RegularPaymentProvider": 12})
    assert updated.status_code == 200 and updated.json()["Message"].endswith("successfully updated.")
    again = api.get(f"{TOKENS}/{created}").json()
    assert (again["Notes"], again["RegularPaymentProvider"], again["CreatedOn"]) == ("second", 12, record["CreatedOn"])
    # PUT replaces the record: omitted optional fields are cleared.
    assert api.put(TOKENS, {"Id": created, "CoworkerInvoiceId": 300001}).status_code == 200
    assert api.get(f"{TOKENS}/{created}").json()["Token"] is None
    assert api.put(TOKENS, {"CoworkerInvoiceId": 300001}).json()["Errors"][0]["PropertyName"] == "Id"
    assert api.put(TOKENS, {"Id": 1, "CoworkerInvoiceId": 300001}).status_code == 404
    deleted = api.delete(f"{TOKENS}/{created}")
    assert deleted.status_code == 200 and deleted.json()["Message"].endswith("successfully deleted.")
    assert api.get(f"{TOKENS}/{created}").status_code == 404
    assert api.delete(f"{TOKENS}/{created}").status_code == 404


def test_read_only_resources_refuse_writes(api: Api) -> None:
    assert api.post(INVOICES, {}).status_code == 405
    assert api.delete(f"{COWORKERS}/20001").status_code == 405
    assert api.put(BUSINESSES, {"Id": 1001}).status_code == 405


def chain(api: Api, coworker: int, business: int) -> list[dict]:
    return api.search(
        LEDGER,
        CoworkerLedgerEntry_Coworker=coworker,
        CoworkerLedgerEntry_Business=business,
        orderBy="TransactionDate",
        dir=1,
        size=1000,
    )["Records"]


def assert_running_balances(entries: list[dict]) -> None:
    running = 0.0
    for entry in sorted(entries, key=lambda e: (e["TransactionDate"], e["Id"])):
        running = round(running + entry["Debit"] - entry["Credit"], 2)
        assert entry["Balance"] == running, entry["Id"]


def test_seeded_balances_are_consistent(api: Api) -> None:
    for record in api.search(LEDGER, size=3, page=7)["Records"]:
        assert_running_balances(chain(api, record["CoworkerId"], record["BusinessId"]))


def test_balance_is_recomputed_including_back_dated_entries(api: Api) -> None:
    body = new_entry(api, Debit=12.34, Credit=0, Balance=999999, Code="CHRG", Description="Late booking")
    before = chain(api, body["CoworkerId"], body["BusinessId"])
    created = api.post(LEDGER, body).json()["Value"]["Id"]
    record = api.get(f"{LEDGER}/{created}").json()
    assert record["Balance"] == round(before[-1]["Balance"] + 12.34, 2) if before else 12.34
    back_dated = api.post(LEDGER, {**body, "Debit": 0, "Credit": 5, "TransactionDate": "2024-12-01T09:00:00Z"})
    assert back_dated.status_code == 200
    after = chain(api, body["CoworkerId"], body["BusinessId"])
    assert_running_balances(after)
    assert api.get(f"{LEDGER}/{created}").json()["Balance"] == round(record["Balance"] - 5, 2)
    api.delete(f"{LEDGER}/{back_dated.json()['Value']['Id']}")
    assert api.get(f"{LEDGER}/{created}").json()["Balance"] == record["Balance"]


def test_credit_linked_to_invoice_pays_it(api: Api) -> None:
    invoice = api.search(
        INVOICES, CoworkerInvoice_Paid="false", CoworkerInvoice_Draft="false", CoworkerInvoice_Void="false", size=1
    )["Records"][0]
    outstanding = round(invoice["TotalAmount"] - invoice["PaidAmount"], 2)
    body = {
        "BusinessId": invoice["BusinessId"],
        "CoworkerId": invoice["CoworkerId"],
        "CoworkerInvoiceId": invoice["Id"],
        "Description": "Payment",
        "Code": "PAYM",
        "Debit": 0,
        "Balance": 0,
        "PaymentGatewayName": 4,
    }
    assert api.post(LEDGER, {**body, "Credit": 1}).status_code == 200
    partly = api.get(f"{INVOICES}/{invoice['Id']}").json()
    assert partly["PaidAmount"] == round(invoice["PaidAmount"] + 1, 2) and partly["Paid"] is False
    rest = api.post(LEDGER, {**body, "Credit": round(outstanding - 1, 2)}).json()["Value"]["Id"]
    paid = api.get(f"{INVOICES}/{invoice['Id']}").json()
    assert paid["Paid"] is True and paid["PaidOn"] and paid["PaidAmount"] == invoice["TotalAmount"]
    entry = api.get(f"{LEDGER}/{rest}").json()
    assert entry["CoworkerInvoicePaid"] is True and entry["CoworkerInvoiceInvoiceNumber"] == invoice["InvoiceNumber"]
    assert entry["TransactionDateLocal"] and entry["PaymentGatewayName"] == 4
