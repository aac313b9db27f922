"""Smart encoding: typographic characters become GSM-7 look-alikes, letters never change."""

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.sms import is_gsm7
from gsmgateway.sms.alphabet import DEFAULT_EXTENSION, DEFAULT_TABLE
from gsmgateway.sms.plan import Replacement
from gsmgateway.sms.smart import LOOKALIKES, smart_replace

GSM7_CHARACTERS = sorted({c for c in DEFAULT_TABLE if c} | set(DEFAULT_EXTENSION.values()))
MAPPED = sorted(LOOKALIKES)


def _restore(result, replacements):
    """The original text rebuilt from the result and the report alone."""
    out, at, previous = [], 0, 0
    for replacement in replacements:
        kept = replacement.position - previous
        out.append(result[at : at + kept])
        at += kept
        assert result[at : at + len(replacement.replacement)] == replacement.replacement
        out.append(replacement.original)
        at += len(replacement.replacement)
        previous = replacement.position + 1
    out.append(result[at:])
    return "".join(out)


def test_every_replacement_is_gsm7_and_every_replaced_character_is_not():
    for char, replacement in LOOKALIKES.items():
        assert is_gsm7(replacement), f"U+{ord(char):04X}"
        assert not is_gsm7(char), f"U+{ord(char):04X}"
        assert not any(c in LOOKALIKES for c in replacement)


@pytest.mark.parametrize("char", GSM7_CHARACTERS)
def test_gsm7_characters_are_never_replaced(char):
    assert smart_replace(f"x{char}\u2019") == (f"x{char}'", (Replacement(2, "\u2019", "'"),))


def test_only_fullwidth_letters_are_touched_and_only_in_width():
    for char, replacement in LOOKALIKES.items():
        if unicodedata.category(char)[0] in "LM":
            assert 0xFF21 <= ord(char) <= 0xFF5A, f"U+{ord(char):04X}"
            assert unicodedata.normalize("NFKC", char) == replacement


def test_letters_with_diacritics_are_left_to_the_national_tables_or_ucs2():
    text = "Şişli’de ığdır — İzmir, São Paulo, café, नमस्ते"
    assert smart_replace(text) == (
        "Şişli'de ığdır - İzmir, São Paulo, café, नमस्ते",
        (Replacement(5, "’", "'"), Replacement(15, "—", "-")),
    )


def test_every_unicode_space_separator_becomes_a_space():
    separators = [
        chr(point)
        for point in range(sys.maxunicode + 1)
        if unicodedata.category(chr(point)) == "Zs" and point != 0x20
    ]
    assert separators
    assert {char: LOOKALIKES.get(char) for char in separators} == dict.fromkeys(separators, " ")


def test_quotes_dashes_and_primes():
    text = "„Ja“ ‚nein‘ «oui» ‹si› ‛x‟ 5′10″ 1–2 a—b −3 ‐ ‑ ‒ ―"
    assert smart_replace(text)[0] == "\"Ja\" 'nein' \"oui\" 'si' 'x\" 5'10\" 1-2 a-b -3 - - - -"


def test_ellipsis_reports_its_position_in_the_original_text():
    result, replacements = smart_replace("Wait…\u00a0ok…")
    assert result == "Wait... ok..."
    assert replacements == (
        Replacement(4, "…", "..."),
        Replacement(5, "\u00a0", " "),
        Replacement(8, "…", "..."),
    )


def test_invisible_characters_are_removed():
    text = "\ufeffco\u00adop\u200bera\u200dtion\u200c\u2060"
    result, replacements = smart_replace(text)
    assert result == "cooperation"
    assert [r.position for r in replacements] == [0, 3, 6, 10, 15, 16]
    assert all(r.replacement == "" for r in replacements)


def test_bullets_fraction_slash_and_separators():
    assert smart_replace("• one\u2028‣ two\u2029⁃ 1⁄2 ∕")[0] == "- one\n- two\n- 1/2 /"


def test_fullwidth_forms_become_ascii():
    assert smart_replace("ＳＭＳ！１２３＠＄￡￥")[0] == "SMS!123@$£¥"
    assert smart_replace("｀")[0] == "｀"  # the backtick is not GSM-7 either


def test_signs_without_an_unambiguous_lookalike_are_kept():
    for text in ("© 2024", "Brand®", "Name™", "3×4", "l·l", "ʻokina", "`code`"):
        assert smart_replace(text) == (text, ())


def test_emoji_is_kept_so_the_planner_can_choose_ucs2():
    result, replacements = smart_replace("Great 👍 “deal”")
    assert result == 'Great 👍 "deal"'
    assert [r.position for r in replacements] == [8, 13]
    assert not is_gsm7(result)


def test_plain_ascii_and_untouched_text_come_back_as_is():
    assert smart_replace("") == ("", ())
    assert smart_replace("Your code is 123456") == ("Your code is 123456", ())
    assert smart_replace("Ça va? ñ") == ("Ça va? ñ", ())


@given(st.text(alphabet=GSM7_CHARACTERS + MAPPED))
def test_text_whose_only_foreign_characters_are_mapped_becomes_gsm7(text):
    result, replacements = smart_replace(text)
    assert is_gsm7(result)
    assert _restore(result, replacements) == text


@given(st.text(alphabet=st.characters(codec="utf-8")) | st.text(alphabet=[*MAPPED, "a", "😀"]))
def test_positions_restore_the_original_and_a_second_pass_changes_nothing(text):
    result, replacements = smart_replace(text)
    assert _restore(result, replacements) == text
    assert all(text[r.position] == r.original for r in replacements)
    assert smart_replace(result) == (result, ())
