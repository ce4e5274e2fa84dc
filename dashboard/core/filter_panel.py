"""The filter panel of a search page in one Jinja2 render (issue 20): each control drawn from its widget's own
context (`Widget.get_context`) instead of one template render per field, per widget and per option."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.renderers import Jinja2
from django.utils.safestring import SafeString, mark_safe
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from .forms import SearchForm

PANEL_TEMPLATE = "core/filter_panel.html"

_WIDGETS = "django/forms/widgets/"
#: Django's widget templates that are exactly `input.html` (`<input>` and its attributes), and `select.html` with
#: `select_option.html`: `control()` draws these as those templates do. Any other widget (a textarea, radios, a
#: custom template or `render()`) is rendered by Django itself, inside the same panel.
INPUT_TEMPLATES = frozenset(
    _WIDGETS + name
    for name in (
        "input.html",
        "text.html",
        "search.html",
        "number.html",
        "email.html",
        "url.html",
        "tel.html",
        "date.html",
        "datetime.html",
        "time.html",
        "hidden.html",
        "checkbox.html",
    )
)
SELECT_TEMPLATE = _WIDGETS + "select.html"
OPTION_TEMPLATE = _WIDGETS + "select_option.html"


@functools.cache
def panel_renderer() -> Jinja2:
    """The Jinja2 form renderer the panel is drawn with (whatever `FORM_RENDERER` the project picks)."""
    return Jinja2()


def _drawn_here(widget: forms.Widget) -> bool:
    """`control()` draws `widget` itself (else Django renders it)."""
    if type(widget).render is not forms.Widget.render:
        return False
    if widget.template_name in INPUT_TEMPLATES:
        return True
    return widget.template_name == SELECT_TEMPLATE and getattr(widget, "option_template_name", None) == OPTION_TEMPLATE


#: Attribute values and option labels of these exact types render the same whenever they are equal, so their
#: markup is cached (bounded): a panel's controls repeat the same htmx attributes and options on every page.
_PLAIN = frozenset({str, int, bool})


def _render_attrs(items: Any) -> str:
    # django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name alone.
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in items
        if value is not False
    )


@functools.lru_cache(maxsize=1024)
def _cached_attrs(items: tuple[tuple[str, Any], ...], types: tuple[type, ...]) -> str:
    # `types` is part of the key so that 1 and True (equal, and so one key otherwise) stay apart.
    return _render_attrs(items)


def _attrs(attrs: dict[str, Any]) -> str:
    types = tuple(map(type, attrs.values()))
    if _PLAIN.issuperset(types):
        return _cached_attrs(tuple(attrs.items()), types)
    return _render_attrs(attrs.items())


def _render_option(value: Any, label: Any, attrs: str) -> str:
    # django/forms/widgets/select_option.html, after the newline and indent of select.html
    return f'\n  <option value="{escape(value)}"{attrs}>{escape(label)}</option>'


@functools.lru_cache(maxsize=1024)
def _cached_option(value: Any, label: Any, attrs: str, types: tuple[type, type]) -> str:
    return _render_option(value, label, attrs)


def _option(option: dict[str, Any]) -> str:
    value, label, attrs = option["value"], option["label"], _attrs(option["attrs"])
    if type(value) in _PLAIN and type(label) in _PLAIN:
        return _cached_option(value, label, attrs, (type(value), type(label)))
    return _render_option(value, label, attrs)


def _input(widget: dict[str, Any]) -> str:
    # django/forms/widgets/input.html
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    return f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget: dict[str, Any]) -> str:
    # django/forms/widgets/select.html
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        parts.extend(map(_option, options))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def control(bound: forms.BoundField) -> Markup:
    """The control of `bound`, as `str(bound)` (`BoundField.as_widget()`) renders it: the same context from the
    widget (`Widget.get_context`), drawn without a template render per widget and per option."""
    field = bound.field
    widget = field.widget
    if field.localize or field.show_hidden_initial or not _drawn_here(widget):
        return Markup(str(bound))  # Django's SafeString: already escaped
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    drawn = _input(context) if widget.template_name in INPUT_TEMPLATES else _select(context)
    return Markup(drawn)  # every value in it was escaped above


def _filter(bound: forms.BoundField) -> tuple[forms.BoundField, Any, Markup]:
    return bound, bound.errors, control(bound)


def render_filter_panel(form: SearchForm, *, action: str, clear_url: str | None = None) -> SafeString:
    """The `<form>` of a `SearchForm`'s filters (`core/filter_panel.html`), submitting to `action`."""
    more = form.more_fields
    context = {
        "form": form,
        "action": action,
        "clear_url": clear_url or action,
        "non_field_errors": form.non_field_errors(),
        "primary": [_filter(bound) for bound in form.primary_fields],
        "more": [_filter(bound) for bound in more],
        "more_in_use": form.more_in_use if more else 0,
        "hidden": [control(bound) for bound in form.hidden_fields()],
    }
    return mark_safe(panel_renderer().render(PANEL_TEMPLATE, context))  # Jinja2 autoescapes
