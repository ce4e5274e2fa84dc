"""The strict search fields, the SearchForm base and mapping Nexudus validation errors onto fields."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import timezone

from dashboard.core.forms import OneTimeKeyForm, SearchForm, SearchTextField, apply_upstream_errors
from dashboard.core.params import IdField
from dashboard.nexudus.enums import RegularPaymentProvider
from dashboard.nexudus.errors import FieldError, NexudusValidationError
from dashboard.payment_tokens.forms import PaymentTokenForm, PaymentTokenSearchForm


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "NaN", "Infinity", str(2**31), "9" * 5000, "1e3"])
def test_id_field_rejects_what_is_not_a_positive_32_bit_integer(value):
    form = PaymentTokenSearchForm({"coworker_invoice_id": value})
    assert not form.is_valid()
    assert "coworker_invoice_id" in form.errors


def test_id_field_accepts_the_largest_32_bit_id():
    form = PaymentTokenSearchForm({"coworker_invoice_id": str(2**31 - 1)})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("value", ["a\x00b", "x" * 201])
def test_text_filters_reject_null_bytes_and_overlong_text(value):
    form = PaymentTokenSearchForm({"token": value})
    assert not form.is_valid()
    assert "token" in form.errors


def test_text_is_stripped_and_html_kept_as_text():
    form = PaymentTokenSearchForm({"notes": "  <script>alert(1)</script>  "})
    assert form.is_valid()
    assert form.cleaned_data["notes"] == "<script>alert(1)</script>"


def test_datetime_local_is_read_in_the_current_time_zone():
    with timezone.override(ZoneInfo("Europe/London")):
        form = PaymentTokenSearchForm({"created_from": "2025-07-01T09:30"})
        assert form.is_valid(), form.errors
    value = form.cleaned_data["created_from"]
    assert value == datetime(2025, 7, 1, 8, 30, tzinfo=ZoneInfo("UTC"))
    assert value.tzinfo is not None


@pytest.mark.parametrize(
    "value", ["2025-13-01T00:00", "yesterday", "0001-01-01T00:00", "99999-01-01T00:00", "2025-01-01T25:00", "x" * 10000]
)
def test_malformed_dates_are_field_errors(value):
    form = PaymentTokenSearchForm({"updated_to": value})
    assert not form.is_valid()
    assert "updated_to" in form.errors


def test_a_range_that_ends_before_it_starts_is_an_error_on_its_end():
    form = PaymentTokenSearchForm({"created_from": "2025-02-01T00:00", "created_to": "2025-01-01T00:00"})
    assert not form.is_valid()
    assert "created_to" in form.errors


def test_unknown_provider_is_refused_and_known_one_becomes_the_enum():
    assert not PaymentTokenSearchForm({"provider": "42"}).is_valid()
    form = PaymentTokenSearchForm({"provider": "2"})
    assert form.is_valid()
    assert form.cleaned_data["provider"] is RegularPaymentProvider.Stripe


def test_valid_form_builds_the_query_with_only_the_filters_set():
    form = PaymentTokenSearchForm({"coworker_invoice_id": "12", "token": " ab ", "notes": ""})
    query = form.to_query(page=2, size=50, order_by="id", descending=True)
    assert (query.coworker_invoice_id, query.token, query.notes) == (12, "ab", None)
    assert (query.page, query.size, query.order_by, query.descending) == (2, 50, "id", True)


def test_an_invalid_form_never_becomes_a_query():
    form = PaymentTokenSearchForm({"coworker_invoice_id": "x"})
    with pytest.raises(ValueError):
        form.to_query(page=1, size=25)


def test_search_form_fields_get_debounced_htmx_attributes():
    form = PaymentTokenSearchForm({}, search_url="/payment-tokens/")
    token = form.fields["token"].widget.attrs
    assert token["hx-trigger"] == "input changed delay:300ms, search"
    assert token["hx-sync"] == "closest form:replace"
    assert token["hx-get"] == "/payment-tokens/"
    assert form.fields["provider"].widget.attrs["hx-trigger"] == "change"
    assert form.fields["created_from"].widget.attrs["hx-trigger"] == "change"
    assert 'type="date"' in str(form["created_from"])


def test_every_search_field_has_a_label():
    form = PaymentTokenSearchForm()
    for field in form:
        assert field.label and f'for="{field.id_for_label}"' in field.label_tag()


class _Draft(OneTimeKeyForm):
    name = forms.CharField()


def test_a_fresh_create_form_has_a_new_key_each_time():
    first, second = _Draft().initial["submission_key"], _Draft().initial["submission_key"]
    assert first != second


def test_a_missing_key_is_shown_above_the_form():
    form = _Draft({"name": "x"})
    assert not form.is_valid()
    assert "expired" in form.non_field_errors()[0]


def test_upstream_errors_land_on_their_fields_and_unknown_ones_above():
    form = PaymentTokenForm({"coworker_invoice_id": "5", "submission_key": "8d3c2a5e-4a0f-4f55-9f0c-2f2b3c4d5e6f"})
    assert form.is_valid()
    error = NexudusValidationError(
        "x",
        errors=[
            FieldError(field="coworker_invoice_id", message="does not exist", property_name="CoworkerInvoice"),
            FieldError(field=None, message="is odd", property_name="Mystery"),
        ],
    )
    apply_upstream_errors(form, error)
    assert form.errors["coworker_invoice_id"] == ["Nexudus says this does not exist."]
    assert form.non_field_errors() == ["Mystery: is odd"]
    assert form["coworker_invoice_id"].value() == "5"


def test_base_classes_are_usable_on_their_own():
    class Minimal(SearchForm):
        query_class = dict
        q = SearchTextField()
        n = IdField(required=False)

    form = Minimal({"q": "a", "n": ""})
    assert form.is_valid()
    assert form.to_query(page=1) == {"q": "a", "page": 1}


def test_date_filters_are_whole_days_in_the_persons_time_zone(settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    london = ZoneInfo("Europe/London")
    with timezone.override(london):
        form = PaymentTokenSearchForm({"created_from": "2026-06-01", "created_to": "2026-06-01"})
        assert form.is_valid(), form.errors
        low, high = form.cleaned_data["created_from"], form.cleaned_data["created_to"]
    assert low == datetime(2026, 6, 1, 0, 0, tzinfo=london)
    assert high == datetime(2026, 6, 1, 23, 59, 59, tzinfo=london)  # the same day is the whole day


def test_a_date_filter_still_reads_an_exact_time_from_an_older_link():
    form = PaymentTokenSearchForm({"created_from": "2026-06-01T10:00"})
    assert form.is_valid() and (form.cleaned_data["created_from"].hour, form.cleaned_data["created_from"].minute) == (
        10,
        0,
    )
    assert not PaymentTokenSearchForm({"created_to": "2026-02-30"}).is_valid()
