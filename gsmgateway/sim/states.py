"""The machine's phases, one class each (see the rules in ``machine.py``).

Each state's ``feed`` consumes bytes; when it hands the machine a new state it returns
the bytes it did not consume, for the new state to take.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gsmgateway.sim.machine import ModemMachine

CR, LF, BS, CTRL_Z, ESC = 0x0D, 0x0A, 0x08, 0x1A, 0x1B
# V.250 asks for at least 40 characters; SIM800's manual gives 556 as its limit. A
# longer line is discarded up to its CR and answered ERROR (V.250 5.2.1 lets a DCE
# reject a line it cannot hold).
MAX_LINE = 556
# Longest useful PDU: 12 SMSC octets + 164 TPDU octets, as hex; beyond it is garbage.
MAX_PROMPT_CHARS = 2 * 200
MAX_HELD_INPUT = 4096


class Phase(enum.Enum):
    """The machine's phase (one class of state each)."""

    COMMAND = "command"
    PROMPT = "prompt"
    SUBMITTING = "submitting"
    BOOTING = "booting"
    HUNG = "hung"


class CommandState:
    """Assembling command lines; CR ends one and runs it."""

    phase = Phase.COMMAND

    def __init__(self) -> None:
        self.line = bytearray()
        self.overflow = False

    def feed(self, m: ModemMachine, data: bytes, now: float) -> bytes:
        for position, byte in enumerate(data):
            if byte == CR:
                m.echo(bytes([byte]))
                line, overflow = bytes(self.line), self.overflow
                self.line.clear()
                self.overflow = False
                m.run_line(line, overflow, now)
                if m.state is not self:
                    return data[position + 1 :]
            elif byte in (0x00, ESC, CTRL_Z):
                # NUL padding, a stray ESC (gammu opens with ESC CR) or Ctrl-Z outside a
                # prompt: discarded without echo (ModemManager strips leading NULs too).
                continue
            elif byte == BS:
                if self.line:
                    self.line.pop()
                    m.echo(b"\x08 \x08")
            else:
                m.echo(bytes([byte]))
                if byte == LF:
                    continue
                if len(self.line) < MAX_LINE:
                    self.line.append(byte)
                else:
                    self.overflow = True
        return b""


class PromptState:
    """After ``> ``: the PDU (hex) or text of AT+CMGS / AT+CMGW, until Ctrl-Z or ESC."""

    phase = Phase.PROMPT

    def __init__(
        self,
        *,
        tpdu_length: int | None,
        destination: str | None = None,
        command: str = "+CMGS",
        stat: int = 2,
    ) -> None:
        self.tpdu_length = tpdu_length  # PDU mode: the declared <length>
        self.destination = destination  # text mode: <da>
        self.command = command  # +CMGS sends, +CMGW stores
        self.stat = stat  # AT+CMGW <stat>, default 2 "STO UNSENT" (TS 27.005 3.5.3)
        self.chars = bytearray()
        self.overflow = False

    @property
    def text_mode(self) -> bool:
        """True for a text-mode AT+CMGS."""
        return self.destination is not None

    def feed(self, m: ModemMachine, data: bytes, now: float) -> bytes:
        for position, byte in enumerate(data):
            if byte == CTRL_Z:
                m.finish_prompt(self, now)
                return data[position + 1 :]
            if byte == ESC:
                m.cancel_prompt()
                return data[position + 1 :]
            if byte == BS:
                if self.chars:
                    self.chars.pop()
                    m.echo(b"\x08 \x08")
                continue
            m.echo(bytes([byte]))
            if byte in (CR, LF):
                if self.text_mode and byte == CR:
                    self._append(LF)
                    m.write(b"\r\n> ")
                continue
            self._append(byte)
        return b""

    def _append(self, byte: int) -> None:
        if len(self.chars) < MAX_PROMPT_CHARS:
            self.chars.append(byte)
        else:
            self.overflow = True


class SubmittingState:
    """Waiting for the network's answer to a submission; the TE's input is held."""

    phase = Phase.SUBMITTING

    def __init__(
        self, mr: int, prefix: str = "+CMGS", stored: tuple[str, int] | None = None
    ) -> None:
        self.mr = mr
        self.prefix = prefix  # the answer's prefix: +CMGS, or +CMSS for a stored message
        self.stored = stored  # AT+CMSS: (memory, index) to mark "STO SENT"
        self.held = bytearray()

    def feed(self, m: ModemMachine, data: bytes, now: float) -> bytes:
        room = MAX_HELD_INPUT - len(self.held)
        self.held.extend(data[:room])
        return b""


class BootingState:
    """Restarting after AT+CFUN=1,1: input is dropped until the boot timer fires."""

    phase = Phase.BOOTING

    def feed(self, m: ModemMachine, data: bytes, now: float) -> bytes:
        return b""


class HungState:
    """A fault: the firmware is stuck; everything sent is lost, nothing comes out."""

    phase = Phase.HUNG

    def feed(self, m: ModemMachine, data: bytes, now: float) -> bytes:
        return b""


State = CommandState | PromptState | SubmittingState | BootingState | HungState
