"""The client reads both the documented shapes and the ones public captures of the live API show
(`../shared/nexudus/live-evidence.md`): enums by number or name, 0-7 fractional digits, money as number or
string, absent fields as unknown, whole records in create answers, and `dir` only with `orderBy`."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from responses import matchers

from dashboard.nexudus import wire
from dashboard.nexudus.client import NexudusClient
from dashboard.nexudus.enums import PaymentProvider, RegularPaymentProvider, UnknownMember
from dashboard.nexudus.queries import LedgerEntryDraft, LedgerEntryQuery, PaymentTokenDraft, PaymentTokenQuery
from dashboard.nexudus.records import LedgerEntry, Page, PaymentToken, parse_datetime, parse_decimal

from .conftest import API

TOKENS = f"{API}/api/billing/coworkerinvoicepaymenttokens"
LEDGER = f"{API}/api/billing/coworkerledgerentries"

# A ledger record as fauxworking's data/created-ids/financial.json shows them: TotalAmount a number,
# PaymentGatewayName null, no Billed, no TransactionDateLocal; fractional timestamps.
LIVE_LEDGER_RECORD = {
    "Id": 1430000001,
    "BusinessId": 1421021016,
    "BusinessName": "Explore 2.0",
    "BusinessCurrencyCode": "GBP",
    "CoworkerId": 1423560874,
    "CoworkerFullName": "Stanley Griffiths",
    "CoworkerInvoiceId": 1429965643,
    "CoworkerInvoiceInvoiceNumber": "INV-0001",
    "CoworkerInvoiceTotalAmount": 90.0,
    "CoworkerInvoicePaid": True,
    "Description": "Payment",
    "Code": "PAYM",
    "Debit": 0.0,
    "Credit": 25.0,
    "Balance": 0.0,
    "PaymentGatewayName": None,
    "TransactionDate": "2026-04-06T12:35:24.0050623Z",
    "CreatedOn": "2026-04-06T12:35:24.0050623Z",
    "UpdatedOn": "2026-04-06T12:35:11.1Z",
}


@pytest.fixture
def client(tokens) -> NexudusClient:
    return NexudusClient(tokens=tokens)


# --- enums ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire_value", "member"),
    [
        (1, RegularPaymentProvider.MultiGateway),
        ("1", RegularPaymentProvider.MultiGateway),
        ("MultiGateway", RegularPaymentProvider.MultiGateway),
        ("multigateway", RegularPaymentProvider.MultiGateway),
        (" StripeACH ", RegularPaymentProvider.StripeACH),
        (99.0, RegularPaymentProvider.Other),
        (None, None),
        (0, None),
        ("", None),
        ("None", None),
        ("0", None),
    ],
)
def test_enum_by_number_or_by_name(wire_value, member):
    assert RegularPaymentProvider.parse(wire_value) is member


@pytest.mark.parametrize("wire_value", [12345, "14", "Bitcoin", "-3", True, 2.5])
def test_an_unknown_enum_value_is_kept_and_labelled_unknown(wire_value):
    parsed = RegularPaymentProvider.parse(wire_value)
    assert isinstance(parsed, UnknownMember) and parsed.raw == wire_value
    assert parsed.label == f"Unknown ({wire_value})"
    assert parsed  # truthy: templates show its label, never "Not specified"


def test_a_token_record_with_the_provider_by_name(nexudus, client):
    nexudus.get(f"{TOKENS}/11", json={"Id": 11, "CoworkerInvoiceId": 4, "RegularPaymentProvider": "GoCardless"})
    nexudus.get(f"{TOKENS}/12", json={"Id": 12, "CoworkerInvoiceId": 4, "RegularPaymentProvider": "Dogecoin"})
    assert client.get_payment_token(11).provider is RegularPaymentProvider.GoCardless
    assert client.get_payment_token(12).provider.label == "Unknown (Dogecoin)"


@given(st.sampled_from(list(PaymentProvider)), st.sampled_from(["name", "number", "text"]))
def test_every_member_parses_from_each_encoding(member, encoding):
    value = {"name": member.name, "number": member.value, "text": str(member.value)}[encoding]
    assert PaymentProvider.parse(value) is member


# --- dates and money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-06T12:35:24Z", datetime(2026, 4, 6, 12, 35, 24, tzinfo=UTC)),
        ("2026-04-06T12:35:11.1Z", datetime(2026, 4, 6, 12, 35, 11, 100000, tzinfo=UTC)),
        ("2026-04-06T12:35:24.0050623Z", datetime(2026, 4, 6, 12, 35, 24, 5062, tzinfo=UTC)),
        ("2026-04-06T12:35:24.999999999Z", datetime(2026, 4, 6, 12, 35, 24, 999999, tzinfo=UTC)),
        ("2026-04-06T12:35:24.12", datetime(2026, 4, 6, 12, 35, 24, 120000, tzinfo=UTC)),
        ("2026-04-06T12:35:24.1234567+02:00", datetime(2026, 4, 6, 10, 35, 24, 123456, tzinfo=UTC)),
    ],
)
def test_timestamps_with_any_fractional_precision(text, expected):
    assert parse_datetime(text) == expected


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    st.integers(min_value=0, max_value=9),
)
def test_fraction_digits_never_move_the_second(moment, places):
    whole = moment.replace(microsecond=0)
    digits = f"{moment.microsecond:06d}987"[:places]
    text = whole.strftime("%Y-%m-%dT%H:%M:%S") + (f".{digits}" if places else "") + "Z"
    parsed = parse_datetime(text)
    assert parsed.replace(microsecond=0) == whole.replace(tzinfo=UTC)
    assert parsed.microsecond == int((digits + "000000")[:6] or 0)


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (90.0, Decimal("90.0")),
        ("90.00", Decimal("90.00")),
        (0.1, Decimal("0.1")),
        (1122.52, Decimal("1122.52")),
        ("1122.52", Decimal("1122.52")),
    ],
)
def test_money_as_number_or_string(value, amount):
    assert parse_decimal(value) == amount


def test_a_live_ledger_record():
    entry = LedgerEntry.from_api(LIVE_LEDGER_RECORD)
    assert entry.invoice_total_amount == Decimal("90.0")
    assert entry.payment_gateway is None
    assert entry.billed is None  # not given: unknown, never "No"
    assert entry.transaction_date_local is None
    assert entry.created_on == datetime(2026, 4, 6, 12, 35, 24, 5062, tzinfo=UTC)
    assert LedgerEntry.from_api({**LIVE_LEDGER_RECORD, "Billed": False}).billed is False


# --- create answers ----------------------------------------------------------------------------------


def _created(value: dict, name: str = "x") -> dict:
    return {
        "Status": 200,
        "Message": f'Coworker Ledger Entry "{name}" was successfully created.',
        "Value": value,
        "WasSuccessful": True,
        "UpdatedOn": "2026-04-06T12:35:24.0050623Z",
        "UpdatedBy": "a@b.test",
    }


DRAFT = LedgerEntryDraft(
    business_id=1, coworker_id=2, description="Payment", code="PAYM", debit=Decimal("0"), credit=Decimal("25")
)


def test_a_whole_record_in_the_create_answer_saves_the_get_one(nexudus, client):
    nexudus.post(LEDGER, json=_created(LIVE_LEDGER_RECORD))
    result = client.create_ledger_entry(DRAFT)
    assert result.id == 1430000001 and isinstance(result.record, LedgerEntry)
    assert result.updated_on == datetime(2026, 4, 6, 12, 35, 24, 5062, tzinfo=UTC)

    entry = client.get_ledger_entry(1430000001)

    assert entry == result.record
    assert [call.request.method for call in nexudus.calls] == ["POST"]  # no get-one was sent


def test_an_id_only_create_answer_keeps_the_get_one(nexudus, client):
    nexudus.post(LEDGER, json=_created({"Id": 1430000001}))
    fetched = nexudus.get(f"{LEDGER}/1430000001", json=LIVE_LEDGER_RECORD)
    result = client.create_ledger_entry(DRAFT)
    assert result.record is None

    assert client.get_ledger_entry(1430000001).id == 1430000001
    assert fetched.call_count == 1


def test_an_unreadable_record_in_the_create_answer_still_reports_the_created_id(nexudus, client):
    nexudus.post(TOKENS, json=_created({"Id": 7, "CreatedOn": "yesterday"}))
    fetched = nexudus.get(f"{TOKENS}/7", json={"Id": 7, "CoworkerInvoiceId": 4})
    result = client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=4))
    assert (result.id, result.record) == (7, None)
    assert client.get_payment_token(7).coworker_invoice_id == 4 and fetched.call_count == 1


def test_a_put_answer_is_never_taken_for_the_record(nexudus, client):
    nexudus.put(TOKENS, json=_created({"Id": 7, "Token": "tok"}))
    result = client.update_payment_token(7, PaymentTokenDraft(coworker_invoice_id=4))
    assert (result.id, result.record) == (7, None)


# --- sorting -----------------------------------------------------------------------------------------


def test_no_dir_without_order_by(nexudus, client):
    nexudus.get(TOKENS, json={"Records": []})
    client.search_payment_tokens(PaymentTokenQuery())
    assert "dir" not in nexudus.calls[0].request.params and "orderBy" not in nexudus.calls[0].request.params


@pytest.mark.parametrize(("ascending", "sent"), [(0, "1"), (1, "-1")])
def test_descending_without_a_sort_field_sorts_by_id(nexudus, client, settings, ascending, sent):
    settings.NEXUDUS_SORT_DIR_ASCENDING = ascending
    nexudus.get(
        TOKENS,
        json={"Records": []},
        match=[matchers.query_param_matcher({"orderBy": "Id", "dir": sent}, strict_match=False)],
    )
    client.search_payment_tokens(PaymentTokenQuery(descending=True))
    assert len(nexudus.calls) == 1


@pytest.mark.parametrize(
    ("ascending", "current", "descending"),
    [(1, 1, False), (1, -1, True), (0, 0, False), (0, 1, True), (1, "DESC", True), (0, "ASC", False)],
)
def test_the_answer_sort_direction_is_read_under_the_same_reading(ascending, current, descending):
    page = Page.from_api(
        {"Records": [], "CurrentSortDirection": current},
        PaymentToken.from_api,
        descending_value=wire.descending_value(ascending),
    )
    assert page.descending is descending


@pytest.mark.parametrize(("ascending", "up", "down"), [(0, "0", "1"), (1, "1", "-1")])
def test_sort_dir(ascending, up, down):
    assert wire.sort_dir(descending=False, ascending_value=ascending) == up
    assert wire.sort_dir(descending=True, ascending_value=ascending) == down


def test_ledger_query_sorted_ascending_under_the_default_reading(nexudus, client):
    nexudus.get(
        LEDGER,
        json={"Records": []},
        match=[matchers.query_param_matcher({"orderBy": "TransactionDate", "dir": "0"}, strict_match=False)],
    )
    client.search_ledger_entries(LedgerEntryQuery(order_by="transaction_date"))
    assert len(nexudus.calls) == 1


def test_a_token_string_echoed_in_the_create_message_is_masked(nexudus, client):
    secret = "pm_1SecretTokenValue9876"
    record = {"Id": 7, "CoworkerInvoiceId": 4, "Token": secret, "ToStringText": secret}
    nexudus.post(
        TOKENS,
        json={**_created(record), "Message": f'Coworker Invoice Payment Token "{secret}" was successfully created.'},
    )
    result = client.create_payment_token(PaymentTokenDraft(coworker_invoice_id=4, token=secret))
    assert secret not in result.message and result.message.endswith('"••••••••9876" was successfully created.')
    assert result.record.token == secret  # the record itself is the caller's, masked where it is shown
