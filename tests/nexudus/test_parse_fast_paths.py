"""The wire parsers' exact-type fast paths (issue 20: ~30 values a ledger record) read every value as the
straightforward paths below do (the code before them, kept as the reference): the same value, with the
same digits for money, or the same refusal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.nexudus.errors import NexudusMalformedResponse
from dashboard.nexudus.records import LedgerEntry, _require_mapping, parse_bool, parse_decimal, parse_int, parse_str


def decimal_reference(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise NexudusMalformedResponse("bool")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise NexudusMalformedResponse("unreadable") from exc
    if not amount.is_finite():
        raise NexudusMalformedResponse("unreadable")
    return amount


def int_reference(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise NexudusMalformedResponse("bool")
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError) as exc:  # OverflowError (inf): a refusal now, was a crash
        raise NexudusMalformedResponse("not whole") from exc


def bool_reference(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise NexudusMalformedResponse("not a bool")


def str_reference(value):
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise NexudusMalformedResponse("structure")
    return str(value)


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["", " 12 ", "1e3", "-0.0", "true", "FALSE", "NaN", "Infinity", "7.10"]),
)
JSON_VALUES = st.one_of(
    JSON_SCALARS, st.lists(JSON_SCALARS, max_size=2), st.dictionaries(st.text(max_size=3), JSON_SCALARS)
)


def outcome(parse: Callable[[object], object], value: object) -> tuple[str, object]:
    try:
        parsed = parse(value)
    except NexudusMalformedResponse:
        return ("refused", None)
    # Decimal("1.0") == Decimal("1"), but the CSV writes their digits: compare those too.
    return (type(parsed).__name__, str(parsed) if isinstance(parsed, Decimal) else parsed)


@given(JSON_VALUES)
def test_the_fast_paths_read_what_the_straightforward_paths_read(value):
    for parse, reference in (
        (parse_decimal, decimal_reference),
        (parse_int, int_reference),
        (parse_bool, bool_reference),
        (parse_str, str_reference),
    ):
        assert outcome(parse, value) == outcome(reference, value), parse.__name__


@given(st.dictionaries(st.sampled_from(["Id", "Debit", "Description"]), JSON_SCALARS))
def test_a_record_reads_the_same_from_a_dict_or_any_other_mapping(data):
    def read(record: Mapping) -> object:
        try:
            return LedgerEntry.from_api(record)
        except NexudusMalformedResponse:
            return "refused"

    assert read(data) == read(MappingProxyType(data))
    assert _require_mapping(data) is data


def test_an_infinite_number_is_refused_not_a_crash():
    # The standard library's decoder (the fallback for what orjson refuses) reads 1e400 as inf.
    with pytest.raises(NexudusMalformedResponse):
        parse_int(float("inf"))
    with pytest.raises(NexudusMalformedResponse):
        parse_decimal(float("-inf"))
