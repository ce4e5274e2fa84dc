"""Per-person table preferences and saved views, through the Django test client against the sandbox: the
search machinery applies the stored columns and page size; the column chooser and "Save view" endpoints
store only what is valid, for the person who asked, and the nav lists their views."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from dashboard.core.models import SavedView, TablePreference
from dashboard.core.preferences import clean_querystring
from dashboard.ledger.forms import LedgerEntrySearchForm
from dashboard.payment_tokens.forms import PaymentTokenSearchForm

pytestmark = pytest.mark.django_db

HEADER = re.compile(r'<th scope="col"[^>]*>\s*(?:<a [^>]*>)?([^<]+)')
ROW = re.compile(r"<tr\b[^>]*>\s*<td")


def _headers(html: str) -> list[str]:
    return [text.strip() for text in HEADER.findall(html)]


def _user(email: str = "ops@sandbox.test"):
    return get_user_model().objects.get(email=email)


def test_hidden_columns_and_page_size_apply_to_every_render(ops_client):
    response = ops_client.post(
        "/preferences/tables/payment_tokens/columns/",
        {"columns": ["token", "created_on", "not_a_column"], "next": "/payment-tokens/"},
    )
    assert response.status_code == 302 and response["Location"] == "/payment-tokens/"
    preference = TablePreference.objects.get(user=_user(), table="payment_tokens")
    assert preference.columns == ["id", "token", "created_on"]  # the record link always stays

    html = ops_client.get("/payment-tokens/").content.decode()
    assert _headers(html) == ["Id", "Token", "Created"]

    # A page size chosen under the table is remembered; the pushed address does not carry "remember".
    response = ops_client.get("/payment-tokens/?per_page=50&remember=per_page", HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"] == "/payment-tokens/?per_page=50"
    assert TablePreference.objects.get(user=_user(), table="payment_tokens").per_page == 50
    html = ops_client.get("/payment-tokens/").content.decode()
    assert len(ROW.findall(html)) == 50
    # An explicit page size in the address still wins (shared links show what was shared).
    assert len(ROW.findall(ops_client.get("/payment-tokens/?per_page=25").content.decode())) == 25


def test_preferences_are_per_person(ops_client, agent_client):
    ops_client.post("/preferences/tables/ledger_entries/columns/", {"columns": ["id", "credit"]})
    assert _headers(ops_client.get("/ledger-entries/").content.decode()) == ["Id", "Credit"]
    assert "Description" in _headers(agent_client.get("/ledger-entries/").content.decode())


def test_the_column_chooser_lists_the_columns_and_htmx_refreshes_the_table(ops_client):
    html = ops_client.get("/preferences/tables/ledger_entries/columns/", HTTP_HX_REQUEST="true").content.decode()
    assert 'value="description" checked' in html and 'value="id" checked disabled' in html
    assert "<html" not in html
    response = ops_client.post(
        "/preferences/tables/ledger_entries/columns/", {"columns": ["id"]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204 and response["HX-Trigger"] == "tablePreferencesChanged"
    assert ops_client.get("/preferences/tables/nope/columns/").status_code == 404


def test_the_chooser_never_redirects_elsewhere(ops_client):
    response = ops_client.post("/preferences/tables/audit/columns/", {"columns": ["at"], "next": "https://evil.test/"})
    assert response["Location"] == "/"


def test_saving_a_view_keeps_the_filters_not_the_page_and_lists_it_in_the_nav(ops_client):
    response = ops_client.post(
        "/saved-views/",
        {
            "table": "ledger_entries",
            "name": "  Stripe\x00 payments ",
            "querystring": "code=PAYM&page=3&sort=-credit&x=",
        },
    )
    view = SavedView.objects.get(user=_user())
    assert (view.name, view.querystring) == ("Stripe payments", "code=PAYM&sort=-credit")
    assert response["Location"] == "/ledger-entries/?code=PAYM&sort=-credit"
    html = ops_client.get("/").content.decode()
    assert 'href="/ledger-entries/?code=PAYM&amp;sort=-credit"' in html and "Stripe payments" in html

    # The same name again replaces the view; htmx gets a status line and the menu out of band.
    response = ops_client.post(
        "/saved-views/",
        {"table": "ledger_entries", "name": "Stripe payments", "querystring": "code=ADJU"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Saved “" in html and 'hx-swap-oob="outerHTML"' in html
    assert SavedView.objects.get().querystring == "code=ADJU"
    assert ops_client.post("/saved-views/", {"table": "nope", "name": "x"}).status_code == 404


def test_a_view_can_only_be_deleted_by_its_owner(ops_client, agent_client):
    ops_client.post("/saved-views/", {"table": "payment_tokens", "name": "Mine", "querystring": "provider=2"})
    view = SavedView.objects.get()
    agent_client.post(f"/saved-views/{view.id}/delete/")
    assert SavedView.objects.filter(id=view.id).exists()
    assert "Mine" not in agent_client.get("/").content.decode()
    ops_client.post(f"/saved-views/{view.id}/delete/")
    assert not SavedView.objects.exists()


def test_clean_querystring_bounds_and_drops_one_off_parameters():
    assert clean_querystring("?a=1&page=2&export=csv&remember=per_page&b=&a=2") == "a=1"
    assert len(clean_querystring("q=" + "x" * 5000)) <= 2000


def test_more_filters_open_by_themselves_when_one_is_set():
    form = PaymentTokenSearchForm({"token": "ab"})
    assert [f.name for f in form.primary_fields] == ["coworker_invoice_id", "provider", "token", "notes"]
    assert form.more_in_use == 0
    form = PaymentTokenSearchForm({"created_from": "2025-01-01T00:00"})
    assert form.more_in_use == 1
    ledger = LedgerEntrySearchForm({"billed": "unknown"})
    assert ledger.more_in_use == 0  # "Any" is not a filter
    assert "data-search-focus" in str(ledger["coworker"])


@pytest.mark.parametrize("target", ["abc", "//evil.test/x", "https://evil.test/", "javascript:alert(1)", ""])
def test_going_back_after_a_preference_only_goes_to_a_local_path(ops_client, target):
    response = ops_client.post("/preferences/tables/audit/columns/", {"columns": ["at"], "next": target})
    assert response.status_code == 302 and response["Location"] == "/"
