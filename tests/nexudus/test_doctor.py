"""`manage.py nexudus_doctor` against the real sandbox, on every profile and knob variant: it reports each
convention as the sandbox serves it, and exits non-zero when a setting disagrees."""

from __future__ import annotations

import io
import sys

import pytest
import requests
from django.core.management import call_command

LEDGER = "/api/billing/coworkerledgerentries"


@pytest.fixture(autouse=True)
def real_upstream(settings, upstream):
    """tests/nexudus points the client at a mocked host; the doctor talks to the sandbox."""
    settings.NEXUDUS_API_URL = upstream.url
    return upstream


def run_doctor(monkeypatch, email: str = "admin@sandbox.test", stdin: str = "sandbox\n") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("nexudus_doctor", email=email, password_stdin=True, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code)
    return code, out.getvalue() + err.getvalue()


def line(report: str, topic: str) -> str:
    return "\n".join(
        row
        for row in report.splitlines()
        if f"] {topic}:" in row or "setting to use" in row and topic == "Sort direction"
    )


PROFILES = [
    ("documented", {}),
    ("observed", {}),
    ("documented", {"dir_ascending": 0, "enum_encoding": "names"}),
    ("observed", {"dir_ascending": 1, "enum_encoding": "numbers", "ledger_balance": "recompute"}),
]


@pytest.mark.parametrize(("profile", "knobs"), PROFILES)
def test_the_doctor_reports_each_convention_and_agrees_when_set_right(upstream, settings, monkeypatch, profile, knobs):
    config = upstream.configure(profile=profile, **knobs)
    settings.NEXUDUS_SORT_DIR_ASCENDING = config["dir_ascending"]
    code, report = run_doctor(monkeypatch)
    assert code == 0, report
    assert f"setting to use: NEXUDUS_SORT_DIR_ASCENDING={config['dir_ascending']}" in report
    meaning = "0 means ascending and 1 descending" if config["dir_ascending"] == 0 else "1 means ascending"
    assert meaning in line(report, "Sort direction")
    enums = line(report, "Enums")
    if config["enum_encoding"] == "names":
        assert "numbers and names" in enums and "get-one: names" in enums
    else:
        assert "Enums arrive as numbers" in enums
    stamps = line(report, "Timestamps")
    assert (
        ("0 to 7 fractional digits" in stamps or "1 to 7" in stamps)
        if profile == "observed"
        else ("0 fractional digits" in stamps)
    )
    assert "Balances chain" in line(report, "Ledger balances")
    assert "every List and Read role" in line(report, "Roles")
    assert "median" in line(report, "Latency") and "Throttl" in report


@pytest.mark.parametrize("profile", ["observed", "documented"])
def test_a_disagreeing_sort_setting_exits_non_zero_and_names_the_setting(upstream, settings, monkeypatch, profile):
    config = upstream.configure(profile=profile)
    settings.NEXUDUS_SORT_DIR_ASCENDING = 1 - config["dir_ascending"]
    code, report = run_doctor(monkeypatch)
    assert code == 1
    assert "[DISAGREES] Sort direction" in report and "every sorted listing would be reversed" in report
    assert f"setting to use: NEXUDUS_SORT_DIR_ASCENDING={config['dir_ascending']}" in report


def test_balances_sent_wrong_under_as_sent_do_not_chain(upstream, settings, monkeypatch):
    config = upstream.configure(profile="documented", ledger_balance="as_sent")
    settings.NEXUDUS_SORT_DIR_ASCENDING = config["dir_ascending"]
    invoice = upstream.api("GET", "/api/billing/coworkerinvoices", params={"size": 1}).json()["Records"][0]
    for credit in (25, 50, 15):  # as fauxworking did live: Balance 0 after each credit
        body = {
            "BusinessId": invoice["BusinessId"],
            "CoworkerId": invoice["CoworkerId"],
            "Description": "Payment",
            "Code": "PAYM",
            "Debit": 0,
            "Credit": credit,
            "Balance": 0,
        }
        assert upstream.api("POST", LEDGER, json=body).json()["WasSuccessful"]
    code, report = run_doctor(monkeypatch)
    assert code == 0  # not a setting: reported, not an error
    assert "Balances do not chain" in line(report, "Ledger balances")
    assert f"customer {invoice['CoworkerId']}" in line(report, "Ledger balances")


def test_missing_roles_are_named(upstream, settings, monkeypatch):
    settings.NEXUDUS_SORT_DIR_ASCENDING = upstream.config()["dir_ascending"]
    code, report = run_doctor(monkeypatch, email="noroles@sandbox.test")
    roles = line(report, "Roles")
    assert "none of the read roles" in roles and "CoworkerLedgerEntry-List" in roles
    assert "Not checked: the account may list nothing" in report


def test_two_factor_code_from_the_next_line_and_a_wrong_password_exits_2(upstream, settings, monkeypatch):
    from tests.conftest import current_totp

    settings.NEXUDUS_SORT_DIR_ASCENDING = upstream.config()["dir_ascending"]
    code, report = run_doctor(monkeypatch, email="mfa@sandbox.test", stdin=f"sandbox\n{current_totp()}\n")
    assert code == 0, report
    code, report = run_doctor(monkeypatch, stdin="wrong\n")
    assert code == 2 and "Could not check Nexudus" in report


def test_the_doctor_writes_nothing_and_leaves_dashboard_sessions_alone(upstream, settings, monkeypatch):
    settings.NEXUDUS_SORT_DIR_ASCENDING = upstream.config()["dir_ascending"]
    upstream.configure(profile="observed")
    signed = requests.post(
        f"{upstream.url}/api/token",
        data={"grant_type": "password", "username": "admin@sandbox.test", "password": "sandbox"},
        headers={"client_id": "billing-desk:admin"},
        timeout=10,
    ).json()
    upstream.reset_counters()
    run_doctor(monkeypatch)
    endpoints = upstream.counters()["by_endpoint"]
    assert all(key.startswith("GET ") or key == "POST /api/token" for key in endpoints), endpoints
    assert endpoints["POST /api/token"] == 1
    # Its own client_id: the dashboard's refresh token still works after the doctor's sign-in.
    again = requests.post(
        f"{upstream.url}/api/token",
        data={"grant_type": "refresh_token", "refresh_token": signed["refresh_token"]},
        headers={"client_id": "billing-desk:admin"},
        timeout=10,
    )
    assert again.status_code == 200
