"""The payment token detail page: full record with provider label, masked token with an on-request
reveal, copy buttons, and 404 for unknown ids."""

from __future__ import annotations

import pytest

from .helpers import GET_ONE, TOKENS_API, calls

TOKEN_ID = 700001


@pytest.fixture
def record(upstream):
    return upstream.api("GET", f"{TOKENS_API}/{TOKEN_ID}").json()


def test_detail_shows_the_full_record_with_the_provider_label_and_masked_token(ops_client, upstream, record):
    from dashboard.nexudus.enums import RegularPaymentProvider

    upstream.reset_counters()
    response = ops_client.get(f"/payment-tokens/{TOKEN_ID}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert RegularPaymentProvider.parse(record["RegularPaymentProvider"]).label in html  # number or name
    assert record["Token"] not in html
    assert record["Token"][-4:] in html
    assert f'data-copy="{TOKEN_ID}"' in html
    assert f'data-copy="{record["CoworkerInvoiceId"]}"' in html
    assert f'href="/invoices/{record["CoworkerInvoiceId"]}/"' in html
    assert calls(upstream, GET_ONE) == 1


def test_reveal_returns_the_token_only_when_asked_and_never_cached(ops_client, record):
    response = ops_client.get(f"/payment-tokens/{TOKEN_ID}/token/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert record["Token"] in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_reveal_without_javascript_is_a_page_of_its_own(ops_client, record):
    response = ops_client.get(f"/payment-tokens/{TOKEN_ID}/token/")
    assert "<html" in response.content.decode() and record["Token"] in response.content.decode()


@pytest.mark.parametrize("token_id", ["99999999", "2147483648", "99999999999999999999"])
def test_unknown_ids_are_a_404_page(ops_client, token_id):
    response = ops_client.get(f"/payment-tokens/{token_id}/")
    assert response.status_code == 404
    assert "couldn" in response.content.decode()


def test_upstream_outage_on_detail_is_explained_not_a_500(ops_client, upstream):
    upstream.fault("status", status=500, count=5, path=TOKENS_API)
    response = ops_client.get(f"/payment-tokens/{TOKEN_ID}/")
    assert response.status_code == 200
    assert "Nexudus had a problem" in response.content.decode()


def test_sign_in_is_required(client, db):
    response = client.get(f"/payment-tokens/{TOKEN_ID}/token/")
    assert response.status_code == 302 and "/signin/" in response["Location"]
