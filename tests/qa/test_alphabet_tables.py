"""Consistency of our own TS 23.038 national language tables (gsmgateway.sms.national)."""

import unicodedata

import pytest

from gsmgateway.sms.alphabet import ESC, gsm7_alphabet
from gsmgateway.sms.national import (
    LANGUAGE_IDS,
    LANGUAGES_BY_ID,
    LOCKING_DECODE_ONLY,
    LOCKING_SHIFT_TABLES,
    SINGLE_SHIFT_TABLES,
)

# DESIGN.md, `gsmgateway pdu encode --national LANGS`: the languages a caller may name.
CONTRACT_LANGUAGES = ("tr", "es", "pt", "bn", "gu", "hi", "kn", "ml", "or", "pa", "ta", "te", "ur")

# TS 23.038 6.2.1.2.4, the national language identifiers.
SPEC_LANGUAGE_IDS = {
    "tr": 0b0000_0001,
    "es": 0b0000_0010,
    "pt": 0b0000_0011,
    "bn": 0b0000_0100,
    "gu": 0b0000_0101,
    "hi": 0b0000_0110,
    "kn": 0b0000_0111,
    "ml": 0b0000_1000,
    "or": 0b0000_1001,
    "pa": 0b0000_1010,
    "ta": 0b0000_1011,
    "te": 0b0000_1100,
    "ur": 0b0000_1101,
}

# The only characters a table lists twice, as the spec prints them: A.2.4-A.2.13 (the
# Indic and Urdu single shift tables) have '*' at 0x0B and 0x18, '¡' at 0x13 and 0x15.
SPEC_DUPLICATES = {"*": [0x0B, 0x18], "¡": [0x13, 0x15]}
INDIC_AND_URDU = ("bn", "gu", "hi", "kn", "ml", "or", "pa", "ta", "te", "ur")


def _entries(language, table):
    if table == "locking":
        return dict(enumerate(LOCKING_SHIFT_TABLES[language]))
    return dict(SINGLE_SHIFT_TABLES[language])


TABLES = [(language, "locking") for language in LOCKING_SHIFT_TABLES] + [
    (language, "single") for language in SINGLE_SHIFT_TABLES
]


def test_language_ids_are_the_spec_numbers_and_unique():
    assert LANGUAGE_IDS == SPEC_LANGUAGE_IDS
    assert len(set(LANGUAGE_IDS.values())) == len(LANGUAGE_IDS)
    assert {code: language for language, code in LANGUAGE_IDS.items()} == LANGUAGES_BY_ID


def test_every_contract_language_has_its_tables():
    assert tuple(LANGUAGE_IDS) == CONTRACT_LANGUAGES
    assert set(SINGLE_SHIFT_TABLES) == set(CONTRACT_LANGUAGES)
    # Spanish alone has no locking shift table (A.3.2 is void).
    assert set(LOCKING_SHIFT_TABLES) == set(CONTRACT_LANGUAGES) - {"es"}


@pytest.mark.parametrize("language", CONTRACT_LANGUAGES)
def test_every_contract_language_makes_alphabets(language):
    pairs = [(None, language)]
    if language in LOCKING_SHIFT_TABLES:
        pairs += [(language, language), (language, None)]
    for locking, single in pairs:
        alphabet = gsm7_alphabet(locking, single)
        assert {" ", "\n", "\r", "\x0c"} <= alphabet.characters


@pytest.mark.parametrize("language", sorted(LOCKING_SHIFT_TABLES))
def test_locking_table_shape(language):
    table = LOCKING_SHIFT_TABLES[language]
    assert len(table) == 128
    assert all(char is None or len(char) == 1 for char in table)
    # The positions every locking table shares with the default alphabet (6.2.1).
    assert table[ESC] is None
    assert (table[0x0A], table[0x0D], table[0x20]) == ("\n", "\r", " ")


@pytest.mark.parametrize("language", sorted(SINGLE_SHIFT_TABLES))
def test_single_shift_table_shape(language):
    table = SINGLE_SHIFT_TABLES[language]
    assert set(table) <= set(range(128))
    assert all(len(char) == 1 for char in table.values())
    assert ESC not in table  # ESC ESC is reserved; it shows as a space
    assert 0x0D not in table  # CR2, reserved for a control code
    assert table[0x0A] == "\x0c"  # page break, as in the default extension table (6.2.1.1)


@pytest.mark.parametrize(("language", "table"), TABLES)
def test_no_character_appears_twice_in_one_table(language, table):
    codes_of: dict[str, list[int]] = {}
    for code, char in _entries(language, table).items():
        if char is not None:
            codes_of.setdefault(char, []).append(code)
    twice = {char: codes for char, codes in codes_of.items() if len(codes) > 1}
    expected = SPEC_DUPLICATES if (table, language in INDIC_AND_URDU) == ("single", True) else {}
    assert twice == expected


@pytest.mark.parametrize(("language", "table"), TABLES)
def test_characters_are_assigned_and_printable(language, table):
    controls = {"\n", "\r", "\x0c"}
    for code, char in _entries(language, table).items():
        if char is None or char in controls:
            continue
        category = unicodedata.category(char)
        # Cf: U+0600/U+0601, the Arabic number signs of A.2.13 (Urdu).
        assert category[0] != "C" or (category == "Cf" and language == "ur"), hex(code)
        assert char == " " or not char.isspace(), hex(code)


def test_decode_only_codes_are_defined_codes_of_their_tables():
    for language, codes in LOCKING_DECODE_ONLY.items():
        table = LOCKING_SHIFT_TABLES[language]
        assert all(table[code] is not None for code in codes)
        # Never sent: the character has no septet in the alphabets of that table.
        for code in codes:
            assert gsm7_alphabet(language, language).septets_of(table[code]) is None
