"""A memoised `django_tables2.utils.signature`, installed process-wide at start-up when
`settings.TABLES2_SIGNATURE_MEMO` is on (the default); see docs/architecture.md, "Workarounds"."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from types import FunctionType, MethodType
from typing import Any

from django.conf import settings
from django_tables2 import utils as tables2_utils

#: Why: tables2 recomputes `inspect.signature()` on every `call_with_appropriate()` (headers, links, attrs,
#: each cell); upstream has no cache. Verified against django-tables2 3.0 (pinned in pyproject.toml;
#: tests/runtime/test_tables2_internals.py fails when what this relies on moves).
TABLES2_SOURCE = "https://github.com/jieter/django-tables2/blob/master/django_tables2/utils.py"

_uncached_signature: Callable[[Callable[..., Any]], tuple[tuple[str, ...], str | None]] = tables2_utils.signature
#: Plain function (a bound method's `__func__`) → `(argument names, **kwargs name)`. Weak keys: a lambda
#: made per request is forgotten with it, and nothing here keeps a table (a bound method's `__self__`) alive.
_signatures: weakref.WeakKeyDictionary[Any, dict[bool, tuple[tuple[str, ...], str | None]]] = (
    weakref.WeakKeyDictionary()
)


def cached_signature(fn: Callable[..., Any]) -> tuple[tuple[str, ...], str | None]:
    """`django_tables2.utils.signature`, computed once per underlying function.

    Safe because the answer depends only on the function's code (and, for a bound method, on its
    `__func__`: the bound `self` is dropped whatever it is), which never changes while the process runs.
    Other callables (partials, objects with `__call__`, builtins) are not cached.
    """
    key: Any
    if type(fn) is FunctionType:
        key, bound = fn, False
    elif type(fn) is MethodType and type(fn.__func__) is FunctionType:
        key, bound = fn.__func__, True
    else:
        return _uncached_signature(fn)
    cached = _signatures.get(key)
    entry = cached.get(bound) if cached else None
    if entry is None:
        entry = _uncached_signature(fn)
        _signatures[key] = {**(cached or {}), bound: entry}
    return entry


def enabled() -> bool:
    return bool(getattr(settings, "TABLES2_SIGNATURE_MEMO", True))


def install() -> None:
    """Make every `call_with_appropriate` in tables2 use `cached_signature` (from `CoreConfig.ready()`;
    idempotent; a no-op when switched off)."""
    if enabled() and tables2_utils.signature is not cached_signature:
        tables2_utils.signature = cached_signature
