"""TE character sets of AT+CSCS (TS 27.007 5.5): strings between the modem and the TE.

The set changes how text fields read on the line: operator names, SMSC address,
USSD strings, text-mode SMS. ``HEX`` is the MT's own bytes as hex (TS 27.007: "no
conversions to the original MT character set shall be done"), the MT set being the
GSM default alphabet, one septet per byte; ``UCS2`` is UTF-16 code units as 4 hex
digits each (gammu switches to one of these two, see the reference transcripts).
"""

from __future__ import annotations

from gsmgateway.sms.alphabet import DEFAULT_ALPHABET

CHARSETS = ("GSM", "IRA", "UCS2", "HEX", "8859-1", "PCCP437")


def _gsm_bytes(text: str) -> bytes:
    out = bytearray()
    for char in text:
        out.extend(DEFAULT_ALPHABET.septets_of(char) or DEFAULT_ALPHABET.septets_of("?") or ())
    return bytes(out)


def encode_te(text: str, charset: str) -> str:
    """``text`` as the TE reads it in ``charset`` (characters the set lacks become ``?``)."""
    if charset == "UCS2":
        raw = text.encode("utf-16-be")
        return raw.hex().upper()
    if charset == "HEX":
        return _gsm_bytes(text).hex().upper()
    if charset == "GSM":
        # Over a byte link, the GSM set is one septet per byte; the ASCII letters,
        # digits and most punctuation have the same codes in both.
        return _gsm_bytes(text).decode("latin-1")
    if charset == "8859-1":
        return text.encode("latin-1", errors="replace").decode("latin-1")
    if charset == "PCCP437":
        return text.encode("cp437", errors="replace").decode("cp437")
    return text.encode("ascii", errors="replace").decode("ascii")


def decode_te(data: str, charset: str) -> str:
    """The text the TE meant by ``data`` in ``charset``; ValueError when it is malformed."""
    if charset in ("UCS2", "HEX"):
        raw = bytes.fromhex(data)
        if charset == "UCS2":
            if len(raw) % 2:
                raise ValueError("UCS2 string with an odd number of octets")
            return raw.decode("utf-16-be", errors="replace")
        return DEFAULT_ALPHABET.decode(raw)
    if charset == "GSM":
        return DEFAULT_ALPHABET.decode(data.encode("latin-1", errors="replace"))
    if charset == "8859-1":
        return data
    if charset == "PCCP437":
        return data.encode("latin-1", errors="replace").decode("cp437")
    return data
