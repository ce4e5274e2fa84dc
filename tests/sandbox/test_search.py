"""Every documented filter and range filter, sorting both ways, and the paging edges."""

from __future__ import annotations

import pytest

from .conftest import BUSINESSES, COWORKERS, INVOICES, LEDGER, TOKENS, Api

# The documented contract (seed docs first): pinned to that profile; test_profiles.py covers `observed`.
pytestmark = pytest.mark.sandbox_profile("documented")

# (filter key, record property, kind) as documented in api-reference.md §3.3 and §4.3.
TOKEN_FILTERS = [
    ("CoworkerInvoicePaymentToken_CoworkerInvoice", "CoworkerInvoiceId", "int"),
    ("CoworkerInvoicePaymentToken_RegularPaymentProvider", "RegularPaymentProvider", "int"),
    ("CoworkerInvoicePaymentToken_Token", "Token", "text"),
    ("CoworkerInvoicePaymentToken_Notes", "Notes", "text"),
    ("CoworkerInvoicePaymentToken_CreatedOn", "CreatedOn", "date"),
    ("CoworkerInvoicePaymentToken_UpdatedOn", "UpdatedOn", "date"),
    ("Id", "Id", "int"),
    ("UniqueId", "UniqueId", "guid"),
]
LEDGER_FILTERS = [
    ("CoworkerLedgerEntry_Business", "BusinessId", "int"),
    ("CoworkerLedgerEntry_Business_Name", "BusinessName", "text"),
    ("CoworkerLedgerEntry_Business_Currency_Code", "BusinessCurrencyCode", "text"),
    ("CoworkerLedgerEntry_Coworker", "CoworkerId", "int"),
    ("CoworkerLedgerEntry_Coworker_FullName", "CoworkerFullName", "text"),
    ("CoworkerLedgerEntry_CoworkerInvoice", "CoworkerInvoiceId", "int"),
    ("CoworkerLedgerEntry_CoworkerInvoice_InvoiceNumber", "CoworkerInvoiceInvoiceNumber", "text"),
    ("CoworkerLedgerEntry_CoworkerInvoice_TotalAmount", "CoworkerInvoiceTotalAmount", "money"),
    ("CoworkerLedgerEntry_CoworkerInvoice_BillToName", "CoworkerInvoiceBillToName", "text"),
    ("CoworkerLedgerEntry_CoworkerInvoice_Paid", "CoworkerInvoicePaid", "bool"),
    ("CoworkerLedgerEntry_CoworkerInvoice_PaidOn", "CoworkerInvoicePaidOn", "date"),
    ("CoworkerLedgerEntry_CoworkerInvoice_Refunded", "CoworkerInvoiceRefunded", "bool"),
    ("CoworkerLedgerEntry_CoworkerInvoice_RefundedOn", "CoworkerInvoiceRefundedOn", "date"),
    ("CoworkerLedgerEntry_CoworkerInvoice_DueDate", "CoworkerInvoiceDueDate", "date"),
    ("CoworkerLedgerEntry_CoworkerInvoice_Draft", "CoworkerInvoiceDraft", "bool"),
    ("CoworkerLedgerEntry_Description", "Description", "text"),
    ("CoworkerLedgerEntry_Code", "Code", "text"),
    ("CoworkerLedgerEntry_PaymentMethodNumber", "PaymentMethodNumber", "text"),
    ("CoworkerLedgerEntry_ConnectedTransactionGuid", "ConnectedTransactionGuid", "text"),
    ("CoworkerLedgerEntry_Debit", "Debit", "money"),
    ("CoworkerLedgerEntry_Credit", "Credit", "money"),
    ("CoworkerLedgerEntry_Balance", "Balance", "money"),
    ("CoworkerLedgerEntry_PaymentGatewayName", "PaymentGatewayName", "int"),
    ("CoworkerLedgerEntry_TransactionDate", "TransactionDate", "date"),
    ("CoworkerLedgerEntry_TransactionDateLocal", "TransactionDateLocal", "date"),
    ("CoworkerLedgerEntry_Billed", "Billed", "bool"),
    ("CoworkerLedgerEntry_CreatedOn", "CreatedOn", "date"),
    ("CoworkerLedgerEntry_UpdatedOn", "UpdatedOn", "date"),
    ("Id", "Id", "int"),
    ("UniqueId", "UniqueId", "guid"),
]
RELATED_FILTERS = [
    (INVOICES, "CoworkerInvoice_InvoiceNumber", "InvoiceNumber", "text"),
    (INVOICES, "CoworkerInvoice_Coworker", "CoworkerId", "int"),
    (INVOICES, "CoworkerInvoice_Business", "BusinessId", "int"),
    (INVOICES, "CoworkerInvoice_Paid", "Paid", "bool"),
    (INVOICES, "CoworkerInvoice_Coworker_FullName", "CoworkerFullName", "text"),
    (INVOICES, "CoworkerInvoice_DueDate", "DueDate", "date"),
    (COWORKERS, "Coworker_FullName", "FullName", "text"),
    (COWORKERS, "Coworker_Email", "Email", "text"),
    (BUSINESSES, "Business_Name", "Name", "text"),
]


def filter_value(value, kind: str) -> str:
    if kind == "text":  # a middle slice in swapped case: proves "contains" and case-insensitivity
        middle = value[len(value) // 4 : len(value) // 4 + max(3, len(value) // 2)]
        return middle.swapcase()
    if kind == "bool":
        return str(value).lower()
    if kind == "date":
        return value[:16]  # the documented YYYY-MM-DDTHH:mm
    return str(value)


def matches(record_value, wanted: str, kind: str) -> bool:
    if kind == "text":
        return record_value is not None and wanted.lower() in record_value.lower()
    if kind == "date":
        return record_value is not None and record_value[:16] == wanted
    if kind == "bool":
        return str(record_value).lower() == wanted
    if kind == "money":
        return record_value is not None and float(record_value) == float(wanted)
    if kind == "guid":
        return record_value == wanted
    return str(record_value) == wanted


def full_records(api: Api, path: str, records: list[dict]) -> list[dict]:
    """Listing rows may omit fields (tokens omit RegularPaymentProvider): read the full records."""
    ids = ",".join(str(r["Id"]) for r in records)
    return api.get(path + "/", id=f"[{ids}]").json() if records else []


def check_filter(api: Api, path: str, key: str, prop: str, kind: str, samples: list[dict]) -> None:
    sample = next(r for r in samples if r.get(prop) not in (None, ""))
    wanted = filter_value(sample[prop], kind)
    everything = api.search(path, size=1)["TotalItems"]
    body = api.search(path, **{key: wanted}, size=200)
    assert body["TotalItems"] >= 1, (key, wanted)
    if kind != "bool":
        assert body["TotalItems"] < everything, f"{key}={wanted} did not narrow the search"
    records = full_records(api, path, body["Records"]) if prop not in body["Records"][0] else body["Records"]
    assert records and all(matches(r[prop], wanted, kind) for r in records), (key, wanted)
    assert sample["Id"] in {r["Id"] for r in api.search(path, **{key: wanted}, size=1000)["Records"]} or (
        body["TotalItems"] > 1000
    )


@pytest.mark.parametrize(("key", "prop", "kind"), TOKEN_FILTERS, ids=[f[0] for f in TOKEN_FILTERS])
def test_token_filters(api: Api, key: str, prop: str, kind: str) -> None:
    samples = full_records(api, TOKENS, api.search(TOKENS, size=50, CoworkerInvoicePaymentToken_Notes="e")["Records"])
    check_filter(api, TOKENS, key, prop, kind, samples)


def test_ledger_filters(api: Api) -> None:
    # Refund lines link refunded invoices, so every invoice-related property is populated somewhere.
    samples = (
        api.search(LEDGER, CoworkerLedgerEntry_Code="REFU", size=20)["Records"]
        + api.search(LEDGER, CoworkerLedgerEntry_Code="PAYM", size=200)["Records"]
    )
    for key, prop, kind in LEDGER_FILTERS:
        check_filter(api, LEDGER, key, prop, kind, samples)


def test_ledger_system_id_filter(api: Api) -> None:
    entry = api.get(f"{LEDGER}/{api.search(LEDGER, size=1)['Records'][0]['Id']}").json()
    assert api.put(LEDGER, {**entry, "SystemId": "ERP-778899"}).status_code == 200
    body = api.search(LEDGER, CoworkerLedgerEntry_SystemId="erp-7788")
    assert [r["Id"] for r in body["Records"]] == [entry["Id"]] and body["Records"][0]["SystemId"] == "ERP-778899"


@pytest.mark.parametrize(("path", "key", "prop", "kind"), RELATED_FILTERS, ids=[f[1] for f in RELATED_FILTERS])
def test_related_resource_filters(api: Api, path: str, key: str, prop: str, kind: str) -> None:
    check_filter(api, path, key, prop, kind, api.search(path, size=50)["Records"])


@pytest.mark.parametrize(
    ("path", "prefix", "props"),
    [
        (TOKENS, "CoworkerInvoicePaymentToken", ["CreatedOn", "UpdatedOn"]),
        (
            LEDGER,
            "CoworkerLedgerEntry",
            ["TransactionDate", "TransactionDateLocal", "CreatedOn", "UpdatedOn", "Debit", "Credit", "Balance"],
        ),
    ],
)
def test_range_filters(api: Api, path: str, prefix: str, props: list[str]) -> None:
    for prop in props:
        ordered = api.search(path, orderBy=prop, dir=1, size=1000, page=3)["Records"]
        low, high = ordered[100][prop], ordered[600][prop]
        if isinstance(low, str):
            low, high = low[:16], high[:16]
        body = api.search(path, **{f"from_{prefix}_{prop}": low, f"to_{prefix}_{prop}": high}, size=1000)
        values = [r[prop] for r in body["Records"]]
        assert body["TotalItems"] >= 500, prop
        if isinstance(low, str):
            assert all(low <= v[:16] <= high for v in values), prop  # to_ includes the whole last minute
        else:
            assert all(low <= v <= high for v in values), prop
        only_from = api.search(path, **{f"from_{prefix}_{prop}": low})["TotalItems"]
        only_to = api.search(path, **{f"to_{prefix}_{prop}": high})["TotalItems"]
        assert only_from > body["TotalItems"] or only_to > body["TotalItems"], prop


def test_range_filter_date_formats(api: Api) -> None:
    key = "CoworkerLedgerEntry_TransactionDate"
    day = api.search(LEDGER, **{f"from_{key}": "2026-03-01", f"to_{key}": "2026-03-01"}, size=1000)
    assert day["TotalItems"] > 0
    assert all(r["TransactionDate"].startswith("2026-03-01") for r in day["Records"])
    minute = api.search(LEDGER, **{f"from_{key}": "2026-03-01T00:00", f"to_{key}": "2026-03-01T23:59"})
    seconds = api.search(LEDGER, **{f"from_{key}": "2026-03-01T00:00:00Z", f"to_{key}": "2026-03-01T23:59:59"})
    assert day["TotalItems"] == minute["TotalItems"] == seconds["TotalItems"]


@pytest.mark.parametrize(
    "order_by", ["Id", "CreatedOn", "TransactionDate", "Debit", "Balance", "CoworkerFullName", "Description"]
)
def test_sort_both_directions(api: Api, order_by: str) -> None:
    ascending = api.search(LEDGER, orderBy=order_by, dir=1, size=100)
    descending = api.search(LEDGER, orderBy=order_by, dir=-1, size=100)
    assert ascending["CurrentOrderField"] == descending["CurrentOrderField"] == order_by
    assert (ascending["CurrentSortDirection"], descending["CurrentSortDirection"]) == (1, -1)
    up = [r[order_by] for r in ascending["Records"]]
    down = [r[order_by] for r in descending["Records"]]
    assert up == sorted(up) and down == sorted(down, reverse=True) and up[0] != down[0]


def test_unknown_order_by_and_unknown_filters(api: Api) -> None:
    body = api.search(LEDGER, orderBy="NoSuchField", dir=-1, NoSuch_Filter="x", CoworkerLedgerEntry_Nope="1")
    assert body["CurrentOrderField"] == "Id" and body["TotalItems"] == 20000
    ids = [r["Id"] for r in body["Records"]]
    assert ids == sorted(ids, reverse=True)


def test_text_filter_takes_wildcards_literally(api: Api) -> None:
    assert api.search(LEDGER, CoworkerLedgerEntry_Description="%")["TotalItems"] == 0
    assert api.search(LEDGER, CoworkerLedgerEntry_Description="_")["TotalItems"] == 0


def test_filters_combine_with_and(api: Api) -> None:
    coworker = api.search(LEDGER, size=1)["Records"][0]["CoworkerId"]
    both = api.search(LEDGER, CoworkerLedgerEntry_Coworker=coworker, CoworkerLedgerEntry_Code="PAYM", size=1000)
    assert 0 < both["TotalItems"] < api.search(LEDGER, CoworkerLedgerEntry_Coworker=coworker)["TotalItems"]
    assert all(r["CoworkerId"] == coworker and r["Code"] == "PAYM" for r in both["Records"])


def test_paging_edges(api: Api) -> None:
    second = api.search(TOKENS, page=2, size=25)
    assert (second["FirstItem"], second["LastItem"], second["HasPreviousPage"], second["HasNextPage"]) == (
        26,
        50,
        True,
        True,
    )
    last = api.search(TOKENS, page=120, size=25)
    assert (last["FirstItem"], last["LastItem"], last["HasNextPage"], len(last["Records"])) == (2976, 3000, False, 25)
    past = api.search(TOKENS, page=500, size=25)
    assert past["Records"] == [] and past["TotalItems"] == 3000 and past["TotalPages"] == 120
    assert (past["CurrentPage"], past["FirstItem"], past["LastItem"], past["HasNextPage"]) == (500, 0, 0, False)
    zero = api.search(TOKENS, size=0)
    assert zero["CurrentPageSize"] == 25 and len(zero["Records"]) == 25
    huge = api.search(LEDGER, size=5000)
    assert huge["CurrentPageSize"] == huge["PageSize"] == 1000 and len(huge["Records"]) == 1000
    assert huge["TotalPages"] == 20
    empty = api.search(TOKENS, CoworkerInvoicePaymentToken_Token="no-such-token-anywhere")
    assert (empty["TotalItems"], empty["TotalPages"], empty["Records"], empty["HasNextPage"]) == (0, 0, [], False)


def test_pages_do_not_overlap(api: Api) -> None:
    seen: list[int] = []
    for page in (1, 2, 3):
        seen += [r["Id"] for r in api.search(LEDGER, orderBy="TransactionDate", dir=-1, page=page, size=50)["Records"]]
    assert len(seen) == len(set(seen)) == 150
