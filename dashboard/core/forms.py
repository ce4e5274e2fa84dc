"""Form building blocks of every feature: strict search fields, the `SearchForm` base, the one-time
submission key, and `apply_upstream_errors()` for Nexudus validation errors."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from django import forms

from dashboard.nexudus.enums import LabelledEnum
from dashboard.nexudus.errors import NexudusValidationError

from .params import check_date_text, check_year
from .tables import RESULTS_ID, SEARCH_FORM_ID

TEXT_MAX_LENGTH = 200
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class SearchTextField(forms.CharField):
    """Free text: stripped, bounded, null bytes rejected (Django's CharField validator)."""

    widget = forms.SearchInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input: read in the current time zone and returned as an aware datetime.

    The Nexudus client converts it to UTC and the documented `YYYY-MM-DDTHH:mm` format.
    """

    input_formats = [DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
        )
        kwargs.setdefault("error_messages", {"invalid": "Enter a date and time, like 2025-01-31 09:30."})
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime | None:
        check_date_text(value, message=self.error_messages["invalid"])
        result = super().to_python(value)
        check_year(result)
        return result


class LocalDateField(LocalDateTimeField):
    """A date filter (`<input type="date">`) meaning whole days in the current time zone: a "from" date is
    the start of its day, a "to" date its end (`end_of_day=True`), so from 1 June to 1 June is all of 1 June.
    A date and time (an older link or saved view) still means that exact minute."""

    def __init__(self, *, end_of_day: bool = False, **kwargs: Any) -> None:
        self.end_of_day = end_of_day
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kwargs.setdefault("error_messages", {"invalid": "Enter a date, like 2025-01-31."})
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        if result is None or not _DATE_ONLY.fullmatch(str(value).strip()):
            return result
        if self.end_of_day:  # the last minute of the day: Nexudus's range filters are to the minute
            return result.replace(hour=23, minute=59, second=59)
        return result

    def prepare_value(self, value: Any) -> Any:
        # A bound value shows as its date (the widget cannot show a time); an exact time stays in the link.
        return value.date() if isinstance(value, datetime) else value


class EnumChoiceField(forms.TypedChoiceField):
    """A select over a Nexudus enum, with readable labels; the cleaned value is the enum member."""

    def __init__(self, enum: type[LabelledEnum], *, blank_label: str = "Any", **kwargs: Any) -> None:
        self.enum = enum
        kwargs.setdefault("required", False)
        super().__init__(
            choices=[("", blank_label), *enum.choices()],
            coerce=lambda value: enum(int(value)),
            empty_value=None,
            **kwargs,
        )


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


class SearchForm(FieldGroupTemplateMixin, forms.Form):
    """Base of every filter form: an ordinary GET form, every field optional.

    Subclasses set `query_class` (a `SearchQuery` dataclass) and declare fields named like its
    attributes; `range_pairs` lists (from, to) field pairs checked for order. Pass `search_url` to get the
    htmx attributes: text inputs search as the person types (debounced, stale requests replaced), other
    controls on change; the form itself on submit. All of them swap only `#results` and push the URL.
    """

    query_class: type = object
    range_pairs: tuple[tuple[str, str], ...] = ()
    form_id = SEARCH_FORM_ID
    #: The filters always on show (the most used), in this order; the rest sit under "More filters".
    #: None: the first `PRIMARY_COUNT` fields.
    primary_filters: tuple[str, ...] | None = None
    PRIMARY_COUNT = 4

    #: How one filter renders on its own (`{{ field.as_field_group }}`); the whole panel is one render
    #: (core.filter_panel), with the same group markup.
    field_template_name = "core/filter_field.html"

    def __init__(self, *args: Any, search_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_url = search_url
        if search_url:
            self._add_htmx_attrs(search_url)
        self.mark_search_focus()

    def mark_search_focus(self) -> None:
        """ "/" focuses the first filter on show (static/js/app.js). Call again after removing fields."""
        for bound in self.visible_fields():
            bound.field.widget.attrs.pop("data-search-focus", None)
        primary = self.primary_fields
        if primary:
            primary[0].field.widget.attrs["data-search-focus"] = ""

    # --- layout: the filters on show, and the ones under "More filters" ----------------------------------
    def _primary_names(self) -> list[str]:
        visible = [bound.name for bound in self.visible_fields()]
        if self.primary_filters is None:
            return visible[: self.PRIMARY_COUNT]
        return [name for name in self.primary_filters if name in visible]

    @property
    def primary_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self._primary_names()]

    @property
    def more_fields(self) -> list[forms.BoundField]:
        primary = set(self._primary_names())
        return [bound for bound in self.visible_fields() if bound.name not in primary]

    @staticmethod
    def _in_use(fields: list[forms.BoundField]) -> int:
        return sum(1 for bound in fields if bound.errors or str(bound.value() or "").strip() not in ("", "unknown"))

    @property
    def more_in_use(self) -> int:
        """How many of the "More filters" are set (or wrong): the group opens by itself when any is."""
        return self._in_use(self.more_fields)

    @property
    def filters_set(self) -> int:
        """How many of the filters on show are set (or wrong), for the folded filters' summary."""
        return self._in_use(self.visible_fields())

    def _add_htmx_attrs(self, search_url: str) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            typing = getattr(widget, "input_type", "") in {"text", "search", "number", "email"}
            widget.attrs.update(
                {
                    "hx-get": search_url,
                    "hx-trigger": "input changed delay:300ms, search" if typing else "change",
                    "hx-include": "closest form",
                    "hx-sync": "closest form:replace",
                    "hx-target": f"#{RESULTS_ID}",
                    "hx-swap": "outerHTML",
                    "hx-push-url": "true",
                }
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for start, end in self.range_pairs:
            low, high = cleaned.get(start), cleaned.get(end)
            if low is not None and high is not None and low > high:
                self.add_error(end, f"Must be on or after “{self.fields[start].label}”.")
        return cleaned

    @property
    def active_filters(self) -> dict[str, Any]:
        """The filters the person set (cleaned, non-empty), by field name."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def to_query(self, **paging: Any) -> Any:
        """The query dataclass for the valid form, plus `page`, `size`, `order_by`, `descending`."""
        if not self.is_valid():
            raise ValueError("An invalid search form must not become a query.")
        return self.query_class(**self.active_filters, **paging)


class OneTimeKeyForm(forms.Form):
    """Mixin for create forms: a hidden one-time key, new on every fresh form (see core.submissions)."""

    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "This form has expired. Reload the page and enter the details again.",
            "invalid": "This form has expired. Reload the page and enter the details again.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The key is hidden: its error must be visible above the form, not on an invisible field.
        if "submission_key" in self.errors:
            for message in self.errors.pop("submission_key"):
                self.add_error(None, message)
        return cleaned


def apply_upstream_errors(form: forms.BaseForm, error: NexudusValidationError) -> None:
    """Put each Nexudus validation message on the field it names; the rest go above the form.

    `error.field_errors` is keyed by record attribute name, which is our field name.
    """
    for field, messages in error.field_errors.items():
        for message in messages:
            if field in form.fields and not isinstance(form.fields[field].widget, forms.HiddenInput):
                form.add_error(field, _from_nexudus(message))
            else:
                form.add_error(None, f"{field}: {message}")
    if error.errors:
        for message in error.non_field_errors:
            form.add_error(None, message)
    elif not error.field_errors:
        form.add_error(None, error.message)


def _from_nexudus(message: str) -> str:
    """Nexudus messages name no subject ("is a required field"): say whose words they are."""
    message = message.strip()
    if message[:1].islower():
        return f"Nexudus says this {message}."
    return f"Nexudus: {message}"
