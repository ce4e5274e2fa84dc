"""Correcting a saved payment token (issue 19): provider and notes through a confirm step, and delete
through a confirm step; each sent once, audited, and in the record's history."""

from __future__ import annotations

import re

from .helpers import KEY, TOKENS_API, fresh_key

INVOICE = 300001


def _create(client, upstream, token: str) -> int:
    response = client.post(
        "/payment-tokens/new/",
        {"submission_key": fresh_key(client), "coworker_invoice_id": INVOICE, "provider": "2", "token": token},
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
    assert history.count("Update") == 1 and "pm_edit_0001" not in history


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
