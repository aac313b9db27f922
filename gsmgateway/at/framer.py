"""Cutting the modem's byte stream into frames: lines, the ``> `` prompt, and noise.

Rules that hold (any chunking of the same bytes gives the same frames, because every
decision depends only on the bytes buffered and the hints, never on where a chunk ended):

- CR, LF, Ctrl-Z and ESC each end a line (modems mix CRLF, LFCR, bare CR and bare LF;
  an echoed PDU ends with the Ctrl-Z we sent). Empty lines are skipped.
- At the start of a line, NUL, 0xFF, CR, LF, space, tab, Ctrl-Z and ESC are stray bytes
  and dropped (ModemManager strips leading NULs; 0xFF and NUL are what dongles emit
  while their UART wakes). Trailing spaces, tabs and NULs are trimmed.
- ``> `` at the start of a line is the prompt (TS 27.005 3.5.1: it has no line ending).
  When the caller expects a prompt, a lone ``>`` is enough.
- A line longer than its limit (``max_pdu_line`` when a PDU line is expected, else
  ``max_line``) becomes one OVERLONG frame and is discarded up to its end, so the buffer
  never holds more than the limit.
- A line with control bytes or invalid UTF-8 becomes an UNDECODABLE frame.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_TERMINATOR = re.compile(rb"[\r\n\x1a\x1b]")
_STRAY_LEADING = frozenset(b"\r\n\x00\xff \t\x1a\x1b")
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_PROMPT = ord(">")
_SPACE = ord(" ")


class FrameKind(enum.Enum):
    """What a frame is."""

    LINE = "line"
    PROMPT = "prompt"
    OVERLONG = "overlong"
    UNDECODABLE = "undecodable"


@dataclass(frozen=True)
class Frame:
    """One unit cut from the stream; ``before_send`` marks bytes that began before a write."""

    kind: FrameKind
    text: str = ""
    sample: bytes = b""
    pdu_limit: bool = False
    before_send: bool = False


class Framer:
    """A byte buffer cut into frames on demand, steered by the caller's hints."""

    def __init__(self, *, max_line: int, max_pdu_line: int, noise_sample: int) -> None:
        if min(max_line, max_pdu_line, noise_sample) < 1:
            raise ValueError("framer limits must be positive")
        self._buf = bytearray()
        self._max_line = max_line
        self._max_pdu_line = max_pdu_line
        self._noise_sample = noise_sample
        self._discarding = False
        self._line_before_send = False

    @property
    def buffered(self) -> int:
        """Bytes held that do not yet form a frame."""
        return len(self._buf)

    def feed(self, data: bytes) -> None:
        """Append bytes from the modem."""
        self._buf += data

    def mark_sent(self) -> None:
        """Note that the caller wrote to the modem: a partial line now held predates it."""
        self._line_before_send = bool(self._buf) or self._discarding

    def next_frame(self, *, expect_prompt: bool, expect_pdu: bool) -> Frame | None:
        """The next complete frame, or ``None`` until more bytes arrive."""
        buf = self._buf
        if self._discarding:
            end = _TERMINATOR.search(buf)
            if end is None:
                buf.clear()
                return None
            del buf[: end.end()]
            self._discarding = False
            self._line_before_send = False
        skip = 0
        while skip < len(buf) and buf[skip] in _STRAY_LEADING:
            skip += 1
        if skip:
            del buf[:skip]
        if not buf:
            return None
        if buf[0] == _PROMPT:
            if len(buf) >= 2 and buf[1] == _SPACE:
                del buf[:2]
                return self._frame(FrameKind.PROMPT)
            if expect_prompt:
                del buf[:1]
                return self._frame(FrameKind.PROMPT)
            if len(buf) == 1:
                return None
        limit = self._max_pdu_line if expect_pdu else self._max_line
        end = _TERMINATOR.search(buf)
        if end is None:
            if len(buf) <= limit:
                return None
            sample = bytes(buf[: self._noise_sample])
            buf.clear()
            self._discarding = True
            return self._frame(FrameKind.OVERLONG, sample=sample, pdu_limit=expect_pdu)
        raw = bytes(buf[: end.start()])
        del buf[: end.end()]
        if len(raw) > limit:
            sample = raw[: self._noise_sample]
            return self._frame(FrameKind.OVERLONG, sample=sample, pdu_limit=expect_pdu)
        raw = raw.rstrip(b" \t\x00")
        if _CONTROL.search(raw):
            return self._frame(FrameKind.UNDECODABLE, sample=raw[: self._noise_sample])
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return self._frame(FrameKind.UNDECODABLE, sample=raw[: self._noise_sample])
        return self._frame(FrameKind.LINE, text=text)

    def _frame(
        self, kind: FrameKind, *, text: str = "", sample: bytes = b"", pdu_limit: bool = False
    ) -> Frame:
        before = self._line_before_send
        self._line_before_send = False
        return Frame(kind, text, sample, pdu_limit, before)
