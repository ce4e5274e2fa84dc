"""The client decodes JSON with orjson and falls back to the standard library: the same data either way."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.nexudus.answers import decode_json

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_decoded_exactly_as_the_standard_library_decodes(value):
    encoded = json.dumps(value).encode()
    assert decode_json(encoded) == json.loads(encoded)


def test_what_orjson_refuses_but_the_standard_library_reads_is_still_read():
    assert decode_json(b'{"Big": 123456789012345678901234567890, "Odd": NaN}')["Big"] == 123456789012345678901234567890


def test_money_keeps_its_digits_through_the_decoder():
    assert Decimal(str(decode_json(b'{"Credit": 0.1}')["Credit"])) == Decimal("0.1")


def test_not_json_is_a_value_error():
    with pytest.raises(ValueError):
        decode_json(b"<html>")
