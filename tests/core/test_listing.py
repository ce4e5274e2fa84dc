"""Lenient paging/sorting parameters and the clean query state of a search page."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from dashboard.core.htmx import wants_fragment
from dashboard.core.listing.query import TableParams, canonical_query, clamp_per_page, table_params
from dashboard.payment_tokens.tables import PaymentTokenTable


@pytest.mark.parametrize(
    ("value", "size"),
    [(None, 25), (25, 25), (30, 25), (50, 50), (99, 50), (100, 100), (100000, 100), (0, 25), (-1, 25)],
)
def test_page_size_is_clamped_to_the_offered_sizes(value, size):
    assert clamp_per_page(value) == size


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", TableParams(page=1, per_page=25, sort=None)),
        ("page=3&per_page=50&sort=-created_on", TableParams(page=3, per_page=50, sort="-created_on")),
        ("page=-1&per_page=abc&sort=token", TableParams(page=1, per_page=25, sort=None)),
        ("page=99999999999999999999&sort=nope", TableParams(page=1, per_page=25, sort=None)),
        ("page=1&page=2&sort=id&sort=-id", TableParams(page=2, per_page=25, sort="-id")),  # last one wins
        ("page=999999999", TableParams(page=(2**31 - 1) // 25, per_page=25, sort=None)),
    ],
)
def test_table_params_fall_back_instead_of_failing(query, expected):
    assert table_params(QueryDict(query), PaymentTokenTable) == expected


def test_canonical_query_keeps_only_set_filters_and_non_default_paging():
    request = RequestFactory().get("/x/", {"token": " ab ", "notes": "", "junk": "1", "page": "1"})
    query = canonical_query(request, ["token", "notes"], TableParams(page=1, per_page=100, sort="id"))
    assert query.urlencode() == "token=ab&sort=id&per_page=100"


def test_history_restore_gets_the_full_page():
    from django_htmx.middleware import HtmxDetails

    factory = RequestFactory()
    plain = factory.get("/x/")
    swap = factory.get("/x/", HTTP_HX_REQUEST="true")
    restore = factory.get("/x/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    for request in (plain, swap, restore):
        request.htmx = HtmxDetails(request)
    assert [wants_fragment(r) for r in (plain, swap, restore)] == [False, True, False]
