"""Smart encoding: swap typographic characters for their GSM 7-bit look-alikes.

Opt-in per message. ``smart_replace`` replaces characters that are in neither the GSM
7-bit default alphabet nor its extension table (TS 23.038 6.2.1, 6.2.1.1) but have an
unambiguous GSM-7 look-alike, so that text from a word processor or a phone keyboard
(curly quotes, dashes, no-break spaces, an ellipsis) can still go out as GSM-7.

Rules that hold for ``LOOKALIKES``:
- It never touches letters: ş stays ş and é stays é (the national tables or UCS-2 carry
  them). The one exception is width: fullwidth Ａ is the letter A drawn wide (NFKC
  folds it to A), so it becomes A.
- It never replaces a character that is in the default alphabet or its extension.
- Every replacement is GSM-7 and contains no replaceable character, so a second pass
  changes nothing.
- A replacement may be longer than one character (… becomes ...) or empty (invisible
  characters are dropped); ``Replacement.position`` is the code point index in the
  original text.
Characters left alone, for want of an unambiguous look-alike: © ® ™ ("(c)" reads as a
list item, "TM" loses its meaning), × (x is a letter), · (it separates letters in
Catalan), ʼ and ʻ (letters in some orthographies), the backtick (in code it is no
apostrophe).

The planner (sms/plan.py) calls this before choosing the encoding and keeps the result
only where it helps: a text with an emoji still needs UCS-2, and the emoji is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from gsmgateway.sms.alphabet import is_gsm7

if TYPE_CHECKING:
    from gsmgateway.sms.plan import Replacement

_TYPOGRAPHIC: dict[str, str] = {
    # Single quotation marks, their low-9 and high-reversed-9 forms, single guillemets,
    # primes (minutes, feet) and the acute accent typed alone: all read as an apostrophe.
    "\u2018": "'",  # LEFT SINGLE QUOTATION MARK
    "\u2019": "'",  # RIGHT SINGLE QUOTATION MARK
    "\u201a": "'",  # SINGLE LOW-9 QUOTATION MARK
    "\u201b": "'",  # SINGLE HIGH-REVERSED-9 QUOTATION MARK
    "\u2039": "'",  # SINGLE LEFT-POINTING ANGLE QUOTATION MARK
    "\u203a": "'",  # SINGLE RIGHT-POINTING ANGLE QUOTATION MARK
    "\u2032": "'",  # PRIME
    "\u2035": "'",  # REVERSED PRIME
    "\u00b4": "'",  # ACUTE ACCENT (a spacing accent, the apostrophe key of some layouts)
    # Double quotation marks, the same forms, guillemets and double primes (seconds,
    # inches): all read as a quotation mark. A guillemet becomes '"', not "<<", because
    # it quotes; "<<" would read as an operator.
    "\u201c": '"',  # LEFT DOUBLE QUOTATION MARK
    "\u201d": '"',  # RIGHT DOUBLE QUOTATION MARK
    "\u201e": '"',  # DOUBLE LOW-9 QUOTATION MARK
    "\u201f": '"',  # DOUBLE HIGH-REVERSED-9 QUOTATION MARK
    "\u00ab": '"',  # LEFT-POINTING DOUBLE ANGLE QUOTATION MARK
    "\u00bb": '"',  # RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK
    "\u2033": '"',  # DOUBLE PRIME
    "\u2036": '"',  # REVERSED DOUBLE PRIME
    # Hyphens, dashes and the minus sign: the hyphen-minus. An em dash becomes one
    # hyphen, not two, so the text keeps its length.
    "\u2010": "-",  # HYPHEN
    "\u2011": "-",  # NON-BREAKING HYPHEN
    "\u2012": "-",  # FIGURE DASH
    "\u2013": "-",  # EN DASH
    "\u2014": "-",  # EM DASH
    "\u2015": "-",  # HORIZONTAL BAR
    "\u2212": "-",  # MINUS SIGN
    # Bullets: "-", the plain-text list marker ("*" reads as emphasis or a footnote).
    "\u2022": "-",  # BULLET
    "\u2023": "-",  # TRIANGULAR BULLET
    "\u2043": "-",  # HYPHEN BULLET
    # Leaders and the ellipsis: that many full stops.
    "\u2024": ".",  # ONE DOT LEADER
    "\u2025": "..",  # TWO DOT LEADER
    "\u2026": "...",  # HORIZONTAL ELLIPSIS
    # Slashes that are drawn as the solidus.
    "\u2044": "/",  # FRACTION SLASH
    "\u2215": "/",  # DIVISION SLASH
    # Space separators (Unicode category Zs), every one but the space itself: a space.
    "\u00a0": " ",  # NO-BREAK SPACE
    "\u1680": " ",  # OGHAM SPACE MARK
    "\u2000": " ",  # EN QUAD
    "\u2001": " ",  # EM QUAD
    "\u2002": " ",  # EN SPACE
    "\u2003": " ",  # EM SPACE
    "\u2004": " ",  # THREE-PER-EM SPACE
    "\u2005": " ",  # FOUR-PER-EM SPACE
    "\u2006": " ",  # SIX-PER-EM SPACE
    "\u2007": " ",  # FIGURE SPACE
    "\u2008": " ",  # PUNCTUATION SPACE
    "\u2009": " ",  # THIN SPACE
    "\u200a": " ",  # HAIR SPACE
    "\u202f": " ",  # NARROW NO-BREAK SPACE
    "\u205f": " ",  # MEDIUM MATHEMATICAL SPACE
    "\u3000": " ",  # IDEOGRAPHIC SPACE
    # Line and paragraph separators (Zl, Zp): a line feed.
    "\u2028": "\n",  # LINE SEPARATOR
    "\u2029": "\n",  # PARAGRAPH SEPARATOR
    # Invisible characters: dropped. ZWJ and ZWNJ also steer the shaping of Indic
    # conjuncts and emoji sequences; dropping them changes how those look, never which
    # letters they are (and an emoji sequence stays UCS-2, where the planner keeps them).
    "\u00ad": "",  # SOFT HYPHEN
    "\u200b": "",  # ZERO WIDTH SPACE
    "\u200c": "",  # ZERO WIDTH NON-JOINER
    "\u200d": "",  # ZERO WIDTH JOINER
    "\u2060": "",  # WORD JOINER
    "\ufeff": "",  # ZERO WIDTH NO-BREAK SPACE (BOM)
    # Fullwidth forms of GSM-7 Latin-1 signs.
    "\uffe1": "£",  # FULLWIDTH POUND SIGN
    "\uffe5": "¥",  # FULLWIDTH YEN SIGN
}

# Fullwidth ASCII forms U+FF01..U+FF5E: the ASCII character U+0021..U+007E, where that
# is GSM-7 (all but the backtick).
_FULLWIDTH_ASCII: dict[str, str] = {
    chr(0xFF01 + offset): chr(0x21 + offset)
    for offset in range(0x5E)
    if is_gsm7(chr(0x21 + offset))
}

LOOKALIKES: Mapping[str, str] = MappingProxyType({**_TYPOGRAPHIC, **_FULLWIDTH_ASCII})


def smart_replace(text: str) -> tuple[str, tuple[Replacement, ...]]:
    """``text`` with GSM-7 look-alikes swapped in, and each replacement made, in order."""
    if text.isascii():
        return text, ()
    # Imported here, not at the top: plan.py imports this module.
    from gsmgateway.sms import plan

    out: list[str] = []
    replacements: list[Replacement] = []
    for position, char in enumerate(text):
        lookalike = LOOKALIKES.get(char)
        if lookalike is None:
            out.append(char)
        else:
            out.append(lookalike)
            replacements.append(plan.Replacement(position, char, lookalike))
    if not replacements:
        return text, ()
    return "".join(out), tuple(replacements)
