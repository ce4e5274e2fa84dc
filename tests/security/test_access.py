"""Who may reach what: sign-in required everywhere but sign-in and /healthz, CSRF on every POST, no open
redirect through `next`, and sign-in throttling that holds."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.conftest import SANDBOX_PASSWORD, sign_in

from .pages import PUBLIC, all_pages, private_pages


def test_the_url_map_is_discovered():
    names = {page.name for page in all_pages()}
    assert {"payment_tokens:list", "payment_tokens:new", "accounts:signin"} <= names
    assert len(private_pages()) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("page", private_pages(), ids=lambda page: page.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_page_without_a_session_sends_the_person_to_sign_in(client, page, method):
    path = page.path()
    response = getattr(client, method)(f"{path}?page=2")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/signin/"
    assert parse_qs(target.query)["next"] == [f"{path}?page=2"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", private_pages(), ids=lambda page: page.name)
def test_every_htmx_request_without_a_session_gets_401_and_hx_redirect(client, page):
    path = page.path()
    response = client.get(path, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{path}?sort=id")
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith("/signin/?next=")
    assert "<form" not in response.content.decode()  # never a sign-in form swapped into a table cell


@pytest.mark.django_db
def test_healthz_and_signin_are_the_only_public_pages(client):
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/signin/").status_code == 200
    assert {"accounts:signin", "accounts:signout", "core:healthz"} == PUBLIC


# --- CSRF ------------------------------------------------------------------------------------------


@pytest.fixture
def strict_ops_client(db, upstream, signin_throttle_cleared):
    """Signed in as ops, with CSRF checks enforced as in a real browser."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/signin/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/signin/", {"email": "ops@sandbox.test", "password": SANDBOX_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("page", all_pages(), ids=lambda page: page.name)
def test_every_post_without_a_csrf_token_is_refused_before_it_does_anything(strict_ops_client, upstream, page):
    before = upstream.counters()["total"]
    response = strict_ops_client.post(page.path(), {"coworker_invoice_id": "300001", "token": "csrf"})
    assert response.status_code in (403, 405), f"{page.name} accepted a POST without a CSRF token"
    assert upstream.counters()["total"] == before
    if response.status_code == 403:
        assert "CSRF" in response.content.decode() or "refused" in response.content.decode().lower()


def test_a_post_with_the_csrf_token_is_accepted(strict_ops_client, upstream):
    """The other half of the CSRF test: the same POST with the token goes through."""
    token = strict_ops_client.cookies["csrftoken"].value
    form = strict_ops_client.get("/payment-tokens/new/").content.decode()
    key = form.split('name="submission_key" value="')[1].split('"')[0]
    response = strict_ops_client.post(
        "/payment-tokens/new/",
        {"coworker_invoice_id": "300001", "token": "csrf-ok", "submission_key": key, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_signout_needs_a_csrf_token(strict_ops_client):
    assert strict_ops_client.post("/signout/").status_code == 403
    assert strict_ops_client.get("/payment-tokens/").status_code == 200  # still signed in


# --- next ------------------------------------------------------------------------------------------

OFF_SITE = [
    "//evil.test",
    "//evil.test/path",
    "https://evil.test",
    "http://evil.test/",
    "/\\evil.test",
    "\\\\evil.test",
    "/\\/evil.test",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,x",
    "https:evil.test",
    "///evil.test",
    "\t//evil.test",
    "http://testserver@evil.test/",
    "//evil.test%2f..",
]


#: Not paths at all: `redirect()` would try them as view names.
NOT_A_PATH = ["abc", "payment-tokens", "accounts:signout", "invoices:home", "évil", "a.b"]


@pytest.mark.parametrize("target", OFF_SITE + NOT_A_PATH)
def test_next_cannot_send_a_person_off_site_after_signing_in(db, upstream, signin_throttle_cleared, target):
    client = Client()
    response = sign_in(client, next_url=target)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE + NOT_A_PATH)
def test_next_cannot_send_a_signed_in_person_off_site(ops_client, target):
    response = ops_client.get("/signin/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_is_not_written_into_the_sign_in_page_as_a_link(db, client, target):
    html = client.get("/signin/", {"next": target}).content.decode()
    assert 'name="next" value="/"' in html


def test_next_on_site_is_honoured(db, upstream, signin_throttle_cleared):
    response = sign_in(Client(), next_url="/payment-tokens/?page=2")
    assert response["Location"] == "/payment-tokens/?page=2"


# --- sign-in throttling ----------------------------------------------------------------------------


def test_signin_throttling_holds_per_account_even_for_the_right_password(
    db, upstream, signin_throttle_cleared, settings
):
    client = Client()
    for _ in range(settings.SIGNIN_MAX_ATTEMPTS):
        assert sign_in(client, password="wrong").status_code == 200
    before = upstream.counters()["total"]
    response = sign_in(client)  # the right password, too late
    assert response.status_code == 429 and "Too many sign-in attempts" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert upstream.counters()["total"] == before, "a throttled attempt must not reach Nexudus"
    assert "_auth_user_id" not in client.session


def test_signin_throttling_holds_per_address_across_accounts(db, upstream, signin_throttle_cleared, settings):
    settings.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS = 6
    client = Client()
    for number in range(6):
        assert sign_in(client, email=f"guess{number}@sandbox.test", password="wrong").status_code == 200
    response = sign_in(client, email="ops@sandbox.test")
    assert response.status_code == 429
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert sign_in(other_address, email="agent@sandbox.test").status_code == 302


def test_signin_throttling_ignores_a_forged_forwarded_address(db, upstream, signin_throttle_cleared, settings):
    client = Client()
    for number in range(settings.SIGNIN_MAX_ATTEMPTS):
        client.post(
            "/signin/", {"email": "ops@sandbox.test", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}"
        )
    response = client.post(
        "/signin/", {"email": "ops@sandbox.test", "password": SANDBOX_PASSWORD}, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert response.status_code == 429
