"""Forms whose fields render as `{{ form.<name>.as_field_group }}` through one Jinja2 field template: the
same markup as an `{% include %}` per field, at a fraction of the template language's CPU (issue 20)."""

from __future__ import annotations

from typing import Any


class FieldGroupTemplateMixin:
    """Give every field without a template of its own `field_template_name` (Field.template_name, public API
    since Django 5.0), rendered by settings.FORM_RENDERER."""

    field_template_name = "core/form_field.html"
    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the form's own deep copies: the class's fields stay untouched
            if not getattr(field, "template_name", None):
                field.template_name = self.field_template_name
