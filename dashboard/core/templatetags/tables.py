"""`{% table_html table %}`: a NexudusTable rendered in Python for the page's request (core.table_html;
templates/core/_table.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from dashboard.core.table_html import table_html as build_table_html

register = template.Library()


@register.simple_tag(takes_context=True)
def table_html(context: template.Context, table: Any) -> SafeString:
    return build_table_html(table, context["request"])
