"""The token endpoint, token expiry and refresh rotation, 2FA, Basic auth and roles."""

from __future__ import annotations

import argparse
import time

import pytest
import requests

from sandbox.cli import add_arguments
from sandbox.totp import code_at
from tests.conftest import running_sandbox

from .conftest import BUSINESSES, COWORKERS, INVOICES, LEDGER, TOKENS, Api, sign_in

MFA_SECRET = "JBSWY3DPEHPK3PXP"


def refresh(url: str, refresh_token: str, client_id: str | None) -> requests.Response:
    headers = {"client_id": client_id} if client_id else {}
    return requests.post(
        f"{url}/api/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        headers=headers,
        timeout=10,
    )


def test_password_grant_shape(sb) -> None:
    response = sign_in(sb.url, "ops@sandbox.test")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert body["access_token"].startswith("eyJ") and body["refresh_token"]
    assert Api(sb.url, body["access_token"]).get(TOKENS).status_code == 200


def test_token_errors(sb) -> None:
    wrong = sign_in(sb.url, "ops@sandbox.test", password="nope")
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert set(wrong.json()) == {"error", "error_description"}
    assert sign_in(sb.url, "nobody@sandbox.test").json()["error"] == "invalid_grant"
    missing = requests.post(f"{sb.url}/api/token", data={"username": "ops@sandbox.test", "password": "sandbox"})
    assert missing.status_code == 400 and missing.json()["error"] == "unsupported_grant_type"
    as_json = requests.post(
        f"{sb.url}/api/token", json={"grant_type": "password", "username": "ops@sandbox.test", "password": "sandbox"}
    )
    assert as_json.status_code == 400 and as_json.json()["error"] == "unsupported_grant_type"
    other = requests.post(f"{sb.url}/api/token", data={"grant_type": "client_credentials"})
    assert other.json()["error"] == "unsupported_grant_type"


def test_two_factor(sb) -> None:
    without = sign_in(sb.url, "mfa@sandbox.test")
    assert without.status_code == 400 and without.json()["error"] == "two_factor_auth_check"
    now = code_at(MFA_SECRET)
    wrong_code = f"{(int(now) + 500000) % 1000000:06d}"
    wrong = sign_in(sb.url, "mfa@sandbox.test", totp=wrong_code)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    for code in (now, code_at(MFA_SECRET, time.time() - 30), code_at(MFA_SECRET, time.time() + 30)):
        assert sign_in(sb.url, "mfa@sandbox.test", totp=code).status_code == 200
    assert sign_in(sb.url, "mfa@sandbox.test", totp=code_at(MFA_SECRET, time.time() - 120)).status_code == 400
    # 2FA users cannot use Basic auth (no way to present a code).
    assert Api(sb.url, basic=("mfa@sandbox.test", "sandbox")).get(TOKENS).status_code == 401


def test_refresh_rotation_with_client_id(sb) -> None:
    first = sign_in(sb.url, "ops@sandbox.test", client_id="billing-desk:ops").json()
    assert refresh(sb.url, first["refresh_token"], "someone-else").json()["error"] == "invalid_grant"
    assert refresh(sb.url, first["refresh_token"], None).json()["error"] == "invalid_grant"
    second = refresh(sb.url, first["refresh_token"], "billing-desk:ops")
    assert second.status_code == 200
    second_body = second.json()
    assert set(second_body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert second_body["refresh_token"] != first["refresh_token"]
    # The used refresh token is dead; the earlier access token still works.
    reused = refresh(sb.url, first["refresh_token"], "billing-desk:ops")
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert Api(sb.url, first["access_token"]).get(TOKENS).status_code == 200
    assert Api(sb.url, second_body["access_token"]).get(TOKENS).status_code == 200
    assert refresh(sb.url, second_body["refresh_token"], "billing-desk:ops").status_code == 200


def test_refresh_invalidates_earlier_refresh_tokens_of_that_client(sb) -> None:
    one = sign_in(sb.url, "ops@sandbox.test", client_id="c1").json()
    two = sign_in(sb.url, "ops@sandbox.test", client_id="c1").json()
    other_client = sign_in(sb.url, "ops@sandbox.test", client_id="c2").json()
    assert refresh(sb.url, two["refresh_token"], "c1").status_code == 200
    assert refresh(sb.url, one["refresh_token"], "c1").json()["error"] == "invalid_grant"
    assert refresh(sb.url, other_client["refresh_token"], "c2").status_code == 200


def test_client_id_defaults_to_email(sb) -> None:
    body = sign_in(sb.url, "agent@sandbox.test").json()
    assert refresh(sb.url, body["refresh_token"], "agent@sandbox.test").status_code == 200


def test_access_token_expires(sb) -> None:
    sb.configure(token_lifetime_s=1)
    body = sign_in(sb.url, "ops@sandbox.test").json()
    assert body["expires_in"] == 1
    api = Api(sb.url, body["access_token"])
    assert api.get(TOKENS).status_code == 200
    time.sleep(1.2)
    expired = api.get(TOKENS)
    assert expired.status_code == 401
    renewed = refresh(sb.url, body["refresh_token"], "ops@sandbox.test").json()
    assert Api(sb.url, renewed["access_token"]).get(TOKENS).status_code == 200


def test_unauthenticated(sb) -> None:
    assert requests.get(sb.url + TOKENS, timeout=5).status_code == 401
    assert Api(sb.url, "eyJnot-a-token").get(LEDGER).status_code == 401


ALL = [TOKENS, LEDGER, INVOICES, COWORKERS, BUSINESSES]


def test_roles_per_user(login) -> None:
    ops, agent, noroles = login("ops@sandbox.test"), login("agent@sandbox.test"), login("noroles@sandbox.test")
    for path in ALL:
        assert ops.get(path).status_code == 200
        assert agent.get(path).status_code == 200
        assert noroles.get(path).status_code == 401
        record_id = ops.search(path, size=1)["Records"][0]["Id"]
        assert agent.get(f"{path}/{record_id}").status_code == 200
        assert noroles.get(f"{path}/{record_id}").status_code == 401
    invoice_id = ops.search(INVOICES, size=1)["Records"][0]["Id"]
    assert ops.post(TOKENS, {"CoworkerInvoiceId": invoice_id}).status_code == 200
    assert agent.post(TOKENS, {"CoworkerInvoiceId": invoice_id}).status_code == 401
    token = ops.search(TOKENS, size=1)["Records"][0]
    # ops may create but neither edit nor delete.
    assert ops.put(TOKENS, {"Id": token["Id"], "CoworkerInvoiceId": invoice_id}).status_code == 401
    assert ops.delete(f"{TOKENS}/{token['Id']}").status_code == 401


def test_role_error_status_switches_to_403(sb, login) -> None:
    sb.configure(role_error_status=403)
    agent = login("agent@sandbox.test")
    assert agent.post(TOKENS, {"CoworkerInvoiceId": 300001}).status_code == 403
    assert login("noroles@sandbox.test").get(LEDGER).status_code == 403
    # Authentication failures stay 401.
    assert Api(sb.url, "eyJbogus").get(LEDGER).status_code == 401


def test_mfa_user_is_admin(sb) -> None:
    token = sign_in(sb.url, "mfa@sandbox.test", totp=code_at(MFA_SECRET)).json()["access_token"]
    api = Api(sb.url, token)
    assert api.delete(f"{TOKENS}/{api.search(TOKENS, size=1)['Records'][0]['Id']}").status_code == 200


def test_bench_users_are_staff_accounts_of_their_own() -> None:
    """`--bench-users N` adds N accounts with exactly the ops roles; each is a person of its own to the
    sandbox (own token, own counter), the accounts survive a reset, and none exist past N or by default."""
    with running_sandbox("--bench-users", "3") as started:
        apis = []
        for number in (1, 2, 3):
            answer = sign_in(started.url, f"bench-{number}@sandbox.test")
            assert answer.status_code == 200, answer.text
            apis.append(Api(started.url, answer.json()["access_token"]))
        assert sign_in(started.url, "bench-4@sandbox.test").json()["error"] == "invalid_grant"
        assert sign_in(started.url, "bench-1@sandbox.test", password="nope").status_code == 400
        first = apis[0]
        for path in ALL:
            assert first.get(path).status_code == 200
        invoice_id = first.search(INVOICES, size=1)["Records"][0]["Id"]
        assert first.post(TOKENS, {"CoworkerInvoiceId": invoice_id}).status_code == 200
        token = first.search(TOKENS, size=1)["Records"][0]
        # The ops roles: create, but neither edit nor delete.
        assert first.put(TOKENS, {"Id": token["Id"], "CoworkerInvoiceId": invoice_id}).status_code == 401
        assert first.delete(f"{TOKENS}/{token['Id']}").status_code == 401
        started.reset_counters()
        for api in apis:
            assert api.get(BUSINESSES).status_code == 200
        by_user = started.counters()["by_user"]
        assert {email: by_user.get(email) for email in (f"bench-{n}@sandbox.test" for n in (1, 2, 3))} == {
            "bench-1@sandbox.test": 1,
            "bench-2@sandbox.test": 1,
            "bench-3@sandbox.test": 1,
        }
        started.reset()
        assert sign_in(started.url, "bench-3@sandbox.test").status_code == 200
        assert apis[2].get(BUSINESSES).status_code == 200


def test_no_bench_users_by_default(sb) -> None:
    assert sign_in(sb.url, "bench-1@sandbox.test").json()["error"] == "invalid_grant"


def test_bench_users_option_refuses_a_negative_count() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert parser.parse_args(["--bench-users", "50"]).bench_users == 50
    assert parser.parse_args([]).bench_users == 0
    with pytest.raises(SystemExit):
        parser.parse_args(["--bench-users", "-1"])
