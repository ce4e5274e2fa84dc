"""The request's time zone, URL configuration and clock, read once per table body instead of once per cell
(docs/architecture.md, "Performance")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone


@dataclass(frozen=True, slots=True)
class RenderScope:
    """What every cell of one render reads and nothing in it changes. Why: each of Django's own look-ups
    (`get_current_timezone`, `get_urlconf`, `get_script_prefix`) goes through asgiref's `Local`, 2–6 µs a
    read, and a 100-row page made ~500 of them (a date and up to three links per row)."""

    timezone: tzinfo
    urlconf: str | None
    script_prefix: str
    now: datetime


_current: ContextVar[RenderScope | None] = ContextVar("billing_desk_render_scope", default=None)


@contextmanager
def render_scope() -> Iterator[RenderScope]:
    """Read the time zone, URL configuration, script prefix and "now" once for the code inside (plain,
    synchronous rendering: it must not activate another time zone or URLconf; nothing in ours does).
    "Now" held for a render also says every row's "3 days ago" from the same moment."""
    scope = RenderScope(timezone.get_current_timezone(), get_urlconf(), get_script_prefix(), timezone.now())
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def current_timezone() -> tzinfo:
    """`timezone.get_current_timezone()`, from the scope when one is open."""
    scope = _current.get()
    return scope.timezone if scope is not None else timezone.get_current_timezone()


def now() -> datetime:
    """`timezone.now()`, from the scope when one is open."""
    scope = _current.get()
    return scope.now if scope is not None else timezone.now()


def url_settings() -> tuple[str | None, str]:
    """`(get_urlconf(), get_script_prefix())`, from the scope when one is open."""
    scope = _current.get()
    if scope is not None:
        return scope.urlconf, scope.script_prefix
    return get_urlconf(), get_script_prefix()
