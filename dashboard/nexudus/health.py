"""Is the Nexudus API reachable at all? For /healthz; any HTTP answer counts as reachable."""

from __future__ import annotations

import requests
from django.conf import settings


def upstream_reachable(timeout: float = 2.0) -> bool:
    try:
        requests.head(settings.NEXUDUS_API_URL + "/api/token", timeout=timeout, allow_redirects=False)
    except requests.RequestException:
        return False
    return True
