"""How results read on the line (ITU-T V.250 5.7, TS 27.007 9.1-9.2, TS 27.005 3.2.5).

A command's reply is information lines plus one final result. With ATV1 each block
is framed ``<CR><LF>text<CR><LF>``; with ATV0 text ends in ``<CR><LF>`` and results are
digits ending in ``<CR>``; ATQ1 suppresses results. ``+CME ERROR`` / ``+CMS ERROR``
read as plain ``ERROR`` under AT+CMEE=0, with a number under 1, with text under 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# TS 27.007 9.2.1 / 9.2.2: the codes the simulator can produce.
CME_TEXT = {
    3: "operation not allowed",
    4: "operation not supported",
    10: "SIM not inserted",
    11: "SIM PIN required",
    12: "SIM PUK required",
    13: "SIM failure",
    16: "incorrect password",
    20: "memory full",
    21: "invalid index",
    30: "no network service",
    50: "incorrect parameters",
    100: "unknown",
}
# TS 27.005 3.2.5 (300-511) and TS 24.011 / 23.040 causes a network can return (0-255).
CMS_TEXT = {
    8: "operator determined barring",
    10: "call barred",
    21: "short message transfer rejected",
    27: "destination out of service",
    28: "unidentified subscriber",
    29: "facility rejected",
    30: "unknown subscriber",
    38: "network out of order",
    41: "temporary failure",
    42: "congestion",
    47: "resources unavailable, unspecified",
    50: "requested facility not subscribed",
    300: "ME failure",
    301: "SMS service of ME reserved",
    302: "operation not allowed",
    303: "operation not supported",
    304: "invalid PDU mode parameter",
    305: "invalid text mode parameter",
    310: "SIM not inserted",
    311: "SIM PIN required",
    313: "SIM failure",
    316: "SIM PUK required",
    320: "memory failure",
    321: "invalid memory index",
    322: "memory full",
    330: "SMSC address unknown",
    331: "no network service",
    332: "network timeout",
    340: "no +CNMA acknowledgement expected",
    500: "unknown error",
}
OK = "OK"
ERROR = "ERROR"
NUMERIC = {OK: "0", ERROR: "4"}


@dataclass(frozen=True)
class Final:
    """A final result: OK, ERROR, a vendor word, or an error with a domain and a code."""

    word: str  # "OK", "ERROR", "COMMAND NOT SUPPORT", "+CME ERROR", "+CMS ERROR"
    code: int | None = None

    @property
    def ok(self) -> bool:
        """True for OK."""
        return self.word == OK


FINAL_OK = Final(OK)
FINAL_ERROR = Final(ERROR)


def cme(code: int) -> Final:
    """A +CME ERROR (TS 27.007 9.2)."""
    return Final("+CME ERROR", code)


def cms(code: int) -> Final:
    """A +CMS ERROR (TS 27.005 3.2.5)."""
    return Final("+CMS ERROR", code)


@dataclass(frozen=True)
class Format:
    """The settings that change how replies read."""

    verbose: bool = True  # ATV
    quiet: bool = False  # ATQ
    cmee: int = 0


def render_info(lines: Sequence[str], fmt: Format) -> bytes:
    """One command's information text."""
    if not lines:
        return b""
    body = "\r\n".join(lines)
    text = f"\r\n{body}\r\n" if fmt.verbose else f"{body}\r\n"
    return text.encode("latin-1", errors="replace")


def render_final(final: Final, fmt: Format) -> bytes:
    """The final result line."""
    if fmt.quiet:
        return b""
    if final.code is None:
        word = final.word
    elif fmt.cmee == 0:
        word = ERROR
    elif fmt.cmee == 1:
        word = f"{final.word}: {final.code}"
    else:
        table = CME_TEXT if final.word == "+CME ERROR" else CMS_TEXT
        word = f"{final.word}: {table.get(final.code, final.code)}"
    if fmt.verbose:
        return f"\r\n{word}\r\n".encode()
    return f"{NUMERIC.get(word, word)}\r".encode()


def render_urc(lines: Sequence[str]) -> bytes:
    """An unsolicited result code: framed like information text under ATV1."""
    return ("\r\n" + "\r\n".join(lines) + "\r\n").encode("latin-1", errors="replace")
