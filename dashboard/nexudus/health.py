"""Is the Nexudus API reachable at all? For /healthz; any HTTP answer counts as reachable."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from urllib3.exceptions import HTTPError

from .http import BearerAuth, shared_session

logger = logging.getLogger("dashboard.nexudus")


def upstream_reachable(timeout: float = 2.0) -> bool:
    # The shared pool keeps this cheap; HEAD is never retried (only GETs are), so a probe costs at
    # most `timeout` per phase. Logged at DEBUG: load balancers poll /healthz every few seconds.
    url = settings.NEXUDUS_API_URL.rstrip("/") + "/api/token"
    try:
        response = shared_session().head(url, timeout=(timeout, timeout), allow_redirects=False, auth=BearerAuth(None))
    except (requests.RequestException, HTTPError) as exc:
        logger.debug("nexudus health: unreachable (%s)", type(exc).__name__)
        return False
    logger.debug("nexudus health: HTTP %s", response.status_code)
    return True
