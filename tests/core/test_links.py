"""record_url: the same URL as reverse(), reversed once per URL name."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from dashboard.core.links import _template, record_url


@pytest.mark.parametrize("name", ["payment_tokens:detail", "ledger:detail", "ledger:customer", "invoices:invoice"])
@pytest.mark.parametrize("record_id", [1, 7, 918_273_645, 2**31 - 1])
def test_record_url_is_reverse(name, record_id):
    assert record_url(name, record_id) == reverse(name, args=[record_id])


def test_a_script_prefix_is_kept():
    set_script_prefix("/desk/")
    try:
        assert record_url("ledger:detail", 5) == "/desk/ledger-entries/5/" == reverse("ledger:detail", args=[5])
    finally:
        clear_script_prefix()
    assert record_url("ledger:detail", 5) == "/ledger-entries/5/"


def test_odd_ids_and_names_fall_back_to_reverse():
    with pytest.raises(NoReverseMatch):  # not an id, as reverse() says
        record_url("ledger:detail", True)
    assert _template("ledger:list", None, "/") is None  # no id in that URL: reverse() decides
    with pytest.raises(NoReverseMatch):
        record_url("ledger:list", 3)


@override_settings(ROOT_URLCONF="dashboard.urls")
def test_the_cache_is_per_urlconf():
    assert record_url("payment_tokens:detail", 3) == "/payment-tokens/3/"
