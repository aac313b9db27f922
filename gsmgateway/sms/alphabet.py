"""GSM 03.38 (3GPP TS 23.038 clause 6.2.1) 7-bit alphabets: characters <-> septets.

A ``Gsm7Alphabet`` is one locking shift table (the default alphabet, or a national
locking shift table) combined with one single shift table (the default extension
table, or a national single shift table). Characters of the single shift table cost
two septets: ESC (0x1B) then the code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from gsmgateway.sms.errors import EncodeError

ESC = 0x1B

# TS 23.038 6.2.1: the default alphabet, indexed by septet. ESC has no character.
DEFAULT_TABLE: tuple[str | None, ...] = tuple(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x00ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
DEFAULT_TABLE = (*DEFAULT_TABLE[:ESC], None, *DEFAULT_TABLE[ESC + 1 :])

# TS 23.038 6.2.1.1: the default alphabet extension table (0x0A is a page break).
DEFAULT_EXTENSION: dict[int, str] = {
    0x0A: "\x0c",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}


def _locking_table(language: str | None) -> tuple[str | None, ...]:
    if language is None:
        return DEFAULT_TABLE
    from gsmgateway.sms import national

    try:
        return national.LOCKING_SHIFT_TABLES[language]
    except KeyError:
        if language in national.LANGUAGE_IDS:
            # TS 23.038 A.3.2: Spanish has a single shift table only.
            raise EncodeError(
                f"language {language!r} has no national locking shift table, only a single "
                "shift table"
            ) from None
        raise EncodeError(f"no national locking shift table for language {language!r}") from None


def _decode_only_codes(language: str | None) -> frozenset[int]:
    if language is None:
        return frozenset()
    from gsmgateway.sms import national

    return national.LOCKING_DECODE_ONLY.get(language, frozenset())


def _single_shift_table(language: str | None) -> dict[int, str]:
    if language is None:
        return DEFAULT_EXTENSION
    from gsmgateway.sms import national

    try:
        return national.SINGLE_SHIFT_TABLES[language]
    except KeyError:
        raise EncodeError(f"no national single shift table for language {language!r}") from None


@dataclass(frozen=True)
class Gsm7Alphabet:
    """One locking shift table plus one single shift table (None = the defaults)."""

    locking: str | None = None
    single: str | None = None
    _to_septets: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    _basic: tuple[str | None, ...] = field(init=False, repr=False, compare=False)
    _shifted: dict[int, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        basic = _locking_table(self.locking)
        shifted = _single_shift_table(self.single)
        decode_only = _decode_only_codes(self.locking)
        to_septets: dict[str, tuple[int, ...]] = {}
        # A character in both tables is sent from the locking table: one septet. A
        # character a table lists twice (TS 23.038 A.2.4-A.2.13 list '*' and '¡' twice)
        # is sent with its lower code.
        for code, char in enumerate(basic):
            if char is not None and code not in decode_only:
                to_septets.setdefault(char, (code,))
        for code, char in sorted(shifted.items()):
            to_septets.setdefault(char, (ESC, code))
        object.__setattr__(self, "_to_septets", to_septets)
        object.__setattr__(self, "_basic", basic)
        object.__setattr__(self, "_shifted", shifted)

    @property
    def characters(self) -> frozenset[str]:
        """Every character this alphabet can encode."""
        return frozenset(self._to_septets)

    def septets_of(self, char: str) -> tuple[int, ...] | None:
        """The septets for one character, or None when this alphabet lacks it."""
        return self._to_septets.get(char)

    def septet_length(self, text: str) -> int | None:
        """How many septets ``text`` takes, or None if some character is missing."""
        total = 0
        table = self._to_septets
        for char in text:
            septets = table.get(char)
            if septets is None:
                return None
            total += len(septets)
        return total

    def first_unencodable(self, text: str) -> int | None:
        """Index of the first character this alphabet cannot encode, or None."""
        table = self._to_septets
        for index, char in enumerate(text):
            if char not in table:
                return index
        return None

    def encode(self, text: str) -> list[int]:
        """Septets of ``text``; raises EncodeError naming the first missing character."""
        out: list[int] = []
        table = self._to_septets
        for index, char in enumerate(text):
            septets = table.get(char)
            if septets is None:
                raise EncodeError(
                    f"character {char!r} (U+{ord(char):04X}) at position {index} is not in "
                    f"the GSM 7-bit alphabet{self._describe()}",
                    position=index,
                )
            out.extend(septets)
        return out

    def decode(self, septets: Iterable[int]) -> str:
        """Text of a septet sequence; never raises on any septet values 0..127."""
        out: list[str] = []
        basic = self._basic
        shifted = self._shifted
        escaped = False
        for septet in septets:
            septet &= 0x7F
            if escaped:
                escaped = False
                char = shifted.get(septet)
                if char is None:
                    # TS 23.038 6.2.1.1: an undefined extension code shows the basic
                    # table's character; ESC ESC is reserved and shows a space.
                    char = " " if septet == ESC else (basic[septet] or " ")
                out.append(char)
            elif septet == ESC:
                escaped = True
            else:
                out.append(basic[septet] or " ")
        return "".join(out)

    def _describe(self) -> str:
        parts = []
        if self.locking:
            parts.append(f"locking shift {self.locking}")
        if self.single:
            parts.append(f"single shift {self.single}")
        return f" ({', '.join(parts)})" if parts else ""


@cache
def gsm7_alphabet(locking: str | None = None, single: str | None = None) -> Gsm7Alphabet:
    """The (cached) alphabet for a locking/single shift language pair."""
    return Gsm7Alphabet(locking, single)


DEFAULT_ALPHABET = gsm7_alphabet()


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` is in the default alphabet or its extension."""
    return DEFAULT_ALPHABET.first_unencodable(text) is None


def decode_septets(
    septets: Sequence[int], locking: str | None = None, single: str | None = None
) -> str:
    """Decode septets with the given tables."""
    return gsm7_alphabet(locking, single).decode(septets)
