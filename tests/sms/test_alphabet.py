"""The default GSM 7-bit alphabet and its extension table."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.sms import DEFAULT_ALPHABET, EncodeError
from gsmgateway.sms.alphabet import DEFAULT_EXTENSION, DEFAULT_TABLE, ESC


def test_default_table_has_128_entries_and_only_esc_is_empty():
    assert len(DEFAULT_TABLE) == 128
    assert [i for i, c in enumerate(DEFAULT_TABLE) if c is None] == [ESC]


def test_extension_characters_cost_two_septets():
    assert DEFAULT_ALPHABET.encode("€") == [ESC, 0x65]
    assert DEFAULT_ALPHABET.septet_length("a{b}") == 6


def test_unencodable_character_names_its_position():
    with pytest.raises(EncodeError) as info:
        DEFAULT_ALPHABET.encode("ok 😀")
    assert info.value.position == 3
    assert "U+1F600" in str(info.value)


def test_undefined_extension_code_decodes_as_basic_character():
    assert DEFAULT_ALPHABET.decode([ESC, 0x41]) == "A"


@given(st.text(alphabet=[c for c in DEFAULT_TABLE if c] + list(DEFAULT_EXTENSION.values())))
def test_round_trip(text):
    assert DEFAULT_ALPHABET.decode(DEFAULT_ALPHABET.encode(text)) == text
