"""/healthz reports the database, the cache (a set/get round trip) and the upstream; only the database
decides 200 or 503."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_cache_check_round_trips_a_key_through_the_configured_cache(client, settings):
    settings.NEXUDUS_API_URL = "http://127.0.0.1:9"
    body = client.get("/healthz").json()
    assert body["checks"]["cache"] is True  # Redis in the PostgreSQL pass of `make test`, memory otherwise


def test_an_unreachable_redis_is_reported_but_keeps_the_instance_in_the_load_balancer(client, settings):
    settings.NEXUDUS_API_URL = "http://127.0.0.1:9"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": True, "cache": False, "upstream": False}
    assert response.json()["status"] == "degraded"


def test_healthz_is_never_cached_by_a_proxy(client):
    assert "no-store" in client.get("/healthz")["Cache-Control"]
