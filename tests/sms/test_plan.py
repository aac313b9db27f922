"""Encoding choice and segmentation (plan_text): capacities, choice rules, minimality.

The minimal segment count is checked against a reference written here on its own: a
dynamic programme over character costs taken from the alphabet tables (not the codec's
translation tables), with capacities from the header size in octets.
"""

from dataclasses import fields, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gsmgateway.sms import (
    EncodeError,
    Encoding,
    EncodingRequest,
    Replacement,
    TextPlan,
    TooManySegments,
    gsm7_alphabet,
    parse_languages,
    plan_text,
)
from gsmgateway.sms.alphabet import DEFAULT_EXTENSION, DEFAULT_TABLE
from gsmgateway.sms.national import LOCKING_SHIFT_TABLES, SINGLE_SHIFT_TABLES

GSM7, UCS2 = Encoding.GSM7, Encoding.UCS2


def sizes(plan):
    return [len(segment) for segment in plan.segments]


# -- capacities (the numbers are expectations, computed nowhere in the codec) ----------


def test_gsm7_default_capacities():
    assert sizes(plan_text("a" * 160)) == [160]
    assert sizes(plan_text("a" * 161)) == [153, 8]
    assert sizes(plan_text("a" * 306)) == [153, 153]
    assert sizes(plan_text("a" * 161, ref_bits=16)) == [152, 9]
    assert sizes(plan_text("€" * 80)) == [80]  # two septets each
    assert sizes(plan_text("€" * 81)) == [76, 5]


def test_ucs2_capacities():
    assert sizes(plan_text("ж" * 70)) == [70]
    assert sizes(plan_text("ж" * 71)) == [67, 4]
    assert sizes(plan_text("ж" * 71, ref_bits=16)) == [66, 5]
    assert plan_text("😀" * 35).segments == ("😀" * 35,)


def test_national_capacities_follow_the_header_size():
    # Single shift IE only: 1 + 3 octets of header, 155 septets; with concatenation 149.
    one = plan_text("a" * 153 + "ğ", national=["es", "tr"])
    assert (one.locking, one.single, sizes(one)) == (None, "tr", [154])
    # One septet more does not fit the single shift table's 155, but the locking one's.
    more = plan_text("a" * 154 + "ğ", national=["es", "tr"])
    assert (more.locking, more.single, sizes(more)) == ("tr", None, [155])
    # Locking shift IE only, same header size: 155 septets of one septet each.
    locking = plan_text("ş" * 155, national=["tr"])
    assert (locking.locking, locking.single, sizes(locking)) == ("tr", None, [155])
    assert sizes(plan_text("ş" * 156, national=["tr"])) == [149, 7]
    # Both IEs: 1 + 6 octets alone (152 septets), 12 with concatenation (146).
    both = plan_text("ş" * 150 + "á", national=["tr", "es"])
    assert (both.locking, both.single, sizes(both)) == ("tr", "es", [151])
    assert sizes(plan_text("ş" * 151 + "á", national=["tr", "es"])) == [146, 6]


def test_escape_is_never_split_from_its_character():
    plan = plan_text("a" * 152 + "€" + "b" * 10)
    assert plan.segments == ("a" * 152, "€" + "b" * 10)


def test_surrogate_pair_is_never_split():
    plan = plan_text("a" * 66 + "😀" + "b" * 10)
    assert plan.encoding is UCS2
    assert plan.segments == ("a" * 66, "😀" + "b" * 10)


# -- choice ------------------------------------------------------------------------------


def test_plans_have_every_field():
    # plan_text fills plans without the generated __init__: no field may be missing.
    plan = plan_text("x" * 200, national="tr", smart=True, ref_bits=16)
    assert set(vars(plan)) == {field.name for field in fields(TextPlan)}
    assert plan == replace(plan) == TextPlan(**vars(plan))


def test_default_alphabet_when_every_character_fits():
    plan = plan_text("Hello {world} €5", national="all")
    assert (plan.encoding, plan.locking, plan.single) == (GSM7, None, None)
    assert plan.text == "Hello {world} €5" and plan.replacements == ()


def test_ucs2_without_national_tables():
    plan = plan_text("Teşekkürler")
    assert (plan.encoding, plan.locking, plan.single) == (UCS2, None, None)


def test_single_shift_wins_a_tie_with_locking_shift():
    # One segment with either table, two in UCS-2 (80 characters).
    text = "Tamam, yarın görüşürüz. Toplantı saat üçte, lütfen geç kalma. Görüşmek üzere!!"
    plan = plan_text(text, national=["tr"])
    assert (plan.encoding, plan.locking, plan.single) == (GSM7, None, "tr")


def test_locking_shift_wins_when_it_saves_a_segment():
    text = "Işığı söndürdüğümüzde şişeler ışıldıyordu; çiğ düşmüştü. " * 5
    plan = plan_text(text, national=["tr"])
    assert (plan.encoding, plan.locking) == (GSM7, "tr")
    counts = reference_counts(text, ("tr",), 8)
    assert len(plan.segments) < counts[(GSM7, None, "tr")]
    assert len(plan.segments) < counts[(UCS2, None, None)]


def test_tables_of_two_languages_combine():
    assert plan_text("şá", national=["tr", "es"]).encoding is UCS2  # 1 segment either way
    plan = plan_text("şá" * 40, national=["tr", "es"])
    assert (plan.encoding, plan.locking, plan.single, sizes(plan)) == (GSM7, "tr", "es", [80])
    assert plan_text("şá" * 40, national="all").encoding is GSM7


def test_national_tables_only_when_they_beat_ucs2():
    hindi = "नमस्ते, आपका कोड है"  # short: one segment either way
    assert plan_text(hindi, national=["hi"]).encoding is UCS2
    long_hindi = hindi * 5  # UCS-2 needs 2 segments, the Hindi tables 1
    plan = plan_text(long_hindi, national=["hi"])
    assert (plan.encoding, len(plan.segments)) == (GSM7, 1)
    assert "hi" in (plan.locking, plan.single)


def test_forced_gsm7():
    with pytest.raises(EncodeError) as info:
        plan_text("Merhaba dünya, nasılsın?", encoding=EncodingRequest.GSM7)
    assert info.value.position == 18  # ı
    assert "U+0131" in str(info.value)
    plan = plan_text("Merhaba dünya, nasılsın?", encoding=EncodingRequest.GSM7, national=["tr"])
    assert plan.encoding is GSM7 and plan.single == "tr"
    # ş is in the Turkish tables, the emoji in none: the error names the emoji.
    with pytest.raises(EncodeError) as info:
        plan_text("ş ok 😀", encoding=EncodingRequest.GSM7, national=["tr"])
    assert info.value.position == 5
    assert "national tables allowed (tr)" in str(info.value)


def test_forced_ucs2():
    plan = plan_text("plain", encoding=EncodingRequest.UCS2)
    assert (plan.encoding, plan.segments) == (UCS2, ("plain",))


def test_empty_text_and_limits():
    with pytest.raises(EncodeError, match="empty"):
        plan_text("")
    with pytest.raises(TooManySegments) as info:
        plan_text("a" * 154 * 3, max_segments=2)
    assert (info.value.needed, info.value.maximum) == (4, 2)
    assert len(plan_text("a" * 153 * 255, max_segments=255).segments) == 255
    with pytest.raises(EncodeError):
        plan_text("a", max_segments=256)
    with pytest.raises(EncodeError):
        plan_text("a", ref_bits=12)


def test_parse_languages():
    assert parse_languages("tr, es") == ("tr", "es")
    assert parse_languages(["PT", "pt"]) == ("pt",)
    assert parse_languages("") == ()
    assert len(parse_languages("all")) == 13
    with pytest.raises(EncodeError) as info:
        plan_text("x", national="tr,xx")
    assert "'xx'" in str(info.value) and "tr, es, pt" in str(info.value)


# -- smart encoding ----------------------------------------------------------------------


def test_smart_replacements_kept_when_they_avoid_ucs2():
    plan = plan_text("“Hello” — it’s…", smart=True)
    assert (plan.encoding, plan.text) == (GSM7, '"Hello" - it\'s...')
    assert plan.replacements[0] == Replacement(0, "“", '"')
    assert [r.position for r in plan.replacements] == [0, 6, 8, 12, 14]


def test_smart_replacements_dropped_when_they_do_not_help():
    plan = plan_text("“Hi” 😀", smart=True)
    assert (plan.encoding, plan.text, plan.replacements) == (UCS2, "“Hi” 😀", ())
    ellipses = plan_text("…" * 60, smart=True)  # "..." x 60 would need 2 GSM-7 segments
    assert (ellipses.encoding, ellipses.replacements) == (UCS2, ())


def test_smart_with_forced_gsm7_and_original_positions():
    plan = plan_text("it’s", smart=True, encoding=EncodingRequest.GSM7)
    assert plan.text == "it's"
    with pytest.raises(EncodeError) as info:
        plan_text("a…b’c 😀", smart=True, encoding=EncodingRequest.GSM7)
    assert info.value.position == 6  # the emoji, in the original text
    assert "U+1F600" in str(info.value)


# -- minimality against an independent reference -----------------------------------------


def gsm7_capacity(header_octets):
    return (140 * 8 - 8 * header_octets) // 7


def minimal(costs, single, concat):
    if sum(costs) <= single:
        return 1
    best = [0] + [10**9] * len(costs)
    for end in range(1, len(costs) + 1):
        load = 0
        for start in range(end - 1, -1, -1):
            load += costs[start]
            if load > concat:
                break
            best[end] = min(best[end], best[start] + 1)
    return best[-1]


def reference_counts(text, languages, ref_bits):
    """{(encoding, locking, single): minimal segments} for every feasible choice."""
    concat = 5 if ref_bits == 8 else 6
    out = {}
    lockings = [None] + [code for code in languages if code in LOCKING_SHIFT_TABLES]
    singles = [None] + [code for code in languages if code in SINGLE_SHIFT_TABLES]
    for locking in lockings:
        for single in singles:
            alphabet = gsm7_alphabet(locking, single)
            costs = [alphabet.septets_of(char) for char in text]
            if None in costs:
                continue
            ies = 3 * ((locking is not None) + (single is not None))
            alone = gsm7_capacity(ies + 1 if ies else 0)
            out[(GSM7, locking, single)] = minimal(
                [len(c) for c in costs], alone, gsm7_capacity(concat + ies + 1)
            )
    units = [2 if ord(char) > 0xFFFF else 1 for char in text]
    out[(UCS2, None, None)] = minimal(units, 70, (140 - concat - 1) // 2)
    return out


NATIONAL_CHARS = sorted(
    {c for table in LOCKING_SHIFT_TABLES.values() for c in table if c}
    | {c for table in SINGLE_SHIFT_TABLES.values() for c in table.values()}
)
TEXT_CHARS = st.one_of(
    st.sampled_from([c for c in DEFAULT_TABLE if c] + list(DEFAULT_EXTENSION.values())),
    st.sampled_from(NATIONAL_CHARS),
    st.characters(min_codepoint=0x20),
)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(TEXT_CHARS, min_size=1, max_size=500),
    languages=st.sampled_from([(), ("tr",), ("es", "pt"), ("hi", "bn", "ur")]),
    ref_bits=st.sampled_from([8, 16]),
)
def test_segment_count_is_minimal_and_the_choice_follows_the_rules(text, languages, ref_bits):
    plan = plan_text(text, national=languages, max_segments=255, ref_bits=ref_bits)
    assert "".join(plan.segments) == text
    counts = reference_counts(text, languages, ref_bits)
    chosen = counts[(plan.encoding, plan.locking, plan.single)]
    assert len(plan.segments) == chosen
    if (GSM7, None, None) in counts:
        assert (plan.encoding, plan.locking, plan.single) == (GSM7, None, None)
        return
    national = [n for key, n in counts.items() if key[0] is GSM7]
    if national and min(national) < counts[(UCS2, None, None)]:
        assert plan.encoding is GSM7 and chosen == min(national)
    else:
        assert plan.encoding is UCS2


@settings(max_examples=50, deadline=None)
@given(text=st.text(TEXT_CHARS, min_size=1, max_size=300))
def test_forced_encodings_are_minimal_too(text):
    ucs2 = plan_text(text, encoding=EncodingRequest.UCS2, max_segments=255)
    assert len(ucs2.segments) == reference_counts(text, (), 8)[(UCS2, None, None)]
    assert "".join(ucs2.segments) == text
    try:
        gsm7 = plan_text(text, encoding=EncodingRequest.GSM7, national="all", max_segments=255)
    except EncodeError as error:
        assert error.position is not None
        return
    counts = reference_counts(text, parse_languages("all"), 8)
    assert len(gsm7.segments) == min(n for key, n in counts.items() if key[0] is GSM7)
