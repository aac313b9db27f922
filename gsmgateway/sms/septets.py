"""GSM 7-bit text as septet strings, and septets packed into octets (TS 23.038 6.1.2.1.1).

Hot-path code: no per-bit or per-septet Python loops.

- Text <-> septets goes through C charmap codecs (``codecs.charmap_encode`` /
  ``charmap_decode``) with tables precomputed per alphabet (one locking shift table +
  one single shift table). Septets are held one per octet, so their length is the
  septet count, and an ESC (0x1B) among septets we encode always starts a two-septet
  escape (the code after ESC is never 0x1B). A character that needs an escape encodes
  to a one-octet marker first, then one ``bytes.replace`` per distinct marker spells it
  out as ESC and its code.
- Packing treats the septets as one integer with one septet per 8-bit lane and
  squeezes the lanes to 7 bits in log2(n) steps of whole-integer masking and shifting;
  unpacking runs the same steps backwards. Septet 0 lands in the lowest bits, which is
  the order of TS 23.038 6.1.2.1.1 (the first septet in the low 7 bits of octet 1).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from functools import cache

from gsmgateway.sms.alphabet import ESC, Gsm7Alphabet, gsm7_alphabet


def _lane_masks(steps: int) -> tuple[tuple[int, int, int], ...]:
    """(low mask, high mask, shift) of each squeezing step, for up to 2**steps septets."""
    width = 8 << steps
    out = []
    for step in range(steps):
        half = 8 << step
        content = 7 << step
        lane = (1 << content) - 1
        low = 0
        for start in range(0, width, 2 * half):
            low |= lane << start
        out.append((low, low << half, half - content))
    return tuple(out)


# Masks as wide as the septets need (wider ones cost time): 2**8 = 256 septets cover
# every SMS (at most 160 of user data, 11 of an address); longer input is computed.
_PACK = tuple(_lane_masks(steps) for steps in range(9))
_UNPACK = tuple(masks[::-1] for masks in _PACK)


@cache
def _masks_for(steps: int) -> tuple[tuple[int, int, int], ...]:
    return _lane_masks(steps)


def pack_septets(septets: bytes, fill_bits: int = 0) -> bytes:
    """Pack septets (each 0..127) into octets, after ``fill_bits`` zero bits (0..6)."""
    count = len(septets)
    if not count:
        return bytes((fill_bits + 7) >> 3)
    steps = (count - 1).bit_length()
    value = int.from_bytes(septets, "little")
    for low, high, shift in _PACK[steps] if steps <= 8 else _masks_for(steps):
        value = (value & low) | ((value & high) >> shift)
    return (value << fill_bits).to_bytes((7 * count + fill_bits + 7) >> 3, "little")


def unpack_septets(octets: bytes, count: int, fill_bits: int = 0) -> bytes:
    """The first ``count`` septets packed in ``octets`` after ``fill_bits`` bits."""
    if count <= 0:
        return b""
    steps = (count - 1).bit_length()
    value = (int.from_bytes(octets, "little") >> fill_bits) & ((1 << (7 * count)) - 1)
    for low, high, shift in _UNPACK[steps] if steps <= 8 else _masks_for(steps)[::-1]:
        value = (value & low) | ((value << shift) & high)
    return value.to_bytes(count, "little")


def header_septets(header_octets: int) -> int:
    """Septets a user data header of ``header_octets`` (UDHL included) takes, fill included."""
    return (header_octets * 8 + 6) // 7


def septet_capacity(header_octets: int, *, user_data_octets: int = 140) -> int:
    """Text septets left in the user data after a header (TS 23.040 9.2.3.24)."""
    return (user_data_octets * 8 - header_septets(header_octets) * 7) // 7


_UNDEFINED = "\ufffe"
_FIRST_MARKER = 0x81
_NOT_A_SEPTET = 0xFF
# Octet from the encoding map -> septet: 1..128 are septets 0..127 moved up by one; NUL
# (0) becomes 0xFF, no septet; 0x81..0xFE, the markers of escaped characters, stay.
_FROM_MAP = bytes([_NOT_A_SEPTET, *range(128), *range(0x81, 0x100)])
_SEPTET_VALUES = bytes(range(0x80))


def _encoding_table(alphabet: Gsm7Alphabet) -> tuple[str, dict[int, tuple[bytes, bytes]]]:
    """The 256-character table for codecs.charmap_build, and the escapes' markers.

    charmap_build gives a fast C encoding map (one octet per character) only for a table
    whose index 0 is NUL, and GSM puts '@' at 0: a one-septet character sits at its code
    + 1. A character that needs an escape sits at a marker index 0x81..0xFE, replaced by
    ESC and its code after encoding. Unused indexes hold U+FFFE, which the map skips.
    """
    table = ["\x00"] + [_UNDEFINED] * 255
    markers: dict[int, tuple[bytes, bytes]] = {}
    escaped = []
    for char in sorted(alphabet.characters):
        septets = alphabet.septets_of(char)
        assert septets is not None
        if len(septets) == 1:
            table[septets[0] + 1] = char
        else:
            escaped.append((char, bytes(septets)))
    if len(escaped) > _NOT_A_SEPTET - _FIRST_MARKER:  # pragma: no cover - 88 at most
        raise ValueError(f"{len(escaped)} escaped characters do not fit the markers")
    for marker, (char, septets) in enumerate(escaped, start=_FIRST_MARKER):
        table[marker] = char
        markers[marker] = (bytes((marker,)), septets)
    return "".join(table), markers


@dataclass(frozen=True)
class SeptetCodec:
    """Text <-> septets (one per octet) for one locking shift + single shift table pair."""

    locking: str | None
    single: str | None
    characters: frozenset[str] = field(init=False, repr=False, compare=False)
    _encoding_map: object = field(init=False, repr=False, compare=False)
    _markers: dict[int, tuple[bytes, bytes]] = field(init=False, repr=False, compare=False)
    _basic: str = field(init=False, repr=False, compare=False)
    _shifted: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        alphabet = gsm7_alphabet(self.locking, self.single)
        table, markers = _encoding_table(alphabet)
        # The decoding tables are read back through the alphabet's own decoder, so they
        # follow its rules for undefined codes (TS 23.038 6.2.1.1) exactly.
        basic = "".join(alphabet.decode([code]) if code != ESC else " " for code in range(128))
        shifted = tuple(alphabet.decode([ESC, code]) for code in range(128))
        object.__setattr__(self, "characters", alphabet.characters)
        object.__setattr__(self, "_encoding_map", codecs.charmap_build(table))
        object.__setattr__(self, "_markers", markers)
        object.__setattr__(self, "_basic", basic + _UNDEFINED * 128)
        object.__setattr__(self, "_shifted", shifted)

    def _mapped(self, text: str) -> bytes | None:
        """One octet per character (septet, or an escape's marker); None if unencodable."""
        try:
            mapped = codecs.charmap_encode(text, "strict", self._encoding_map)[0]
        except UnicodeEncodeError:
            return None
        mapped = mapped.translate(_FROM_MAP)
        return None if _NOT_A_SEPTET in mapped else mapped

    def to_septets(self, text: str) -> bytes | None:
        """The septets of ``text`` (one per octet), or None if a character is not encodable."""
        septets = self._mapped(text)
        if septets is None or septets.isascii():
            return septets
        markers = self._markers
        for marker in set(septets.translate(None, _SEPTET_VALUES)):
            septets = septets.replace(*markers[marker])
        return septets

    def septet_count(self, text: str) -> int | None:
        """How many septets ``text`` takes, or None if a character is not encodable."""
        mapped = self._mapped(text)
        if mapped is None:
            return None
        return len(mapped) + len(mapped.translate(None, _SEPTET_VALUES))

    def decode(self, septets: bytes) -> str:
        """Text of septets, one per octet (values 0..127); never raises."""
        basic = self._basic
        if 0x1B not in septets:
            return codecs.charmap_decode(septets, "strict", basic)[0]
        shifted = self._shifted
        parts = septets.split(b"\x1b")
        out = [codecs.charmap_decode(parts[0], "strict", basic)[0]]
        index, last = 1, len(parts) - 1
        while index <= last:
            part = parts[index]
            if part:
                out.append(shifted[part[0]])
                out.append(codecs.charmap_decode(part[1:], "strict", basic)[0])
                index += 1
            elif index == last:
                index += 1  # a trailing ESC escapes nothing
            else:
                # ESC ESC is reserved (TS 23.038 6.2.1.1) and shown as a space; the
                # septets after it are not escaped.
                out.append(" ")
                out.append(codecs.charmap_decode(parts[index + 1], "strict", basic)[0])
                index += 2
        return "".join(out)


@cache
def septet_codec(locking: str | None = None, single: str | None = None) -> SeptetCodec:
    """The (cached) codec of a locking/single shift language pair (None = the defaults)."""
    return SeptetCodec(locking, single)


DEFAULT_CODEC = septet_codec()
