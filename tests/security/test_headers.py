"""Browser-side protections: a strict Content Security Policy on every page, the security headers, and
production's HSTS and cookie flags (checked in a subprocess with the real production settings)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from .pages import all_pages, sample_ids

ROOT = Path(__file__).resolve().parents[2]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_strict_csp(response, label: str) -> None:
    header = response.get("Content-Security-Policy")
    assert header, f"{label}: no Content-Security-Policy"
    policy = csp_directives(header)
    scripts = policy.get("script-src") or policy.get("default-src")
    assert scripts, f"{label}: no script-src"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, f"{label}: {header}"
    assert "*" not in scripts and not any(s.startswith(("http:", "https:", "data:")) for s in scripts)
    styles = policy.get("style-src") or policy.get("default-src")
    assert styles and "'unsafe-inline'" not in styles, f"{label}: inline styles allowed"
    assert policy.get("frame-ancestors") == ["'none'"], f"{label}: {header}"
    assert policy.get("object-src") == ["'none'"] and policy.get("base-uri") == ["'none'"]
    assert policy.get("form-action") == ["'self'"]


def assert_security_headers(response, label: str) -> None:
    assert response.get("X-Content-Type-Options") == "nosniff", label
    assert response.get("Referrer-Policy") == "same-origin", label
    assert response.get("X-Frame-Options") == "DENY", label
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin", label
    assert "camera=()" in response.get("Permissions-Policy", ""), label


def test_every_page_of_a_signed_in_person_sends_the_strict_policy_and_headers(ops_client, upstream):
    ids = sample_ids(upstream)
    checked = 0
    for page in all_pages():
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = ops_client.get(page.path(**ids), **headers)
            label = f"{page.name} {'htmx' if headers else 'page'} -> {response.status_code}"
            assert response.status_code < 500, label
            assert_strict_csp(response, label)
            assert_security_headers(response, label)
            checked += 1
    assert checked >= 30


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/signin/", "/healthz", "/payment-tokens/", "/no-such-page/", "/signout/"])
def test_anonymous_answers_and_error_pages_send_the_strict_policy_too(client, path):
    response = client.get(path)
    assert_strict_csp(response, f"{path} -> {response.status_code}")
    assert_security_headers(response, path)


def test_not_found_and_refused_pages_send_the_policy(ops_client):
    for response in (
        ops_client.get("/payment-tokens/2147483648/"),
        ops_client.get("/nowhere/"),
        ops_client.delete("/payment-tokens/"),
    ):
        assert response.status_code in (404, 405)
        assert_strict_csp(response, str(response.status_code))


def test_the_csp_parser_notices_a_weak_policy():
    """The checks above can fail: a policy allowing inline scripts is refused."""

    weak = {"Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'"}
    with pytest.raises(AssertionError):
        assert_strict_csp(weak, "weak")


# --- production settings, in a subprocess ----------------------------------------------------------

PRODUCTION_PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get("/healthz", secure=False)
page = client.get("/signin/", secure=True, HTTP_HOST="desk.example.com")
# A session cookie and a CSRF cookie, as a browser would receive them.
post = client.post("/signin/", {"email": "nobody@example.com", "password": "x"}, secure=True,
                   HTTP_HOST="desk.example.com")
cookies = {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "samesite": m["samesite"]}
           for name, m in client.cookies.items()}
insecure = client.get("/signin/", secure=False, HTTP_HOST="desk.example.com")
print(json.dumps({
    "hsts": page.get("Strict-Transport-Security"),
    "csp": page.get("Content-Security-Policy"),
    "insecure_status": insecure.status_code, "insecure_location": insecure.get("Location"),
    "healthz_plain": plain.status_code,
    "cookies": cookies,
    "session_secure": settings.SESSION_COOKIE_SECURE, "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY, "session_samesite": settings.SESSION_COOKIE_SAMESITE,
    "csrf_samesite": settings.CSRF_COOKIE_SAMESITE, "debug": settings.DEBUG,
}))
"""


@pytest.fixture(scope="module")
def production_env(tmp_path_factory) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECURE_COOKIES",
            "SECURE_SSL_REDIRECT",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }  # the browser fixture sets it for Playwright
    var = tmp_path_factory.mktemp("prod-var")
    env.update(
        DJANGO_SETTINGS_MODULE="dashboard.settings.production",
        SECRET_KEY="prod-test-" + "k7Qx9v2LmZ4pR8sT1wY6bN3cF5hJ0dG" * 2,
        FERNET_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="desk.example.com,testserver",
        BILLING_DESK_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var / 'prod.sqlite3'}",
        STATIC_ROOT=str(var / "static"),  # production serves hashed files from a manifest: build one
        LOG_LEVEL="WARNING",
    )
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=180,
        )
    return env


@pytest.fixture(scope="module")
def production(production_env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_for_a_year_with_subdomains(production):
    hsts = production["hsts"]
    assert hsts and "includeSubDomains" in hsts
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 365 * 24 * 3600


def test_production_redirects_plain_http_to_https_except_healthz(production):
    assert production["insecure_status"] == 301
    assert production["insecure_location"].startswith("https://desk.example.com/")
    assert production["healthz_plain"] in (200, 503)


def test_production_cookies_are_secure_httponly_and_samesite(production):
    assert not production["debug"]
    assert production["session_secure"] and production["csrf_secure"] and production["session_httponly"]
    assert production["session_samesite"] in ("Lax", "Strict") and production["csrf_samesite"] in ("Lax", "Strict")
    cookies = production["cookies"]
    assert "csrftoken" in cookies
    for name, flags in cookies.items():
        assert flags["secure"], f"{name} is not Secure"
        assert flags["samesite"] in ("Lax", "Strict"), f"{name} has no SameSite"
    if "sessionid" in cookies:
        assert cookies["sessionid"]["httponly"]


def test_production_sends_the_strict_policy(production):
    assert "'unsafe-inline'" not in production["csp"] and "script-src 'self'" in production["csp"]


def test_check_deploy_is_clean_in_production(production_env):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
