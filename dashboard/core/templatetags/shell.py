"""Tags of the page shell (templates/base.html) whose answers are the same for every request of a process:
static URLs through the manifest storage, argument-less page URLs and the htmx script tag, each worked out
once instead of on every page (docs/architecture.md, "Performance")."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils.safestring import SafeString
from django_htmx.jinja import htmx_script

from dashboard.core.links import page_url as cached_page_url

register = template.Library()


@lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """`{% static path %}`: the storage's answer never changes while the process runs (the manifest is read
    once at start-up, and the storage's base URL is fixed on first use)."""
    return static(path)


@lru_cache(maxsize=4)
def _htmx_script() -> SafeString:
    return htmx_script()


@receiver(setting_changed)
def _forget_static(*, setting: str, **kwargs: Any) -> None:
    """Tests that swap the storage or DEBUG (override_settings) get fresh answers."""
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_STORAGE", "DEBUG"}:
        static_url.cache_clear()
        _htmx_script.cache_clear()


@register.simple_tag
def asset(path: str) -> str:
    """`{% asset 'css/app.css' %}`: `{% static %}`, resolved once per process."""
    return static_url(path)


@register.simple_tag
def page_url(viewname: str) -> str:
    """`{% page_url 'invoices:home' %}`: `{% url %}` for a view without arguments, reversed once."""
    return cached_page_url(viewname)


@register.simple_tag(takes_context=True)
def cached_htmx_script(context: template.Context) -> SafeString:
    """django-htmx's `{% htmx_script %}`, built once (uncached when the page has a CSP nonce to put in it)."""
    nonce = context.get("csp_nonce")
    return htmx_script(nonce=nonce) if nonce is not None else _htmx_script()
