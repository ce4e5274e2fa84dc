"""parse_datetime's fast path (datetime.fromisoformat first) reads every string exactly as the full
normalising path does: the same moment, or the same refusal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.nexudus.errors import NexudusMalformedResponse
from dashboard.nexudus.records import _FRACTION, parse_datetime


def normalising_path(value: str) -> datetime:
    """The path every value took before the fast path (kept here as the reference)."""
    text = _FRACTION.sub(lambda found: "." + found.group(1)[:6].ljust(6, "0"), value.strip(), count=1)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


ISO_LIKE = st.builds(
    lambda d, sep, frac, zone: d.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + frac + zone,
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["T", " ", "t"]),
    st.sampled_from(["", ".1", ".12", ".123", ".1234567", ".000000001"]),
    st.sampled_from(["", "Z", "z", "+01:00", "-05:30", "+0000", " "]),
)


@given(st.one_of(ISO_LIKE, st.text(max_size=30)))
def test_the_fast_path_reads_what_the_normalising_path_reads(value):
    try:
        expected = normalising_path(value)
    except ValueError:
        expected = None
    try:
        got = parse_datetime(value)
    except NexudusMalformedResponse:
        got = None
    if value.strip() == "":
        return  # blank is "no date" (None) on both paths' callers
    assert got == expected


def test_seven_fraction_digits_are_cut_to_six():
    assert parse_datetime("2025-01-15T10:30:00.1234567Z") == datetime(2025, 1, 15, 10, 30, 0, 123456, tzinfo=UTC)


def test_an_unreadable_date_is_malformed():
    with pytest.raises(NexudusMalformedResponse):
        parse_datetime("yesterday")
