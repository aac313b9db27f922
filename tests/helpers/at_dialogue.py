"""Scripted dialogues for the AT core: modem answers as bytes, and a driver loop.

A script is a list of steps run in order against an ``AtConnection``: a ``Command`` is
sent, a ``Pdu`` is sent after the prompt, ``Abandon()`` times the pending command out,
and ``bytes`` are what the modem writes. ``run`` feeds those bytes in the chunks a
splitter chooses, so tests can check that any chunking yields the same events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from gsmgateway.at import AtConnection, Command, Event

CRLF = b"\r\n"


def line(text: str | bytes, *, ending: bytes = CRLF) -> bytes:
    """One V.250 information or result line: <CR><LF>text<CR><LF>."""
    body = text.encode() if isinstance(text, str) else text
    return ending + body + ending


def answer(*lines: str, final: str = "OK", ending: bytes = CRLF) -> bytes:
    """A complete answer: each line framed, then the final result."""
    return b"".join(line(text, ending=ending) for text in lines) + line(final, ending=ending)


@dataclass(frozen=True)
class Pdu:
    """Send this PDU (hex) after the prompt."""

    hex: str


@dataclass(frozen=True)
class Abandon:
    """The caller's timer fired: abandon the pending command."""


@dataclass(frozen=True)
class CancelPrompt:
    """Give up an AT+CMGS before its PDU."""


Step = Command | Pdu | Abandon | CancelPrompt | bytes
Splitter = Callable[[bytes], Iterable[bytes]]


def whole(data: bytes) -> list[bytes]:
    """One chunk."""
    return [data] if data else []


def bytewise(data: bytes) -> list[bytes]:
    """One byte at a time."""
    return [data[i : i + 1] for i in range(len(data))]


@dataclass
class Transcript:
    """What a run produced: every event, and every write the core asked for."""

    events: list[Event]
    writes: list[bytes]


def run(
    script: Sequence[Step],
    *,
    split: Splitter = whole,
    connection: AtConnection | None = None,
) -> Transcript:
    """Run ``script``; events are drained after every chunk, as a driver would."""
    conn = connection or AtConnection()
    events: list[Event] = []
    writes: list[bytes] = []
    for step in script:
        if isinstance(step, bytes):
            for chunk in split(step):
                conn.receive_data(chunk)
                events.extend(conn.events())
        elif isinstance(step, Pdu):
            writes.append(conn.send_pdu(step.hex))
        elif isinstance(step, Abandon):
            writes.append(conn.abandon())
        elif isinstance(step, CancelPrompt):
            writes.append(conn.cancel_prompt())
        else:
            writes.append(conn.send(step))
    return Transcript(events, writes)
