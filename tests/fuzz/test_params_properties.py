"""Properties of the one parser (dashboard.core.params) and of every form built on it, for any text."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django import forms
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core import params
from dashboard.core.forms import LocalDateTimeField, SearchForm
from tests.fuzz.strategies import all_form_classes, hostile_text

# Pure functions are cheap: many more examples than the view tests in the same time.
PURE = settings(max_examples=settings.default.max_examples * 10)
ASCII_INT = re.compile(r"\s*[+-]?[0-9]+\s*", re.ASCII)


@PURE
@given(hostile_text)
def test_parse_int_reads_exactly_ascii_whole_numbers(text):
    value = params.parse_int(text)
    stripped = text.strip()
    if value is None:
        assert not (ASCII_INT.fullmatch(text) and len(stripped) <= params.MAX_NUMBER_LENGTH)
    else:
        assert stripped.isascii() and int(stripped) == value


@PURE
@given(hostile_text)
def test_parse_id_is_none_or_a_32_bit_id_written_in_ascii(text):
    value = params.parse_id(text)
    if value is not None:
        assert 1 <= value <= params.MAX_INT32
        assert text.strip().lstrip("#").strip().isascii()
    assert params.looks_like_id(text) or value is None


@PURE
@given(st.integers(min_value=-(2**70), max_value=2**70))
def test_parse_id_accepts_every_id_and_nothing_else(number):
    assert params.parse_id(str(number)) == (number if 1 <= number <= params.MAX_INT32 else None)
    assert params.parse_id(f"#{number}") == params.parse_id(str(number))


@PURE
@given(st.one_of(hostile_text, st.decimals().map(str)))
def test_parse_decimal_is_none_or_a_finite_decimal(text):
    value = params.parse_decimal(text)
    if value is not None:
        assert isinstance(value, Decimal) and value.is_finite()
        assert "e" not in text.lower() and text.strip().isascii()


@PURE
@given(st.one_of(hostile_text, st.dates().map(str), st.datetimes().map(lambda d: d.strftime("%Y-%m-%d"))))
def test_parse_date_is_none_or_a_day_with_neighbours_and_a_utc_moment(text):
    day = params.parse_date(text)
    if day is not None:
        assert params.MIN_YEAR <= day.year <= params.MAX_YEAR
        start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
        assert (start + timedelta(days=1)).astimezone(UTC) > (start - timedelta(days=1)).astimezone(UTC)


@PURE
@given(hostile_text)
def test_strict_fields_raise_only_validation_errors(text):
    fields = [
        params.IdField(required=False),
        params.DecimalField(required=False, max_digits=15, decimal_places=4),
        params.DateField(required=False),
        LocalDateTimeField(),
    ]
    for field in fields:
        try:
            value = field.clean(text)
        except forms.ValidationError:
            continue
        if isinstance(field, params.IdField) and value is not None:
            assert 1 <= value <= params.MAX_INT32
        if isinstance(field, params.DecimalField) and value is not None:
            assert value.is_finite()
        if isinstance(field, params.DateField | LocalDateTimeField) and value is not None:
            assert params.MIN_YEAR <= value.year <= params.MAX_YEAR


FORMS = all_form_classes()
#: What a form needs beyond its data (a customer page's filters belong to that customer).
FORM_KWARGS = {"CustomerLedgerSearchForm": {"coworker_id": 20001}}


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
@settings(max_examples=settings.default.max_examples * 2)
@given(data=st.data())
def test_every_form_validates_any_input_without_raising(form_class, data):
    names = list(form_class.base_fields)
    values = data.draw(st.dictionaries(st.sampled_from(names), hostile_text, max_size=len(names)), label="data")
    form = form_class(values, **FORM_KWARGS.get(form_class.__name__, {}))
    form.is_valid()  # any exception other than a field error fails the test
    for name, errors in form.errors.items():
        assert name == "__all__" or name in form.fields
        assert all(isinstance(message, str) and message for message in errors)
    if isinstance(form, SearchForm) and form.is_valid() and form.query_class is not object:
        query = form.to_query(page=1, size=25)
        if "coworker_id" in FORM_KWARGS.get(form_class.__name__, {}):
            assert query.coworker_id == 20001  # whatever the input, the page's customer only
