"""One read of the time zone, URL configuration and clock per table render (core.render_scope), and the
date texts built without strftime are strftime's."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dashboard.core import render_scope
from dashboard.core.templatetags.billing import _minute_text, day_text


def test_inside_a_scope_the_values_are_djangos_read_once_and_outside_they_are_live():
    with timezone.override(ZoneInfo("Asia/Kolkata")):
        with render_scope.render_scope() as scope:
            assert render_scope.current_timezone() is scope.timezone == timezone.get_current_timezone()
            assert render_scope.url_settings() == (get_urlconf(), get_script_prefix())
            assert render_scope.now() is scope.now
        with timezone.override(ZoneInfo("America/New_York")):
            assert str(render_scope.current_timezone()) == "America/New_York"  # no scope open: live


def test_a_scope_is_closed_even_when_the_render_fails():
    try:
        with render_scope.render_scope():
            raise ValueError("a cell failed")
    except ValueError:
        pass
    assert render_scope._current.get() is None


@given(moment=st.datetimes(timezones=st.just(UTC)), zone=st.sampled_from(["Europe/London", "Pacific/Chatham"]))
def test_date_texts_are_strftimes(moment, zone):
    local = moment.astimezone(ZoneInfo(zone)) if moment.year > 1 and moment.year < 9999 else moment
    assert day_text(local) == local.strftime("%d %b %Y")
    assert _minute_text(local) == local.strftime("%d %b %Y, %H:%M")


def test_a_minute_text_example():
    assert _minute_text(datetime(2025, 1, 5, 9, 7, tzinfo=UTC)) == "05 Jan 2025, 09:07"
