"""Septet packing and the translation-table GSM 7-bit codec, against plain references."""

from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.sms import gsm7_alphabet
from gsmgateway.sms.alphabet import ESC
from gsmgateway.sms.septets import (
    DEFAULT_CODEC,
    header_septets,
    pack_septets,
    septet_capacity,
    septet_codec,
    unpack_septets,
)

SEPTETS = st.binary(max_size=300).map(lambda raw: bytes(octet & 0x7F for octet in raw))
PAIRS = [(None, None), ("tr", "tr"), (None, "es"), ("pt", None), ("hi", "ur"), ("kn", "kn")]


def reference_pack(septets: bytes, fill: int) -> bytes:
    """TS 23.038 6.1.2.1.1, bit by bit: septet n fills bits 7n.. after the fill bits."""
    bits = [0] * fill
    for septet in septets:
        bits.extend((septet >> shift) & 1 for shift in range(7))
    bits.extend([0] * (-len(bits) % 8))
    return bytes(
        sum(bit << i for i, bit in enumerate(bits[at : at + 8])) for at in range(0, len(bits), 8)
    )


def test_spec_style_example():
    # "hellohello" as in oFono's simple_submit user data.
    septets = DEFAULT_CODEC.to_septets("hellohello")
    assert pack_septets(septets).hex().upper() == "E8329BFD4697D9EC37"


@given(SEPTETS, st.integers(0, 6))
def test_pack_matches_the_bitwise_reference_and_unpacks(septets, fill):
    packed = pack_septets(septets, fill)
    assert packed == reference_pack(septets, fill)
    assert unpack_septets(packed, len(septets), fill) == septets


def test_eight_septets_fill_seven_octets_without_a_spare_septet():
    packed = pack_septets(b"\x7f" * 8)
    assert packed == b"\xff" * 7
    assert unpack_septets(packed, 8) == b"\x7f" * 8


def test_header_fill_and_capacity():
    assert [header_septets(n) for n in (0, 1, 6, 7, 12)] == [0, 2, 7, 8, 14]
    assert [septet_capacity(n) for n in (0, 4, 6, 7, 10, 12)] == [160, 155, 153, 152, 148, 146]


@given(st.binary(max_size=200), st.sampled_from(PAIRS))
def test_fast_decode_equals_the_alphabet_decoder(raw, pair):
    septets = bytes(octet & 0x7F for octet in raw)
    assert septet_codec(*pair).decode(septets) == gsm7_alphabet(*pair).decode(septets)


@given(st.data(), st.sampled_from(PAIRS))
def test_encode_equals_the_alphabet_encoder(data, pair):
    alphabet = gsm7_alphabet(*pair)
    text = data.draw(st.text(st.sampled_from(sorted(alphabet.characters)), max_size=200))
    septets = septet_codec(*pair).to_septets(text)
    assert septets is not None
    assert list(septets) == alphabet.encode(text)
    assert septet_codec(*pair).decode(septets) == text


def test_unencodable_text_and_escapes():
    assert DEFAULT_CODEC.to_septets("a`b") is None  # backtick: ASCII, but not GSM 7-bit
    assert DEFAULT_CODEC.to_septets("ş") is None
    assert DEFAULT_CODEC.decode(bytes((ESC, ESC, 0x41))) == " A"
    assert DEFAULT_CODEC.decode(bytes((0x41, ESC))) == "A"
