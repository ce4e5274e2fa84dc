"""The `ledger_balance` knob: balances recomputed by the sandbox (the docs) or kept as sent (seen live)."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import running_sandbox
from tests.sandbox.test_writes import chain, new_entry

from .conftest import LEDGER, Api, sign_in


@pytest.mark.sandbox_profile("documented")
def test_recompute_is_the_documented_value_and_ignores_the_balance_sent(sb, api: Api) -> None:
    assert sb.config()["ledger_balance"] == "recompute"
    body = new_entry(api, Debit=7.5, Credit=0, Balance=4242.42, Code="CHRG", Description="Desk")
    before = chain(api, body["CoworkerId"], body["BusinessId"])
    created = api.post(LEDGER, body).json()["Value"]["Id"]
    expected = round((before[-1]["Balance"] if before else 0) + 7.5, 2)
    assert api.get(f"{LEDGER}/{created}").json()["Balance"] == expected


@pytest.mark.sandbox_profile("documented", ledger_balance="as_sent")
def test_as_sent_keeps_the_balance_sent_and_zero_when_none(sb, api: Api) -> None:
    assert sb.config()["ledger_balance"] == "as_sent"
    body = new_entry(api, Debit=0, Credit=25, Balance=0)
    before = chain(api, body["CoworkerId"], body["BusinessId"])
    first = api.post(LEDGER, body).json()["Value"]["Id"]
    second = api.post(LEDGER, {**body, "Credit": 50, "Balance": 123.45}).json()["Value"]["Id"]
    missing = {key: value for key, value in body.items() if key != "Balance"}
    third = api.post(LEDGER, missing)
    assert third.status_code == 200, third.text
    assert api.get(f"{LEDGER}/{first}").json()["Balance"] == 0
    assert api.get(f"{LEDGER}/{second}").json()["Balance"] == 123.45
    assert api.get(f"{LEDGER}/{third.json()['Value']['Id']}").json()["Balance"] == 0
    # Earlier entries of the chain keep what they had: nothing is recomputed.
    after = {entry["Id"]: entry["Balance"] for entry in chain(api, body["CoworkerId"], body["BusinessId"])}
    assert all(after[entry["Id"]] == entry["Balance"] for entry in before)
    # PUT also stores what is sent; DELETE leaves the others alone.
    updated = api.put(LEDGER, {**body, "Id": first, "Balance": -9.99})
    assert updated.status_code == 200
    assert api.get(f"{LEDGER}/{first}").json()["Balance"] == -9.99
    assert api.delete(f"{LEDGER}/{first}").status_code == 200
    assert api.get(f"{LEDGER}/{second}").json()["Balance"] == 123.45


@pytest.mark.sandbox_profile("observed", ledger_balance="recompute")
def test_recompute_still_requires_a_balance(sb, api: Api) -> None:
    body = {key: value for key, value in new_entry(api).items() if key != "Balance"}
    refused = api.post(LEDGER, body)
    assert refused.status_code == 400 and refused.json()["Errors"][0]["PropertyName"] == "Balance"


def test_config_refuses_unknown_values_and_reset_restores_the_start_value(sb) -> None:
    refused = requests.post(f"{sb.url}/_sandbox/config", json={"ledger_balance": "maybe"}, timeout=10)
    assert refused.status_code == 400 and "recompute, as_sent" in refused.json()["error"]
    start = sb.config()["ledger_balance"]
    sb.configure(ledger_balance="recompute" if start == "as_sent" else "as_sent")
    sb.reset()
    assert sb.config()["ledger_balance"] == start


def test_start_flag_sets_the_value_reset_returns_to() -> None:
    with running_sandbox("--profile", "documented", "--ledger-balance", "as_sent") as started:
        assert started.configure()["ledger_balance"] == "as_sent"
        started.configure(ledger_balance="recompute")
        started.reset()
        assert started.configure()["ledger_balance"] == "as_sent"
        api = Api(started.url, sign_in(started.url, "admin@sandbox.test").json()["access_token"])
        created = api.post(LEDGER, new_entry(api, Balance=77)).json()["Value"]["Id"]
        assert api.get(f"{LEDGER}/{created}").json()["Balance"] == 77
