"""`{% filter_panel form clear_url %}`: a search form's filter panel (dashboard.core.filter_panel)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from dashboard.core.filter_panel import render_filter_panel
from dashboard.core.forms import SearchForm

register = template.Library()


@register.simple_tag(takes_context=True)
def filter_panel(context: template.Context, form: SearchForm, clear_url: str | None = None) -> SafeString:
    """The panel submits to this page (`request.path`); "Clear filters" goes to `clear_url` or this page."""
    return render_filter_panel(form, action=context["request"].path, clear_url=clear_url)
