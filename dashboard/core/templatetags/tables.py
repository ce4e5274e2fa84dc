"""`{% table_head table %}` and `{% table_pager table %}`: a NexudusTable's caption, header row and pager,
built in Python for the page's request (core.table_chrome; templates/core/_table.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from dashboard.core.table_chrome import table_head as build_head
from dashboard.core.table_chrome import table_pager as build_pager

register = template.Library()


@register.simple_tag(takes_context=True)
def table_head(context: template.Context, table: Any) -> SafeString:
    return build_head(table, context["request"])


@register.simple_tag(takes_context=True)
def table_pager(context: template.Context, table: Any) -> SafeString:
    return build_pager(table, context["request"])
