"""The `observed` profile (what public captures of the live API show) and the knobs, against the real
sandbox; the `documented` contract is in test_contract.py, test_search.py and test_writes.py."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import requests

from tests.conftest import running_sandbox
from tests.sandbox.test_writes import new_entry

from .conftest import COWORKERS, LEDGER, TOKENS, Api, sign_in

FRACTIONAL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$")
observed = pytest.mark.sandbox_profile("observed")


@observed
def test_create_answer_carries_the_whole_record_and_names_it(api: Api) -> None:
    answer = api.post(TOKENS, {"CoworkerInvoiceId": 300001, "RegularPaymentProvider": 2, "Token": "tok_live_1"})
    body = answer.json()
    assert answer.status_code == 200 and body["WasSuccessful"] is True
    record = body["Value"]
    assert record["Token"] == "tok_live_1" and record["CoworkerInvoiceId"] == 300001
    assert record["RegularPaymentProvider"] == "Stripe"  # a single record: enum by name
    assert body["Message"] == 'Coworker Invoice Payment Token "tok_live_1" was successfully created.'
    fetched = api.get(f"{TOKENS}/{record['Id']}").json()
    assert fetched == record
    # PUT answers with the Id only.
    updated = api.put(TOKENS, {"Id": record["Id"], "CoworkerInvoiceId": 300001, "Notes": "n"}).json()
    assert updated["Value"] == {"Id": record["Id"]}


@observed
def test_ledger_records_as_seen_live(api: Api) -> None:
    body = new_entry(api, Credit=25, Balance=0)
    created = api.post(LEDGER, body).json()["Value"]
    assert "Billed" not in created and "TransactionDateLocal" not in created
    assert created["PaymentGatewayName"] is None  # unset: null, not 0
    assert created["Balance"] == 0 and created["Credit"] == 25
    paid_entry = api.search(LEDGER, CoworkerLedgerEntry_CoworkerInvoice_Paid="true", size=1)["Records"][0]
    assert isinstance(paid_entry["CoworkerInvoiceTotalAmount"], float)
    named = api.get(f"{LEDGER}/{paid_entry['Id']}").json()
    listed_gateway = paid_entry["PaymentGatewayName"]
    assert isinstance(listed_gateway, int) or listed_gateway is None  # lists keep numbers
    assert named["PaymentGatewayName"] is None or isinstance(named["PaymentGatewayName"], str)


@observed
def test_timestamps_have_zero_to_seven_fractional_digits(api: Api) -> None:
    records = api.search(LEDGER, size=200)["Records"]
    stamps = [r[key] for r in records for key in ("CreatedOn", "UpdatedOn")]
    assert all(FRACTIONAL_DATE.match(stamp) for stamp in stamps)
    places = {len(stamp.split(".")[1]) - 1 if "." in stamp else 0 for stamp in stamps}
    assert places == set(range(8))
    # The same record reads the same every time.
    again = api.get(f"{LEDGER}/{records[0]['Id']}").json()
    assert again["CreatedOn"] == records[0]["CreatedOn"]
    assert all(datetime.fromisoformat(stamp.replace("Z", "+00:00")) for stamp in stamps)


@observed
def test_enum_names_on_single_records_numbers_in_lists(api: Api) -> None:
    coworker = api.search(COWORKERS, size=1)["Records"][0]
    assert isinstance(coworker["CoworkerType"], int)
    one = api.get(f"{COWORKERS}/{coworker['Id']}").json()
    assert one["CoworkerType"] in ("Individual", "Company")
    batch = api.get(f"{COWORKERS}/", id=f"[{coworker['Id']}]").json()
    assert batch[0]["CoworkerType"] == one["CoworkerType"]


@pytest.mark.sandbox_profile("documented", enum_encoding="names")
def test_enum_encoding_is_a_knob_of_its_own(api: Api) -> None:
    coworker = api.search(COWORKERS, size=1)["Records"][0]
    assert api.get(f"{COWORKERS}/{coworker['Id']}").json()["CoworkerType"] in ("Individual", "Company")
    created = api.post(TOKENS, {"CoworkerInvoiceId": 300001}).json()
    assert created["Value"] == {"Id": created["Value"]["Id"]}  # the documented create answer


@pytest.mark.parametrize(("ascending", "descending", "wire"), [(1, -1, (1, -1)), (0, 1, (0, 1))])
def test_dir_meaning(sb, api: Api, ascending: int, descending: int, wire: tuple[int, int]) -> None:
    sb.configure(dir_ascending=ascending)
    up = api.search(LEDGER, orderBy="Id", dir=ascending, size=5)
    down = api.search(LEDGER, orderBy="Id", dir=descending, size=5)
    assert (up["CurrentSortDirection"], down["CurrentSortDirection"]) == wire
    up_ids, down_ids = [r["Id"] for r in up["Records"]], [r["Id"] for r in down["Records"]]
    assert up_ids == sorted(up_ids) and down_ids == sorted(down_ids, reverse=True)
    # No dir at all: ascending under either reading.
    plain = [r["Id"] for r in api.search(LEDGER, orderBy="Id", size=5)["Records"]]
    assert plain == up_ids


def refresh(url: str, refresh_token: str, client_id: str) -> requests.Response:
    return requests.post(
        f"{url}/api/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        headers={"client_id": client_id},
        timeout=10,
    )


@pytest.mark.parametrize("profile", ["observed", "documented"])
def test_a_new_sign_in_invalidates_earlier_refresh_tokens_only_when_observed(sb, profile: str) -> None:
    sb.configure(profile=profile)
    first = sign_in(sb.url, "ops@sandbox.test", client_id="desk:ops").json()
    other_client = sign_in(sb.url, "ops@sandbox.test", client_id="desk:other").json()
    second = sign_in(sb.url, "ops@sandbox.test", client_id="desk:ops").json()
    first_refresh = refresh(sb.url, first["refresh_token"], "desk:ops")
    assert first_refresh.status_code == (400 if profile == "observed" else 200)
    # Another client_id's tokens and the newest sign-in's are untouched; access tokens stay valid.
    assert refresh(sb.url, other_client["refresh_token"], "desk:other").status_code == 200
    if profile == "observed":
        assert refresh(sb.url, second["refresh_token"], "desk:ops").status_code == 200
    assert Api(sb.url, first["access_token"]).get(TOKENS, size=1).status_code == 200


@pytest.mark.parametrize("status", [400, 500])
def test_ooops_fault(sb, api: Api, status: int) -> None:
    sb.fault("ooops", status=status, path=LEDGER)
    answer = api.get(LEDGER)
    assert answer.status_code == status
    assert answer.json()["Message"].startswith("Ooops! There was a problem while running this action")
    assert api.get(LEDGER).status_code == 200  # transient


def test_delete_answering_200_unsuccessful(sb, api: Api) -> None:
    created = api.post(TOKENS, {"CoworkerInvoiceId": 300001}).json()["Value"]["Id"]
    sb.fault("unsuccessful", method="DELETE", path=TOKENS)
    answer = api.delete(f"{TOKENS}/{created}")
    assert answer.status_code == 200 and answer.json()["WasSuccessful"] is False
    assert api.get(f"{TOKENS}/{created}").status_code == 200  # nothing was deleted


def test_profile_config_applies_its_preset_and_overrides_on_top(sb) -> None:
    config = sb.configure(profile="documented", dir_ascending=0)
    assert (config["profile"], config["ledger_balance"], config["enum_encoding"], config["dir_ascending"]) == (
        "documented",
        "recompute",
        "numbers",
        0,
    )
    config = sb.configure(profile="observed")
    assert (config["ledger_balance"], config["enum_encoding"], config["dir_ascending"]) == ("as_sent", "names", 0)
    refused = requests.post(f"{sb.url}/_sandbox/config", json={"dir_ascending": 2}, timeout=10)
    assert refused.status_code == 400


def test_profile_from_the_environment_and_flags_over_it(monkeypatch) -> None:
    monkeypatch.setenv("NEXUDUS_SANDBOX_PROFILE", "documented")
    with running_sandbox("--enum-encoding", "names", "--throttle-status", "409") as started:
        config = started.config()
    assert (config["profile"], config["ledger_balance"], config["enum_encoding"], config["throttle_status"]) == (
        "documented",
        "recompute",
        "names",
        409,
    )
