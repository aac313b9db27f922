"""Encoding choice and segmentation: which alphabet a text goes out in, and its segments.

Rules (``plan_text``):
- AUTO: the GSM 7-bit default alphabet when every character fits it. Otherwise, when
  national languages are allowed, every allowed (locking, single) shift table pair is
  tried: a national locking table with the default extension, the default alphabet
  with a national single shift table, and national with national, across languages
  (``all`` allows every table). The pair with the fewest segments wins; ties go to the
  smaller header (fewer shift IEs), then to a single shift over a locking shift (a phone
  that ignores the IE garbles only the shifted characters), then to fewer septets, then
  to the order the languages were given. A pair is used only when it needs fewer
  segments than UCS-2, which every phone reads; otherwise UCS-2.
- GSM7 forced: the default alphabet, else the best allowed pair, else an EncodeError
  naming the first character that no allowed table pair gets past, and its position.
- UCS2 forced: UTF-16BE, astral characters as surrogate pairs.
- smart: ``smart_replace`` runs first; its text is kept only when it needs fewer
  segments, or as many but avoids UCS-2 (never more segments: "..." for an ellipsis can
  cost one), or makes a forced GSM7 possible; the replacements kept are reported, and an
  error names positions in the original text.
- Segments are the fewest: a greedy split at each segment's capacity, which is optimal
  for contiguous parts, moved back by one where it would part an escape (ESC 0x1B and
  its character) or a surrogate pair. Capacities come from the header length (TS 23.040
  9.2.3.24: concatenation IE 5 octets with an 8-bit reference, 6 with a 16-bit one, 3 per
  shift table IE, 1 for the UDHL) with the septet fill bits; nothing is hard-coded.
- Empty text is an EncodeError; more than ``max_segments`` (1..255) is TooManySegments.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from gsmgateway.sms import national
from gsmgateway.sms.alphabet import ESC
from gsmgateway.sms.dcs import Encoding
from gsmgateway.sms.errors import EncodeError, TooManySegments
from gsmgateway.sms.septets import DEFAULT_CODEC, SeptetCodec, septet_capacity, septet_codec
from gsmgateway.sms.udh import header_octets

DEFAULT_MAX_SEGMENTS = 10
ALL_LANGUAGES = "all"
USER_DATA_OCTETS = 140
_new_object = object.__new__


class EncodingRequest(enum.Enum):
    """What the caller asks for: the cheapest fit, or one forced alphabet."""

    AUTO = "auto"
    GSM7 = "gsm7"
    UCS2 = "ucs2"


@dataclass(frozen=True)
class Replacement:
    """One smart-encoding substitution: ``original`` at ``position`` became ``replacement``."""

    position: int
    original: str
    replacement: str


@dataclass(frozen=True)
class TextPlan:
    """How one text is sent: the alphabet (and national tables) and each segment's text.

    ``text`` is what will be sent (after smart replacements); ``segments`` joined give it.
    """

    text: str
    encoding: Encoding
    locking: str | None
    single: str | None
    segments: tuple[str, ...]
    replacements: tuple[Replacement, ...] = ()
    ref_bits: int = 8


def parse_languages(languages: str | Iterable[str]) -> tuple[str, ...]:
    """National language codes from a list or a comma-separated string; ``all`` = every one.

    Raises EncodeError naming an unknown code and the valid ones.
    """
    return _parse_languages(languages if isinstance(languages, str) else tuple(languages))


@cache
def _parse_languages(languages: str | tuple[str, ...]) -> tuple[str, ...]:
    items = languages.split(",") if isinstance(languages, str) else languages
    out: list[str] = []
    for item in items:
        code = item.strip().lower()
        if not code:
            continue
        if code == ALL_LANGUAGES:
            codes: Iterable[str] = national.LANGUAGE_IDS
        elif code in national.LANGUAGE_IDS:
            codes = (code,)
        else:
            raise EncodeError(
                f"unknown national language {item.strip()!r}: the TS 23.038 tables are "
                f"{', '.join(national.LANGUAGE_IDS)} (or {ALL_LANGUAGES})"
            )
        out.extend(c for c in codes if c not in out)
    return tuple(out)


@dataclass(frozen=True)
class _Pair:
    codec: SeptetCodec
    shift_ies: int
    capacity_single: int
    capacity_concat: int


@cache
def _pair(locking: str | None, single: str | None, ref_bits: int) -> _Pair:
    shift = (locking is not None) + (single is not None)
    flags = {"locking": locking is not None, "single": single is not None}
    return _Pair(
        septet_codec(locking, single),
        shift,
        septet_capacity(header_octets(None, **flags)),
        septet_capacity(header_octets(ref_bits, **flags)),
    )


@cache
def _national_pairs(languages: tuple[str, ...]) -> tuple[tuple[str | None, str | None], ...]:
    lockings = [None, *(code for code in languages if code in national.LOCKING_SHIFT_TABLES)]
    singles = [None, *(code for code in languages if code in national.SINGLE_SHIFT_TABLES)]
    return tuple(
        (locking, single)
        for locking in lockings
        for single in singles
        if locking is not None or single is not None
    )


def _greedy_cuts(
    total: int, single: int, concat: int, parts_pair: Callable[[int], bool]
) -> list[int]:
    """Where each segment ends: as late as it can, one unit earlier if that parts a pair.

    ``parts_pair(end)`` says whether ending a segment at ``end`` parts a pair of units.
    Greedy gives the fewest segments for contiguous parts.
    """
    if total <= single:
        return [total]
    cuts = []
    start = 0
    while total - start > concat:
        end = start + concat
        if parts_pair(end):
            end -= 1
        cuts.append(end)
        start = end
    cuts.append(total)
    return cuts


def _septet_cuts(septets: bytes, single: int, concat: int) -> list[int]:
    """Segment ends in septets: an escape (ESC and its code) is never parted."""
    return _greedy_cuts(len(septets), single, concat, lambda end: septets[end - 1] == ESC)


def _unit_cuts(encoded: bytes, single: int, concat: int) -> list[int]:
    """Segment ends in UTF-16 code units: a surrogate pair is never parted."""
    return _greedy_cuts(
        len(encoded) >> 1, single, concat, lambda end: encoded[2 * end - 2] & 0xFC == 0xD8
    )


class _Choice(NamedTuple):
    encoding: Encoding
    locking: str | None
    single: str | None
    count: int
    cuts: tuple[int, ...] | None  # where segments end (septets or UTF-16 units); None: one
    units: bytes | None  # the septets or the UTF-16BE the cuts refer to

    def segments(self, text: str) -> tuple[str, ...]:
        if self.cuts is None:
            return (text,)
        units = self.units
        assert units is not None
        out = []
        if self.encoding is Encoding.GSM7:
            char = septet = 0
            for cut in self.cuts:
                length = cut - septet - units.count(b"\x1b", septet, cut)
                out.append(text[char : char + length])
                char += length
                septet = cut
            return tuple(out)
        unit = 0
        for cut in self.cuts:
            out.append(units[2 * unit : 2 * cut].decode("utf-16-be", "surrogatepass"))
            unit = cut
        return tuple(out)


def _gsm7_choice(
    text: str,
    septets: bytes | None,
    count: int,
    pair: _Pair,
    locking: str | None,
    single: str | None,
) -> _Choice:
    """The segments of ``text`` (``count`` septets, all encodable) with one table pair."""
    if count <= pair.capacity_single:
        return _Choice(Encoding.GSM7, locking, single, 1, None, None)
    if septets is None:
        septets = pair.codec.to_septets(text)
        assert septets is not None
    cuts = _septet_cuts(septets, pair.capacity_single, pair.capacity_concat)
    return _Choice(Encoding.GSM7, locking, single, len(cuts), tuple(cuts), septets)


def _ucs2_choice(text: str, ref_bits: int) -> _Choice:
    encoded = text.encode("utf-16-be", "surrogatepass")
    if len(encoded) <= USER_DATA_OCTETS:
        return _Choice(Encoding.UCS2, None, None, 1, None, None)
    concat = (USER_DATA_OCTETS - header_octets(ref_bits, locking=False, single=False)) // 2
    cuts = _unit_cuts(encoded, USER_DATA_OCTETS // 2, concat)
    return _Choice(Encoding.UCS2, None, None, len(cuts), tuple(cuts), encoded)


def _best_national(text: str, languages: tuple[str, ...], ref_bits: int) -> _Choice | None:
    chars = frozenset(text)
    best: _Choice | None = None
    best_key: tuple[int, ...] | None = None
    for order, (locking, single) in enumerate(_national_pairs(languages)):
        pair = _pair(locking, single, ref_bits)
        if not chars <= pair.codec.characters:
            continue
        count = pair.codec.septet_count(text)
        assert count is not None
        choice = _gsm7_choice(text, None, count, pair, locking, single)
        key = (choice.count, pair.shift_ies, locking is not None, count, order)
        if best_key is None or key < best_key:
            best, best_key = choice, key
    return best


def _first_unencodable(text: str, characters: frozenset[str]) -> int | None:
    for index, char in enumerate(text):
        if char not in characters:
            return index
    return None


def _error_at(text: str, position: int, languages: tuple[str, ...]) -> EncodeError:
    char = text[position]
    tables = f" or the national tables allowed ({', '.join(languages)})" if languages else ""
    return EncodeError(
        f"character {char!r} (U+{ord(char):04X}) at position {position} is not in the GSM "
        f"7-bit alphabet{tables}",
        position=position,
    )


def _unencodable_error(text: str, languages: tuple[str, ...]) -> EncodeError:
    """The first character no allowed table pair gets past (the furthest any pair gets)."""
    position = _first_unencodable(text, DEFAULT_CODEC.characters) or 0
    for locking, single in _national_pairs(languages):
        index = _first_unencodable(text, septet_codec(locking, single).characters)
        if index is not None and index > position:
            position = index
    return _error_at(text, position, languages)


def _choose(
    text: str, request: EncodingRequest, languages: tuple[str, ...], ref_bits: int
) -> _Choice:
    if not text:
        raise EncodeError("the text is empty")
    if request is EncodingRequest.UCS2:
        return _ucs2_choice(text, ref_bits)
    septets = DEFAULT_CODEC.to_septets(text)
    if septets is not None:
        return _gsm7_choice(text, septets, len(septets), _pair(None, None, ref_bits), None, None)
    best = _best_national(text, languages, ref_bits) if languages else None
    if request is EncodingRequest.GSM7:
        if best is None:
            raise _unencodable_error(text, languages)
        return best
    ucs2 = _ucs2_choice(text, ref_bits)
    if best is not None and best.count < ucs2.count:
        return best
    return ucs2


def _original_position(position: int, replacements: Sequence[Replacement]) -> int:
    """Map a position in the replaced text back to the original text."""
    shift = 0  # replaced index - original index, before the current replacement
    for replacement in replacements:
        start = replacement.position + shift
        if position < start:
            break
        if position < start + len(replacement.replacement):
            return replacement.position
        shift += len(replacement.replacement) - 1
    return position - shift


def plan_text(
    text: str,
    *,
    encoding: EncodingRequest = EncodingRequest.AUTO,
    national: Sequence[str] = (),
    smart: bool = False,
    max_segments: int = DEFAULT_MAX_SEGMENTS,
    ref_bits: int = 8,
) -> TextPlan:
    """Choose the encoding with the fewest segments and split ``text`` into them.

    ``national`` is a list of ISO 639-1 codes (or ``all``), or one comma-separated string.
    Raises EncodeError (forced gsm7 impossible, empty text, unknown language) or
    TooManySegments.
    """
    if ref_bits not in (8, 16):
        raise EncodeError(f"a concatenation reference has 8 or 16 bits, not {ref_bits}")
    if not 1 <= max_segments <= 255:
        raise EncodeError(f"max_segments {max_segments} is not 1..255")
    languages = parse_languages(national)
    replacements: tuple[Replacement, ...] = ()
    try:
        choice = _choose(text, encoding, languages, ref_bits)
        error = None
    except EncodeError as failure:
        choice, error = None, failure
    sent = text
    if smart and text:
        from gsmgateway.sms.smart import smart_replace

        replaced, found = smart_replace(text)
        if found:
            try:
                alternative = _choose(replaced, encoding, languages, ref_bits)
            except EncodeError as failure:
                if choice is None and failure.position is not None:
                    position = _original_position(failure.position, found)
                    error = _error_at(text, position, languages)
            else:
                if (
                    choice is None
                    or alternative.count < choice.count
                    or (
                        alternative.count == choice.count
                        and choice.encoding is Encoding.UCS2
                        and alternative.encoding is Encoding.GSM7
                    )
                ):
                    choice, sent, replacements = alternative, replaced, found
    if choice is None:
        assert error is not None
        raise error
    if choice.count > max_segments:
        raise TooManySegments(choice.count, max_segments)
    # The plan is filled as pickle and copy fill one, bypassing the generated __init__,
    # whose object.__setattr__ per field costs a third of planning a short text.
    plan = _new_object(TextPlan)
    object.__setattr__(
        plan,
        "__dict__",
        {
            "text": sent,
            "encoding": choice.encoding,
            "locking": choice.locking,
            "single": choice.single,
            "segments": choice.segments(sent),
            "replacements": replacements,
            "ref_bits": ref_bits,
        },
    )
    return plan
