"""The export's page formatter (`csv_rows`, issue 20) writes byte for byte what the straightforward path
writes: `csv_text` with `csv_cell` of each column's value, in the export's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import timezone as fixed_zone
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dashboard.core.export.cells import FORMULA_STARTS, ExportColumn, csv_cell, csv_rows, csv_text
from dashboard.nexudus.enums import PaymentProvider, UnknownMember


class Text(str):
    """A str subclass: must take the general path, and come out as csv_cell writes it."""


ZONES = st.sampled_from([ZoneInfo("Europe/London"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"), UTC])
TEXT = st.one_of(
    st.text(max_size=12),
    st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), st.text(max_size=8)),
    st.builds(Text, st.text(max_size=6)),
)
MOMENTS = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),  # naive: read as UTC
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.builds(lambda m: fixed_zone(timedelta(minutes=m)), st.integers(-600, 600)),
    ),
)
VALUES = st.one_of(
    st.none(),
    TEXT,
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=False, allow_infinity=False, places=None),
    st.floats(),
    MOMENTS,
    st.dates(),
    st.sampled_from([*PaymentProvider, UnknownMember("PaymentProvider", "Ledgerless")]),
)


@given(zone=ZONES, rows=st.lists(st.lists(VALUES, min_size=3, max_size=3), max_size=6))
def test_the_page_formatter_writes_what_the_straightforward_path_writes(zone, rows):
    columns = [ExportColumn(f"c{i}", itemgetter(i)) for i in range(3)]
    with timezone.override(zone):
        expected = csv_text([[column.value(row) for column in columns] for row in rows], csv_cell)
        assert csv_rows(columns, timezone.get_current_timezone())(rows) == expected


def test_a_date_is_not_taken_for_a_datetime():
    columns = [ExportColumn("d", itemgetter(0))]
    with timezone.override(ZoneInfo("Europe/London")):
        assert csv_rows(columns, timezone.get_current_timezone())([(date(2025, 7, 1),)]) == "2025-07-01\r\n"
