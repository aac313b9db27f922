"""Reads the reference AT transcripts (``C>`` client bytes, ``M<`` modem bytes) into steps,
and maps each client command line to the ``Command`` the gateway's driver would build."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from gsmgateway import at

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


BUILDERS = {
    command.line: command
    for command in (
        at.attention(),
        at.echo_off(),
        at.report_errors(),
        at.query_pin(),
        at.set_pdu_mode(),
        at.query_storage(),
        at.query_smsc(),
        at.query_manufacturer(),
        at.query_model(),
        at.query_revision(),
        at.query_imei(),
        at.query_imsi(),
        at.query_signal(),
        at.query_registration("+CREG"),
        at.query_registration("+CGREG"),
        at.query_operator(),
        at.set_operator_format(0),
        at.query_functionality(),
        at.list_commands(),
        at.set_storage("ME", "ME", "ME"),
        at.set_storage("ME", "ME"),
        at.set_storage("SM", "SM"),
        at.set_storage("ME"),
        at.set_storage("SM"),
        at.new_message_indications(2, 1, 0, 2, 0),
        at.new_message_indications(2, 1, 0, 2, None),
    )
}
PARAMETRISED = [
    (re.compile(r"^AT\+CMGS=(\d+)$"), lambda n: at.submit_pdu(int(n))),
    (re.compile(r"^AT\+CMGL=(\d+)$"), lambda n: at.list_messages(int(n))),
    (re.compile(r"^AT\+CMGR=(\d+)$"), lambda n: at.read_message(int(n))),
]


def command_for(text: str) -> at.Command:
    """The builder's command for a transcript line, or ``raw`` for commands we never send."""
    if text in BUILDERS:
        return BUILDERS[text]
    for pattern, build in PARAMETRISED:
        found = pattern.match(text)
        if found:
            return build(found.group(1))
    return at.raw(text)
