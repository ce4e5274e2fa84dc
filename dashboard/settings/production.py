"""Production settings: everything from `base`, hardened, and refusing to start without real secrets."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, LOG_LEVEL, SECRET_KEY, env_bool, env_list, logging_config

if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("Set SECRET_KEY to at least 50 random characters for production.")
if not env_list("FERNET_KEYS"):
    raise ImproperlyConfigured(
        "Set FERNET_KEYS (comma-separated Fernet keys, newest first) to encrypt Nexudus tokens at rest."
    )

DEBUG = False
# The sandbox is a development server: never an installed app in production.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "sandbox"]  # noqa: F405
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Off only for plain-HTTP local runs (`make run-prod`): browsers and HTTP clients do not send secure
# cookies over http://, so nobody could stay signed in. `check --deploy` flags it when off.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# /healthz must answer a load balancer over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

# Log shippers index JSON fields; LOG_FORMAT=plain is there for someone reading a terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or "json"
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
