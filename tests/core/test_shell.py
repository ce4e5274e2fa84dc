"""The app shell: health check, sign-in requirement, error pages, security headers."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_upstream_and_version_without_sign_in(client, settings):
    settings.NEXUDUS_API_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"] == {"database": True, "cache": True, "upstream": False}
    assert body["status"] == "degraded"
    assert body["version"]


def test_healthz_sees_a_reachable_upstream(client, upstream):
    body = client.get("/healthz").json()
    assert body == {**body, "status": "ok", "checks": {"database": True, "cache": True, "upstream": True}}


@pytest.mark.parametrize("path", ["/", "/payment-tokens/", "/ledger-entries/"])
def test_pages_require_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:signin"))
    assert f"next={path}" in response["Location"].replace("%2F", "/")


def test_htmx_request_without_session_gets_hx_redirect_not_a_login_form(client):
    response = client.get(
        "/payment-tokens/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/payment-tokens/?page=2"}
    )
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("accounts:signin") + "?next=")
    assert "page%3D2" in response["HX-Redirect"] or "page=2" in response["HX-Redirect"]
    assert b"<form" not in response.content


def test_unknown_page_gets_the_friendly_404(client):
    user = get_user_model().objects.create_user("someone@example.com", "someone@example.com")
    client.force_login(user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"couldn&#x27;t find that" in response.content or b"couldn't find that" in response.content


def test_shell_sends_security_headers(client):
    response = client.get(reverse("accounts:signin"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
