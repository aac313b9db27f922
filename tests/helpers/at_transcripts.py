"""Reads the reference AT transcripts (``C>`` client bytes, ``M<`` modem bytes) into steps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_STEP = re.compile(r"^(\d+\.\d+) (C>|M<|--) ?(.*)$")
_CONTROL = re.compile(r"^\[control bytes (0x[0-9A-Fa-f]{2}(?: 0x[0-9A-Fa-f]{2})*)\]$")
_PDU = re.compile(r"^PDU: ([0-9A-Fa-f]+)<Ctrl-Z>$")


@dataclass(frozen=True)
class Step:
    """One recorded step: ``kind`` is command, control, pdu or modem."""

    kind: str
    text: str = ""
    data: bytes = b""


@dataclass(frozen=True)
class Session:
    """One client run: the command line that started it and its steps in order."""

    title: str
    steps: tuple[Step, ...]


def _unescape(text: str) -> bytes:
    return text.replace("\\r", "\r").replace("\\n", "\n").encode("latin-1")


def read_transcript(path: Path) -> tuple[Session, ...]:
    """Every session of a transcript file; the trailing client output is ignored."""
    sessions: list[Session] = []
    title: str | None = None
    steps: list[Step] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("=== command:"):
            if title is not None:
                sessions.append(Session(title, tuple(steps)))
            title, steps = raw.removeprefix("=== command:").strip(), []
            continue
        if raw.startswith("=== client output"):
            break
        found = _STEP.match(raw)
        if found is None or title is None:
            continue
        _, side, text = found.groups()
        if side == "M<":
            steps.append(Step("modem", data=_unescape(text)))
        elif side == "C>":
            control = _CONTROL.match(text)
            pdu = _PDU.match(text)
            if control or not text.isprintable() or text == "":
                steps.append(Step("control", text=text))
            elif pdu:
                steps.append(Step("pdu", text=pdu.group(1)))
            else:
                steps.append(Step("command", text=text))
    if title is not None:
        sessions.append(Session(title, tuple(steps)))
    return tuple(sessions)
