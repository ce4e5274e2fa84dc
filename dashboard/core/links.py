"""`reverse()` for record pages and argument-less pages, made once per URL name instead of once per table cell
or page (docs/architecture.md, "Performance")."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString

from .render_scope import url_settings

# Two marker ids that cannot occur elsewhere in a URL; both must substitute to the same URL shape.
_MARKER = 918_273_645
_CHECK = 546_372_819


@lru_cache(maxsize=256)
def _template(viewname: str, urlconf: str | None, prefix: str) -> str | None:
    """The URL with the marker id in place of the record id, or None when substitution is not exact (a
    converter other than `int`, or the id appearing twice): `record_url` then calls `reverse()` itself."""
    try:
        marked = reverse(viewname, args=[_MARKER], urlconf=urlconf)
        checked = reverse(viewname, args=[_CHECK], urlconf=urlconf)
    except NoReverseMatch:
        return None
    if marked.count(str(_MARKER)) != 1 or marked.replace(str(_MARKER), str(_CHECK)) != checked:
        return None
    return marked


def record_url(viewname: str, record_id: int) -> str:
    """`reverse(viewname, args=[record_id])` for a view taking one `<int:…>` id."""
    template = _template(viewname, *url_settings())
    if template is None or type(record_id) is not int or record_id < 0:
        return reverse(viewname, args=[record_id])
    return template.replace(str(_MARKER), str(record_id))


@lru_cache(maxsize=256)
def _page_url(viewname: str, urlconf: str | None, prefix: str) -> str:
    return reverse(viewname, urlconf=urlconf)


def page_url(viewname: str) -> str:
    """`reverse(viewname)` for a view without arguments (the shell's home, find and sign-out), once per URL
    name, URLconf and script prefix."""
    return _page_url(viewname, *url_settings())


@receiver(setting_changed)
def _forget_urls(*, setting: str, **kwargs: Any) -> None:
    """Tests that swap the URLconf (override_settings) get fresh answers, as `reverse()` itself would."""
    if setting == "ROOT_URLCONF":
        _template.cache_clear()
        _page_url.cache_clear()


def link_html(url: str, label: Any) -> SafeString:
    """`format_html('<a href="{}">{}</a>', url, label)`, the same HTML without its per-call overhead (it is
    built for table cells, several per row: issue 20)."""
    return SafeString(f'<a href="{escape(url)}">{conditional_escape(label)}</a>')
