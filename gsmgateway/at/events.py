"""What the AT connection reports: one frozen value per thing that happened on the line."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gsmgateway.at.commands import Command
from gsmgateway.at.finals import FinalResult


def _check_pairing(command: Command, lines: tuple[str, ...], pdus: tuple[str | None, ...]) -> None:
    if command.pdu_after and len(pdus) != len(lines):
        raise ValueError("a PDU-listing answer needs one pdu entry per line")
    if not command.pdu_after and pdus:
        raise ValueError("only a PDU-listing command has pdus")


class _AnswerView:
    """What both timely and late answers offer their parsers."""

    command: Command
    lines: tuple[str, ...]
    final: FinalResult
    pdus: tuple[str | None, ...]

    @property
    def ok(self) -> bool:
        """True when the final result is OK (or CONNECT)."""
        return self.final.success

    def entries(self) -> tuple[tuple[str, str | None], ...]:
        """Each owned line with its PDU (``None`` when the command has no PDU lines)."""
        if not self.command.pdu_after:
            return tuple((line, None) for line in self.lines)
        return tuple(zip(self.lines, self.pdus, strict=True))


@dataclass(frozen=True)
class Response(_AnswerView):
    """A command's complete answer: its own lines (with paired PDUs) and its final result."""

    command: Command
    lines: tuple[str, ...]
    final: FinalResult
    # For +CMGL/+CMGR: pdus[i] is the PDU line that followed lines[i] (None if it was missing).
    pdus: tuple[str | None, ...] = ()
    # True when the answer had more lines than Limits.max_response_lines; the rest were dropped.
    truncated: bool = False

    def __post_init__(self) -> None:
        _check_pairing(self.command, self.lines, self.pdus)


@dataclass(frozen=True)
class Prompt:
    """The ``> `` prompt of ``command`` (AT+CMGS): now call ``send_pdu`` or ``cancel_prompt``."""

    command: Command


@dataclass(frozen=True)
class Urc:
    """A line no command owns: ``name`` is its tag (``+CMTI``) or the whole untagged line."""

    name: str
    line: str
    # The PDU line joined to a PDU-mode +CMT/+CDS/+CBM header (None if it never came).
    pdu: str | None = None


@dataclass(frozen=True)
class LateResponse(_AnswerView):
    """An answer that came after its command was abandoned; never credited to another one.

    For a timed-out AT+CMGS this is where a late ``+CMGS: <mr>`` (or ``+CMS ERROR``)
    turns up, so the driver can record what really happened to the part.
    """

    command: Command
    lines: tuple[str, ...]
    final: FinalResult
    pdus: tuple[str | None, ...] = ()

    def __post_init__(self) -> None:
        _check_pairing(self.command, self.lines, self.pdus)


@dataclass(frozen=True)
class Resynchronised:
    """The resync probe was answered: the line is in step again and ``send`` works.

    ``lost`` lists the abandoned commands whose answers never came (for AT+CMGS after
    Ctrl-Z: the part may or may not have reached the network).
    """

    lost: tuple[Command, ...]


@dataclass(frozen=True)
class StrayFinal:
    """A final result that belongs to no command (nothing pending, or impossible here)."""

    final: FinalResult


class NoiseKind(enum.Enum):
    """Why bytes from the modem were dropped."""

    OVERLONG_LINE = "overlong line"
    OVERLONG_PDU = "overlong PDU line"
    UNDECODABLE_LINE = "undecodable line"
    STRAY_PROMPT = "stray prompt"
    RESPONSE_TOO_LONG = "response too long"


@dataclass(frozen=True)
class Noise:
    """Dropped input: ``sample`` holds at most ``Limits.noise_sample`` of its first bytes."""

    kind: NoiseKind
    sample: bytes


# What the parsers of ``responses`` read: an answer, timely or late.
Answer = Response | LateResponse

Event = Response | Prompt | Urc | LateResponse | Resynchronised | StrayFinal | Noise


class NeedData(enum.Enum):
    """The sentinel ``next_event`` returns when it needs more bytes (h11's NEED_DATA)."""

    NEED_DATA = "need data"


NEED_DATA = NeedData.NEED_DATA
