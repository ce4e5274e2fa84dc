"""Correcting a saved payment token (issue 19): provider and notes through a confirm step, and delete
through a confirm step; each sent once, audited, and in the record's history."""

from __future__ import annotations

import json
import re

from dashboard.audit.models import AuditRecord

from .helpers import KEY, TOKENS_API, fresh_key

INVOICE = 300001


def _create(client, upstream, token: str, **fields) -> int:
    response = client.post(
        "/payment-tokens/new/",
        {
            "submission_key": fresh_key(client),
            "coworker_invoice_id": INVOICE,
            "provider": "2",
            "token": token,
            **fields,
        },
    )
    assert response.status_code == 302
    return int(re.search(r"/payment-tokens/(\d+)/", response["Location"]).group(1))


def test_edit_shows_the_change_then_saves_it_once_into_the_history(admin_client_nexudus, upstream):
    token_id = _create(admin_client_nexudus, upstream, "pm_edit_0001")
    url = f"/payment-tokens/{token_id}/edit/"
    form = admin_client_nexudus.get(url).content.decode()
    key = KEY.search(form).group(1)
    data = {"submission_key": key, "provider": "96", "notes": "Paid by bank transfer, not card"}
    review = admin_client_nexudus.post(url, {**data, "action": "review"}).content.decode()
    assert "Check the change before it is saved" in review
    assert "from “Stripe” to “Bank Transfer”" in review
    assert upstream.api("GET", f"{TOKENS_API}/{token_id}").json()["Notes"] in (None, "")  # nothing sent yet
    done = admin_client_nexudus.post(url, {**data, "action": "confirm"})
    assert done.status_code == 302
    again = admin_client_nexudus.post(url, {**data, "action": "confirm"})  # a second click: the first result
    assert again.status_code == 302
    record = upstream.api("GET", f"{TOKENS_API}/{token_id}").json()
    assert record["Notes"] == "Paid by bank transfer, not card"
    assert record["Token"] == "pm_edit_0001"  # PUT kept the token
    detail = admin_client_nexudus.get(done["Location"]).content.decode()
    assert "was changed" in detail and "Bank Transfer" in detail
    history = detail[detail.index("Dashboard history") :]
    change = "changed the payment provider from Stripe to Bank Transfer and the notes from (none) to"
    assert history.count(change) == 1 and "pm_edit_0001" not in history


def test_an_unchanged_edit_is_refused_without_sending(admin_client_nexudus, upstream):
    token_id = _create(admin_client_nexudus, upstream, "pm_edit_0002")
    url = f"/payment-tokens/{token_id}/edit/"
    key = KEY.search(admin_client_nexudus.get(url).content.decode()).group(1)
    html = admin_client_nexudus.post(url, {"submission_key": key, "provider": "2", "notes": "", "action": "confirm"})
    assert "Nothing was changed" in html.content.decode()


def test_delete_asks_first_then_deletes_once_and_keeps_the_history(admin_client_nexudus, upstream):
    token_id = _create(admin_client_nexudus, upstream, "pm_delete_0001")
    url = f"/payment-tokens/{token_id}/delete/"
    confirm = admin_client_nexudus.get(url).content.decode()
    assert f"Delete payment token {token_id}?" in confirm
    assert upstream.api("GET", f"{TOKENS_API}/{token_id}").status_code == 200  # nothing sent on GET
    key = KEY.search(confirm).group(1)
    done = admin_client_nexudus.post(url, {"submission_key": key})
    assert done.status_code == 302
    listing = admin_client_nexudus.get(done["Location"]).content.decode()
    assert "was deleted" in listing
    assert upstream.api("GET", f"{TOKENS_API}/{token_id}").status_code == 404
    # Sent again (back and resubmit): the token is gone, so the page says so; nothing else is deleted.
    assert admin_client_nexudus.post(url, {"submission_key": key}).status_code == 404
    audit = admin_client_nexudus.get("/audit/").content.decode()
    assert "Delete" in audit


def _edit(client, token_id: int, **data):
    url = f"/payment-tokens/{token_id}/edit/"
    key = KEY.search(client.get(url).content.decode()).group(1)
    return client.post(url, {"submission_key": key, "action": "confirm", **data})


def _history(client, token_id: int) -> str:
    detail = client.get(f"/payment-tokens/{token_id}/").content.decode()
    return detail[detail.index("Dashboard history") :]


def _audit_rows_text() -> str:
    return json.dumps([[r.request_summary, r.answer_summary] for r in AuditRecord.objects.all()], ensure_ascii=False)


def test_the_history_says_what_each_edit_changed_with_the_values_nexudus_had_before(admin_client_nexudus, upstream):
    token_id = _create(admin_client_nexudus, upstream, "pm_hist_edit_4242", notes="Paid by card")
    assert _edit(admin_client_nexudus, token_id, provider="12", notes="Card replaced").status_code == 302
    # Changed in Nexudus behind the dashboard's back: the next change starts from what Nexudus had then.
    upstream.api(
        "PUT",
        TOKENS_API,
        json={
            "Id": token_id,
            "CoworkerInvoiceId": INVOICE,
            "RegularPaymentProvider": 97,
            "Token": "pm_hist_edit_4242",
            "Notes": "Card replaced",
        },
    )
    assert _edit(admin_client_nexudus, token_id, provider="96", notes="").status_code == 302
    history = _history(admin_client_nexudus, token_id)
    lines = re.findall(r"<li class=\"history-line[^>]*>(.*?)</li>", history, re.S)
    assert len(lines) == 3  # newest first
    assert (
        "admin@sandbox.test</span> changed the payment provider from Cash to Bank Transfer"
        " and the notes from “Card replaced” to (none)" in lines[0]
    )
    assert (
        "changed the payment provider from Stripe to GoCardless and the notes from “Paid by card” to “Card replaced”"
        in lines[1]
    )
    assert "created it (Stripe ••••••••4242 for invoice ID 300001, notes “Paid by card”)" in lines[2]
    before = AuditRecord.objects.filter(action="update").order_by("id").last().request_summary["before"]
    assert before == {
        "coworker_invoice_id": INVOICE,
        "provider": "Cash",
        "token": "••••••••4242",
        "notes": "Card replaced",
    }
    assert "pm_hist_edit" not in _audit_rows_text() + history  # the token string is never filed nor shown


def test_the_history_of_a_deleted_token_says_what_it_was(admin_client_nexudus, upstream):
    token_id = _create(admin_client_nexudus, upstream, "pm_hist_delete_9876", notes="Wrong <b>invoice</b>")
    url = f"/payment-tokens/{token_id}/delete/"
    key = KEY.search(admin_client_nexudus.get(url).content.decode()).group(1)
    assert admin_client_nexudus.post(url, {"submission_key": key}).status_code == 302
    assert upstream.api("GET", f"{TOKENS_API}/{token_id}").status_code == 404
    # The token's page is gone with it; its full history is the audit trail filtered to it.
    audit = admin_client_nexudus.get("/audit/", {"resource": "payment_token", "record_id": token_id}).content.decode()
    said = (
        "Delete the token (it was Stripe ••••••••9876 for invoice ID 300001, notes “Wrong &lt;b&gt;invoice&lt;/b&gt;”)"
    )
    assert said in audit and "<b>invoice" not in audit
    row = AuditRecord.objects.get(action="delete", record_id=token_id)
    assert row.outcome == "success" and row.request_summary["before"]["token"] == "••••••••9876"
    assert "pm_hist_delete" not in _audit_rows_text() + audit


def test_an_edit_nexudus_refused_or_did_not_answer_is_told_as_an_attempt(admin_client_nexudus, upstream):
    token_id = _create(admin_client_nexudus, upstream, "pm_hist_fail_0001")
    upstream.fault("unsuccessful", method="PUT", path=TOKENS_API)
    _edit(admin_client_nexudus, token_id, provider="96", notes="")
    upstream.fault("drop", method="PUT", path=TOKENS_API)
    _edit(admin_client_nexudus, token_id, provider="97", notes="")
    history = _history(admin_client_nexudus, token_id)
    assert "tried to change the payment provider from Stripe to Cash; outcome unknown" in history
    assert "tried to change the payment provider from Stripe to Bank Transfer; Nexudus refused: Ooops!" in history
    assert "admin@sandbox.test</span> changed" not in history
    assert upstream.api("GET", f"{TOKENS_API}/{token_id}").json()["RegularPaymentProvider"] in (2, "Stripe")


def test_the_history_costs_no_upstream_call_however_long_it_is(admin_client_nexudus, upstream):
    token_id = _create(admin_client_nexudus, upstream, "pm_hist_calls_0001")
    admin_client_nexudus.get(f"/payment-tokens/{token_id}/")  # the session's sign-in refreshes are behind it
    upstream.reset_counters()
    admin_client_nexudus.get(f"/payment-tokens/{token_id}/")
    one_line = upstream.counters()["by_endpoint"]
    for notes in ("one", "two", "three"):
        _edit(admin_client_nexudus, token_id, provider="2", notes=notes)
    upstream.reset_counters()
    history = _history(admin_client_nexudus, token_id)
    assert history.count('<li class="history-line ') == 4
    assert upstream.counters()["by_endpoint"] == one_line
