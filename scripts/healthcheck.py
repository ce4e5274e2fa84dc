"""Container health check: exit 0 when this instance's /healthz answers 200 (the Dockerfile's HEALTHCHECK).

Standard library only, so the image needs no curl. The Host header is the first of ALLOWED_HOSTS: with
ALLOWED_HOSTS=billing.example.com a plain request to localhost would be refused (400) and the healthy
container reported sick.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def health_url() -> str:
    bind = os.environ.get("GUNICORN_BIND", "")
    port = bind.rsplit(":", 1)[-1] if bind and not bind.startswith("unix:") else os.environ.get("PORT", "8000")
    return f"http://127.0.0.1:{port}/healthz"


def host_header() -> str:
    hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
    host = hosts[0] if hosts else "localhost"
    # ".example.com" allows any subdomain; "*" allows anything.
    return "localhost" if host == "*" else host.lstrip(".")


def main() -> int:
    request = urllib.request.Request(health_url(), headers={"Host": host_header()})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
