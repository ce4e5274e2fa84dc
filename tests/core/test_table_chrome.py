"""The table's caption, header row and pager built in Python (core.table_chrome): the page window, the
links each control makes, and that whatever the address holds comes back escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from django.http import QueryDict
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.table_chrome import querystring, table_head, table_pager
from tests.core.test_tables import _table


class _Links(HTMLParser):
    """Every element's attributes, as a browser would read them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _parsed(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Links()
    parser.feed(html)
    return parser.elements


def test_a_long_result_shows_a_window_of_pages_with_the_ends_and_the_current_one():
    table, _ = _table(25 * 40, page=20, sort="-created_on")
    html = str(table_pager(table, RequestFactory().get("/payment-tokens/?page=20&sort=-created_on")))
    pages = [a.get("aria-label") for tag, a in _parsed(html) if tag == "a" and a.get("aria-label")]
    assert pages[0] == "Page 1" and pages[-1] == "Page 40"
    assert html.count('<span aria-hidden="true">…</span>') == 2
    assert 'aria-current="page"' in html and ">20<" in html and "page 20 of 40" in html
    links = {a["rel"]: a["href"] for tag, a in _parsed(html) if tag == "a" and a.get("rel")}
    assert parse_qs(urlsplit(links["prev"]).query)["page"] == ["19"]
    assert parse_qs(urlsplit(links["next"]).query)["page"] == ["21"]
    assert parse_qs(urlsplit(links["next"]).query)["sort"] == ["-created_on"]


def test_one_page_has_no_page_links_but_keeps_the_page_size():
    table, _ = _table(10)
    html = str(table_pager(table, RequestFactory().get("/payment-tokens/")))
    assert "pagination" not in html and "Rows per page" in html and "Showing 1–10 of 10" in html


def test_sorting_by_a_column_goes_back_to_page_one_and_says_which_way():
    table, _ = _table(60, page=2, sort="created_on")
    html = str(table_head(table, RequestFactory().get("/payment-tokens/?page=2&sort=created_on")))
    created = next(a for tag, a in _parsed(html) if tag == "a" and "Created" in (a.get("title") or ""))
    query = parse_qs(urlsplit(created["href"]).query)
    assert query == {"sort": ["-created_on"]} and created["hx-get"] == created["href"]
    assert created["title"].endswith(", descending")  # the next click sorts it descending
    assert 'aria-sort="ascending"' in html


def test_querystring_matches_djangos_tag():
    base = QueryDict("a=1&a=2&page=3", mutable=False)
    assert querystring(base, page=None) == "?a=1&a=2"
    assert querystring(base, page=4) == "?a=1&a=2&page=4"
    assert querystring(base, a=["x", "y"]) == "?a=x&a=y&page=3"
    assert querystring(QueryDict(""), page=None) == ""


@settings(max_examples=60, deadline=None)
@given(
    params=st.dictionaries(
        st.text(min_size=1, max_size=8).filter(lambda key: key not in {"page", "sort"}),
        st.text(max_size=12),
        max_size=3,
    ),
    page=st.integers(min_value=1, max_value=5),
)
def test_whatever_the_address_holds_comes_back_escaped_in_every_link(params, page):
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    query["page"] = str(page)
    request = RequestFactory().get("/payment-tokens/", data=query)
    table, _ = _table(25 * 5, page=page, sort="-created_on")
    table.query_state = None  # links build on the request's own query
    html = str(table_head(table, request)) + str(table_pager(table, request))
    assert not re.search(
        r"<(?!/?(caption|span|thead|tr|th|a|nav|p|ul|li|div|input|label|select|option|noscript|button)\b)", html
    )
    for tag, attrs in _parsed(html):
        if tag == "a":
            kept = parse_qs(urlsplit(attrs["href"] or "").query, keep_blank_values=True)
            for key, value in params.items():
                assert kept.get(key) == [value]


@settings(max_examples=150, deadline=None)
@given(
    base=st.lists(st.tuples(st.sampled_from(["a", "page", "sort", "q", "é"]), st.text(max_size=6)), max_size=6),
    changes=st.dictionaries(
        st.sampled_from(["a", "page", "sort", "new"]),
        st.none() | st.text(max_size=5) | st.integers(0, 99) | st.lists(st.text(max_size=3), max_size=2),
        max_size=3,
    ),
)
def test_querystring_is_exactly_djangos_tag(base, changes):
    from django.template import Context
    from django.template.defaulttags import querystring as django_querystring

    query = QueryDict(mutable=True)
    for key, value in base:
        query.appendlist(key, value)
    assert querystring(query, **changes) == django_querystring(Context(), query, **changes)
