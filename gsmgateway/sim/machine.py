"""The simulated modem's AT engine: bytes from the TE in, bytes and effects out. Pure.

Nothing here does IO, sleeps or reads a clock: ``now`` comes in, and whatever needs
time (per-command latency, the network's answer to a submission, timers) goes out as
an effect for the thin runner to carry out.

Rules that hold:
- The machine is in exactly one phase at a time, each a class below: COMMAND (lines
  end at CR, echo while ATE1), PROMPT (after AT+CMGS: hex or text until Ctrl-Z sends
  or ESC cancels), SUBMITTING (waiting for the network; input is held, not lost),
  BOOTING (after AT+CFUN=1,1; input is dropped) and HUNG (a fault: nothing in or out).
- Every command line gets exactly one final result, after ``command_latency``.
- An unsolicited result is never written inside a reply: while the link is reserved
  (PROMPT, SUBMITTING) it is buffered, or discarded, as AT+CNMI <mode> says
  (TS 27.005 3.4.1), and flushed once the reply is out.
- Inbound SMS go where AT+CNMI <mt> sends them (stored with +CMTI, or routed with
  +CMT); status reports where <ds> sends them (+CDS routed, +CDSI stored, or, with
  <ds>=0, dropped: TS 27.005 says no report is routed and this ME keeps none).
- A message that finds its storage full stays with the network and comes again when
  a slot frees (TS 24.011 "memory capacity exceeded", then RP-SMMA).
- +CMT/+CDS under AT+CSMS=1 wait for AT+CNMA; without it within ``cnma_timeout``
  the ME disables routing (<mt>=<ds>=0, TS 27.005 3.4.1) and the network's redelivery
  is modelled as immediate: the message is stored without notice.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from gsmgateway.sim import charsets
from gsmgateway.sim.commandline import Command, Form, SyntaxFault, int_arg, parse_line, split_args
from gsmgateway.sim.errors import InvalidIndex, StorageFull
from gsmgateway.sim.identity import Identity
from gsmgateway.sim.profiles import Profile
from gsmgateway.sim.relay import deliver_dcs, message_class, split_smsc
from gsmgateway.sim.replies import (
    FINAL_ERROR,
    FINAL_OK,
    Final,
    Format,
    cme,
    cms,
    render_final,
    render_info,
    render_urc,
)
from gsmgateway.sim.storage import MEMORIES, MessageKind, MessageStatus, MessageStore, StoredMessage
from gsmgateway.sms.errors import PduDecodeError, SmsError

CR, LF, BS, CTRL_Z, ESC = 0x0D, 0x0A, 0x08, 0x1A, 0x1B
# V.250 asks for at least 40 characters; SIM800's manual gives 556 as its limit. A
# longer line is discarded up to its CR and answered ERROR (V.250 5.2.1 lets a DCE
# reject a line it cannot hold).
MAX_LINE = 556
# Longest useful PDU: 12 SMSC octets + 164 TPDU octets, as hex; beyond it is garbage.
MAX_PROMPT_CHARS = 2 * 200
MAX_HELD_INPUT = 4096
MAX_URC_BUFFER = 64  # the TA's buffer for CNMI mode 0/2 (oldest dropped when full)
SMSC_DEFAULT = "+447400000001"
OPERATOR_LONG, OPERATOR_SHORT, OPERATOR_NUMERIC = "Test Network", "TestNet", "00101"
USSD_BALANCE = "Your balance is 12.34 EUR."
SMS_COMMANDS = frozenset({"+CMGS", "+CMGL", "+CMGR", "+CMGD", "+CPMS", "+CSCA", "+CNMI"})
# V.250 6.2: S3 CR, S4 LF, S5 backspace; S0 auto-answer rings, S7 connect wait, S10 delay.
S_REGISTER_DEFAULTS = {"S0": 0, "S3": 13, "S4": 10, "S5": 8, "S7": 60, "S10": 15}


class Phase(enum.Enum):
    """The machine's phase (one class of state each)."""

    COMMAND = "command"
    PROMPT = "prompt"
    SUBMITTING = "submitting"
    BOOTING = "booting"
    HUNG = "hung"


class SimState(enum.Enum):
    """What AT+CPIN? reports (TS 27.007 8.3)."""

    READY = "READY"
    PIN = "SIM PIN"
    PUK = "SIM PUK"


# -- effects -----------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """Bytes for the TE, to be written ``delay`` seconds after the previous write."""

    data: bytes
    delay: float = 0.0


@dataclass(frozen=True)
class SubmitRequest:
    """A PDU for the network; answer with ``ModemMachine.submit_finished``."""

    pdu: str  # hex, with the SMSC field first
    tpdu_length: int
    mr: int


@dataclass(frozen=True)
class StartTimer:
    """Call ``ModemMachine.on_timer(token, now)`` after ``delay`` seconds."""

    token: str
    delay: float


@dataclass(frozen=True)
class Replug:
    """The device leaves the bus now and comes back after ``delay`` (USB modem reset)."""

    delay: float


Effect = Write | SubmitRequest | StartTimer | Replug


@dataclass(frozen=True)
class SubmitOutcome:
    """The network's answer to a SubmitRequest: accepted, or a +CMS ERROR code."""

    error: int | None = None


@dataclass(frozen=True)
class Timing:
    """How long things take. Defaults are fast for tests; ``realistic`` is a real dongle's."""

    command_latency: float = 0.0
    cmgs_delay: float = 0.005
    status_report_delay: float = 0.02
    boot_delay: float = 0.05
    replug_delay: float = 0.2
    cnma_timeout: float = 2.0
    noise_interval: float = 1.0
    ussd_delay: float = 0.02

    @classmethod
    def realistic(cls, latency: float) -> Timing:
        """A dongle on a live network: ``latency`` per command, seconds for a CMGS."""
        return cls(
            command_latency=latency,
            cmgs_delay=3.0,
            status_report_delay=5.0,
            boot_delay=3.0,
            replug_delay=5.0,
            cnma_timeout=15.0,  # TS 24.011 TR2M is 12-20 s
            noise_interval=3.0,
            ussd_delay=2.0,
        )


# -- settings ------------------------------------------------------------------------


@dataclass
class Settings:
    """What ATZ / AT&F reset (the TE-visible configuration)."""

    echo: bool
    verbose: bool
    quiet: bool
    cmee: int
    cmgf: int
    cscs: str
    csmp: tuple[int, int, int, int]
    csdh: int
    csms: int
    cnmi: tuple[int, int, int, int, int]
    cpms: list[str]
    creg: int
    cgreg: int
    cereg: int
    cops_format: int
    cmms: int
    cusd: int
    curc: int

    @classmethod
    def defaults(cls, profile: Profile) -> Settings:
        """Power-on defaults (TS 27.007/27.005 defaults, profile where they differ)."""
        return cls(
            echo=True,
            verbose=True,
            quiet=False,
            cmee=0,
            cmgf=0,
            cscs=profile.default_charset,
            csmp=(17, 167, 0, 0),
            csdh=0,
            csms=0,
            cnmi=profile.default_cnmi,
            cpms=["SM", "SM", "SM"],
            creg=0,
            cgreg=0,
            cereg=0,
            cops_format=0,
            cmms=0,
            cusd=0,
            curc=1,
        )

    @property
    def format(self) -> Format:
        """The reply format these settings give."""
        return Format(verbose=self.verbose, quiet=self.quiet, cmee=self.cmee)


@dataclass
class SimCard:
    """The SIM: its lock, PIN/PUK and their counters, its SMSC address."""

    pin: str = "1234"
    puk: str = "12345678"
    pin_enabled: bool = False
    state: SimState = SimState.READY
    pin_attempts_left: int = 3
    smsc: str = SMSC_DEFAULT


@dataclass
class Reply:
    """What one command produced."""

    lines: list[str] = field(default_factory=list)
    final: Final = FINAL_OK
    prompt: PromptState | None = None
    effects: list[Effect] = field(default_factory=list)


# -- the states ----------------------------------------------------------------------


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
    """After ``> ``: the PDU (hex) or text of an AT+CMGS, until Ctrl-Z or ESC."""

    phase = Phase.PROMPT

    def __init__(self, *, tpdu_length: int | None, destination: str | None = None) -> None:
        self.tpdu_length = tpdu_length  # PDU mode: the declared <length>
        self.destination = destination  # text mode: <da>
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

    def __init__(self, mr: int) -> None:
        self.mr = mr
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


@dataclass
class _Routed:
    """A +CMT / +CDS waiting for AT+CNMA (AT+CSMS=1)."""

    serial: int
    kind: MessageKind
    pdu: str
    tpdu_length: int


def _now_datetime(now: float) -> datetime:
    return datetime.fromtimestamp(now, UTC)


# -- the machine ---------------------------------------------------------------------


class ModemMachine:
    """One simulated modem's firmware. Feed it bytes; carry out the effects it returns."""

    def __init__(
        self,
        identity: Identity,
        profile: Profile,
        timing: Timing | None = None,
        *,
        rssi: int = 20,
    ) -> None:
        self.identity = identity
        self.profile = profile
        self.timing = timing or Timing()
        self.settings = Settings.defaults(profile)
        self.sim = SimCard()
        self.store = MessageStore({"SM": profile.sm_capacity, "ME": profile.me_capacity})
        self.state: State = CommandState()
        self.cfun = 1
        self.registration = 1  # +CREG <stat>: 1 registered home
        self.rssi = rssi
        self.last_mr = 0
        self._out: list[Effect] = []
        self._urc_buffer: deque[bytes] = deque(maxlen=MAX_URC_BUFFER)
        self._pending_inbound: deque[tuple[MessageKind, str, int]] = deque()
        self._routed: deque[_Routed] = deque()
        self._awaiting_ack: _Routed | None = None
        self._serial = 0
        self._boot_count = 0
        self._noise_step = 0
        self.s_registers = dict(S_REGISTER_DEFAULTS)
        self._executing = False
        self._handlers = self._handler_table()

    # -- the runner's entry points (each returns the effects to carry out) ----------

    def power_on(self, now: float) -> list[Effect]:
        """Power-up: settings to defaults, SIM locked again if its PIN is enabled, boot URCs."""
        self.settings = Settings.defaults(self.profile)
        self.state = CommandState()
        self.cfun = 1
        self._urc_buffer.clear()
        self._routed.clear()
        self._awaiting_ack = None
        self._boot_count += 1
        if self.sim.pin_enabled and self.sim.state is SimState.READY:
            self.sim.state = SimState.PIN
        self.registration = 1 if self.sim.state is SimState.READY else 0
        cpin = self.sim.state.value
        lines = [urc.format(cpin=cpin) for urc in self.profile.boot_urcs]
        if self.sim.state is SimState.READY:
            lines += self.profile.ready_urcs
        for line in lines:
            self._urc([line])
        if self.profile.noise_urcs:
            self._out.append(StartTimer("noise", self.timing.noise_interval))
        return self._take()

    def receive(self, data: bytes, now: float) -> list[Effect]:
        """Bytes from the TE."""
        while data:
            data = self.state.feed(self, data, now)
        return self._take()

    def submit_finished(self, outcome: SubmitOutcome, now: float) -> list[Effect]:
        """The network's answer to the SubmitRequest in flight."""
        state = self.state
        if not isinstance(state, SubmittingState):
            return self._take()  # hung or rebooted meanwhile: the answer is lost
        self.state = CommandState()
        if outcome.error is None:
            self.write_reply(Reply([f"+CMGS: {state.mr}"]), delay=0.0)
        else:
            self.write_reply(Reply(final=cms(outcome.error)), delay=0.0)
        self._flush_urcs()
        if state.held:
            self.receive(bytes(state.held), now)
        return self._take()

    def on_timer(self, token: str, now: float) -> list[Effect]:
        """A timer asked for with StartTimer has fired."""
        if isinstance(self.state, HungState):
            return self._take()
        kind, _, arg = token.partition(":")
        if kind == "boot" and isinstance(self.state, BootingState):
            return self.power_on(now)
        if kind == "noise":
            self._noise(now)
        elif kind == "cnma" and self._awaiting_ack and self._awaiting_ack.serial == int(arg):
            self._ack_timeout(now)
        elif kind == "ussd":
            self._ussd_answer(arg)
        return self._take()

    def deliver_sms(self, pdu: str, tpdu_length: int, now: float) -> list[Effect]:
        """An SMS-DELIVER (hex with SMSC field) from the network."""
        self._pending_inbound.append((MessageKind.DELIVER, pdu, tpdu_length))
        self._drain_inbound()
        return self._take()

    def deliver_status_report(self, pdu: str, tpdu_length: int, now: float) -> list[Effect]:
        """An SMS-STATUS-REPORT (hex with SMSC field) from the network."""
        self._pending_inbound.append((MessageKind.STATUS_REPORT, pdu, tpdu_length))
        self._drain_inbound()
        return self._take()

    def set_registration(self, stat: int, now: float) -> list[Effect]:
        """Network registration changes (+CREG <stat>, TS 27.007 7.2); URCs where enabled."""
        if stat != self.registration:
            self.registration = stat
            self._registration_urcs()
        return self._take()

    def unsolicited(self, lines: list[str]) -> list[Effect]:
        """Emit an arbitrary URC (URC storms, tests)."""
        self._urc(lines)
        return self._take()

    def hang(self) -> list[Effect]:
        """Fault: stop answering (the firmware is stuck) until ``resume``."""
        self.state = HungState()
        self._urc_buffer.clear()
        return self._take()

    def resume(self, now: float) -> list[Effect]:
        """Leave the hung state; the half-typed line and any held input are gone."""
        if isinstance(self.state, HungState):
            self.state = CommandState()
        return self._take()

    def lock_sim(self, pin: str, puk: str) -> list[Effect]:
        """The SIM now asks for ``pin`` (as after a boot with PIN enabled)."""
        self.sim.pin, self.sim.puk = pin, puk
        self.sim.pin_enabled = True
        self.sim.state = SimState.PIN
        self.sim.pin_attempts_left = 3
        self.set_registration(0, 0.0)
        return self._take()

    def reset_after_fault(self) -> None:
        """Back to a clean command state after an internal error (the runner's guard)."""
        self.state = CommandState()
        self._out.clear()
        self._urc_buffer.clear()

    @property
    def phase(self) -> Phase:
        """The current phase."""
        return self.state.phase

    # -- used by the states --------------------------------------------------------

    def echo(self, data: bytes) -> None:
        """Echo TE input while ATE1 (V.250 6.2.4)."""
        if self.settings.echo:
            self._out.append(Write(data))

    def write(self, data: bytes) -> None:
        """Write bytes now."""
        self._out.append(Write(data))

    def write_reply(self, reply: Reply, delay: float | None = None) -> None:
        """Information text and final result, after the command latency."""
        fmt = self.settings.format
        data = render_info(reply.lines, fmt) + render_final(reply.final, fmt)
        latency = self.timing.command_latency if delay is None else delay
        self._out.append(Write(data, latency))

    def run_line(self, line: bytes, overflow: bool, now: float) -> None:
        """Execute one command line (without its CR)."""
        text = line.decode("latin-1").strip()
        start = text.upper().find("AT")
        if start < 0:
            if overflow:
                self.write_reply(Reply(final=FINAL_ERROR))
            return  # V.250 5.2.1: characters before "AT" are ignored; no AT, no answer
        text = text[start:]
        if overflow or any(ord(c) > 0x7E or ord(c) < 0x20 for c in text):
            self.write_reply(Reply(final=FINAL_ERROR))
            return
        try:
            commands = parse_line(text)
        except SyntaxFault:
            self.write_reply(Reply(final=FINAL_ERROR))
            return
        blocks: list[bytes] = []
        final = FINAL_OK
        prompt: PromptState | None = None
        effects: list[Effect] = []
        fmt_before = self.settings.format
        self._executing = True  # URCs a command causes come after its reply
        try:
            for command in commands:
                reply = self._execute(command, now)
                blocks.append(render_info(reply.lines, self.settings.format))
                effects += reply.effects
                if not reply.final.ok:
                    final = reply.final
                    break
                if reply.prompt is not None:
                    prompt = reply.prompt
                    break
        finally:
            self._executing = False
        fmt = self.settings.format if final.ok else fmt_before
        latency = self.timing.command_latency
        if prompt is not None:
            # TS 27.005 3.5.1: the prompt is <CR><LF><greater_than><space>.
            self._out.append(Write(b"".join(blocks) + b"\r\n> ", latency))
            if isinstance(self.state, CommandState):
                self.state = prompt
        else:
            self._out.append(Write(b"".join(blocks) + render_final(final, fmt), latency))
        self._out.extend(effects)
        self._flush_urcs()

    def cancel_prompt(self) -> None:
        """ESC in the prompt: TS 27.005 3.5.1, the edit is aborted and nothing is sent."""
        self.state = CommandState()
        self.write_reply(Reply())
        self._flush_urcs()

    def finish_prompt(self, prompt: PromptState, now: float) -> None:
        """Ctrl-Z: check the PDU (or build one from the text) and hand it to the network."""
        self.state = CommandState()
        submission = self._text_submission if prompt.text_mode else self._pdu_submission
        result = submission(prompt)
        if isinstance(result, Final):
            self.write_reply(Reply(final=result))
            self._flush_urcs()
            return
        pdu, tpdu_length = result
        if self.cfun != 1 or self.registration not in (1, 5):
            self.write_reply(Reply(final=cms(331)), delay=self.timing.cmgs_delay)
            self._flush_urcs()
            return
        self.last_mr = (self.last_mr + 1) % 256
        self.state = SubmittingState(self.last_mr)
        self._out.append(SubmitRequest(pdu, tpdu_length, self.last_mr))

    # -- internals -------------------------------------------------------------------

    def _take(self) -> list[Effect]:
        out, self._out = self._out, []
        return out

    def _pdu_submission(self, prompt: PromptState) -> tuple[str, int] | Final:
        from gsmgateway.sms.pdu import PduType, decode_pdu

        text = prompt.chars.decode("latin-1").strip()
        try:
            raw = bytes.fromhex(text)
            _smsc, tpdu = split_smsc(raw)
        except ValueError:
            return cms(304)
        # TS 27.005 3.5.1: <length> counts the TPDU only, not the SMSC address octets.
        if prompt.overflow or len(tpdu) != prompt.tpdu_length:
            return cms(304)
        try:
            decoded = decode_pdu(raw.hex(), smsc=True)
        except PduDecodeError:
            return cms(304)
        if decoded.type is not PduType.SUBMIT:
            return cms(304)
        return raw.hex().upper(), len(tpdu)

    def _text_submission(self, prompt: PromptState) -> tuple[str, int] | Final:
        from gsmgateway.sms.dcs import Encoding
        from gsmgateway.sms.pdu import encode_submit

        fo, vp, _pid, dcs = self.settings.csmp
        try:
            body = charsets.decode_te(prompt.chars.decode("latin-1"), self.settings.cscs)
        except ValueError:
            return cms(305)
        encoding = {0x08: Encoding.UCS2, 0x04: Encoding.DATA8}.get(dcs & 0x0C, Encoding.GSM7)
        destination = prompt.destination or ""
        try:
            submit = encode_submit(
                destination,
                text=body,
                encoding=encoding,
                status_report=bool(fo & 0x20),
                validity_minutes=_relative_validity_minutes(vp) if fo & 0x18 == 0x10 else None,
            )
        except SmsError:
            return cms(305)
        if prompt.overflow:
            return cms(305)
        return submit.hex.upper(), submit.tpdu_length

    def _execute(self, command: Command, now: float) -> Reply:
        handler = self._handlers.get(command.name)
        if handler is None:
            return Reply(final=Final(self.profile.unknown_reply))
        try:
            return handler(command, now)
        except SyntaxFault:
            if command.name in SMS_COMMANDS:
                return Reply(final=cms(304 if self.settings.cmgf == 0 else 305))
            if command.name[:1] in "+^":
                return Reply(final=cme(50))
            return Reply(final=FINAL_ERROR)
        except InvalidIndex:
            return Reply(final=cms(321))
        except StorageFull:
            return Reply(final=cms(322))

    def _urc(self, lines: list[str], *, cnmi: bool = False) -> None:
        """Emit or hold one URC, following AT+CNMI <mode> for the ones it governs."""
        if isinstance(self.state, HungState | BootingState):
            return
        data = render_urc(lines)
        mode = self.settings.cnmi[0]
        if self._executing:
            self._urc_buffer.append(data)  # after the reply of the command that caused it
            return
        reserved = not isinstance(self.state, CommandState)
        if cnmi and mode == 0:
            self._urc_buffer.append(data)  # 27.005: buffered in the TA
        elif reserved:
            if cnmi and mode == 1:
                return  # 27.005 mode 1: discarded when the link is reserved
            self._urc_buffer.append(data)
        else:
            self._out.append(Write(data))

    def _flush_urcs(self) -> None:
        if not isinstance(self.state, CommandState):
            return
        if self.settings.cnmi[0] == 0:
            return
        while self._urc_buffer:
            self._out.append(Write(self._urc_buffer.popleft()))

    def _registration_urcs(self) -> None:
        stat = self.registration
        located = stat in (1, 5)
        for name, n in (("+CREG", self.settings.creg), ("+CGREG", self.settings.cgreg)):
            if n == 1 or (n == 2 and not located):
                self._urc([f"{name}: {stat}"])
            elif n == 2:
                self._urc([f'{name}: {stat},"00A1","0000B2C3"'])
        if self.profile.has_cereg and self.settings.cereg:
            self._urc([f"+CEREG: {stat}"])

    def _noise(self, now: float) -> None:
        if self.settings.curc != 1 or self.cfun != 1:
            return
        self._noise_step += 1
        template = self.profile.noise_urcs[self._noise_step % len(self.profile.noise_urcs)]
        boot = f"{20952872 + self._boot_count:08d}"
        self._urc([template.format(rssi=self.rssi, boot=boot)])
        self._out.append(StartTimer("noise", self.timing.noise_interval))

    # inbound messages

    def _can_receive(self) -> bool:
        return self.sim.state is SimState.READY and self.cfun == 1

    def _drain_inbound(self) -> None:
        while self._pending_inbound and self._can_receive():
            kind, pdu, tpdu_length = self._pending_inbound[0]
            if kind is MessageKind.DELIVER:
                done = self._route_deliver(pdu, tpdu_length)
            else:
                done = self._route_status_report(pdu, tpdu_length)
            if not done:
                return  # storage full: the network keeps it until a slot frees
            self._pending_inbound.popleft()

    def _store_inbound(
        self, kind: MessageKind, pdu: str, tpdu_length: int, mem: str
    ) -> tuple[str, int] | None:
        message = StoredMessage(MessageStatus.REC_UNREAD, kind, pdu, tpdu_length)
        try:
            return self.store.store(mem, message)
        except StorageFull:
            return None

    def _route_deliver(self, pdu: str, tpdu_length: int) -> bool:
        _mode, mt, _bm, _ds, _bfr = self.settings.cnmi
        _smsc, tpdu = split_smsc(bytes.fromhex(pdu))
        klass = message_class(deliver_dcs(tpdu))
        # 27.005 3.4.1: <mt>=2 routes all but class 2, <mt>=3 routes class 3 only.
        routed = (mt == 2 and klass != 2) or (mt == 3 and klass == 3)
        if routed:
            self._route(_Routed(0, MessageKind.DELIVER, pdu, tpdu_length))
            return True
        # Class 2 is SIM-specific (TS 23.038 4): it goes to the SIM whatever <mem3> is.
        mem = "SM" if klass == 2 else self.settings.cpms[2]
        where = self._store_inbound(MessageKind.DELIVER, pdu, tpdu_length, mem)
        if where is None:
            return False
        if mt in (1, 2, 3):
            self._urc([f'+CMTI: "{where[0]}",{where[1]}'], cnmi=True)
        return True

    def _route_status_report(self, pdu: str, tpdu_length: int) -> bool:
        ds = self.settings.cnmi[3]
        if ds == 1:
            self._route(_Routed(0, MessageKind.STATUS_REPORT, pdu, tpdu_length))
            return True
        if ds == 2:
            where = self._store_inbound(
                MessageKind.STATUS_REPORT, pdu, tpdu_length, self.settings.cpms[2]
            )
            if where is None:
                return False
            self._urc([f'+CDSI: "{where[0]}",{where[1]}'], cnmi=True)
        return True

    def _route(self, routed: _Routed) -> None:
        self._serial += 1
        self._routed.append(replace(routed, serial=self._serial))
        self._send_routed()

    def _send_routed(self) -> None:
        # TS 24.011: one unacknowledged RP-DATA at a time, so under AT+CSMS=1 the next
        # +CMT/+CDS waits for the AT+CNMA of the previous one.
        while self._routed and self._awaiting_ack is None:
            routed = self._routed.popleft()
            self._urc(self._routed_lines(routed), cnmi=True)
            if self.settings.csms == 1:
                self._awaiting_ack = routed
                self._out.append(StartTimer(f"cnma:{routed.serial}", self.timing.cnma_timeout))

    def _routed_lines(self, routed: _Routed) -> list[str]:
        if self.settings.cmgf == 0:
            if routed.kind is MessageKind.DELIVER:
                return [f"+CMT: ,{routed.tpdu_length}", routed.pdu]
            return [f"+CDS: {routed.tpdu_length}", routed.pdu]
        from gsmgateway.sim import textmode

        status = MessageStatus.REC_UNREAD
        message = StoredMessage(status, routed.kind, routed.pdu, routed.tpdu_length)
        return textmode.routed_lines(message, self.settings)

    def _ack_timeout(self, now: float) -> None:
        routed = self._awaiting_ack
        assert routed is not None
        self._awaiting_ack = None
        mode, _mt, bm, _ds, bfr = self.settings.cnmi
        self.settings.cnmi = (mode, 0, bm, 0, bfr)
        self._store_inbound(routed.kind, routed.pdu, routed.tpdu_length, self.settings.cpms[2])
        for later in self._routed:
            self._store_inbound(later.kind, later.pdu, later.tpdu_length, self.settings.cpms[2])
        self._routed.clear()

    def _ussd_answer(self, _request: str) -> None:
        text = charsets.encode_te(USSD_BALANCE, self.settings.cscs)
        self._urc([f'+CUSD: 0,"{text}",15'])

    # -- command handlers --------------------------------------------------------------

    def _handler_table(self) -> dict[str, Callable[[Command, float], Reply]]:
        table: dict[str, Callable[[Command, float], Reply]] = {
            "E": self._cmd_echo,
            "V": self._cmd_verbose,
            "Q": self._cmd_quiet,
            "Z": self._cmd_reset_settings,
            "&F": self._cmd_reset_settings,
            "I": self._cmd_ati,
            "+CGMI": self._info(lambda: self.profile.manufacturer),
            "+GMI": self._info(lambda: self.profile.manufacturer),
            "+CGMM": self._info(lambda: self.profile.model),
            "+GMM": self._info(lambda: self.profile.model),
            "+CGMR": self._info(lambda: self.profile.revision),
            "+GMR": self._info(lambda: self.profile.revision),
            "+CGSN": self._cmd_cgsn,
            "+GSN": self._info(lambda: self.identity.imei),
            "+GCAP": self._info(lambda: "+GCAP: +CGSM"),
            "+CIMI": self._cmd_cimi,
            "+CFUN": self._cmd_cfun,
            "+CMEE": self._cmd_cmee,
            "+CPIN": self._cmd_cpin,
            "+CSQ": self._cmd_csq,
            "+CREG": self._cmd_creg,
            "+CGREG": self._cmd_creg,
            "+CGATT": self._cmd_cgatt,
            "+COPS": self._cmd_cops,
            "+CSCA": self._cmd_csca,
            "+CSCS": self._cmd_cscs,
            "+CMGF": self._cmd_cmgf,
            "+CSMP": self._cmd_csmp,
            "+CSDH": self._cmd_csdh,
            "+CSMS": self._cmd_csms,
            "+CNMI": self._cmd_cnmi,
            "+CNMA": self._cmd_cnma,
            "+CPMS": self._cmd_cpms,
            "+CMGL": self._cmd_cmgl,
            "+CMGR": self._cmd_cmgr,
            "+CMGD": self._cmd_cmgd,
            "+CMGS": self._cmd_cmgs,
            "+CMMS": self._cmd_cmms,
            "+CUSD": self._cmd_cusd,
            "+CLAC": self._cmd_clac,
            "+CBC": self._info(lambda: "+CBC: 0,100"),
            "+CPAS": self._info(lambda: "+CPAS: 0"),
            "+CNUM": self._cmd_cnum,
            "+CCLK": self._cmd_cclk,
            "+CEER": self._info(lambda: "+CEER: No cause"),
        }
        for name in ("&C", "&D", "&K", "&W", "&V", "X", "+CHUP", "+CLIP", "+CRC", "+CVHU"):
            table[name] = self._cmd_accept
        for name in S_REGISTER_DEFAULTS:
            table[name] = self._cmd_s_register
        if self.profile.has_cereg:
            table["+CEREG"] = self._cmd_creg
        for name in self.profile.iccid_commands:
            table[name.rstrip("?")] = self._cmd_iccid
        vendor: dict[str, Callable[[Command, float], Reply]] = {
            "^CURC": self._cmd_curc,
            "^SYSINFO": self._cmd_sysinfo,
            "^HWVER": self._info(lambda: '^HWVER:"CD6ATCPU"'),
            "^CARDMODE": self._info(lambda: "^CARDMODE: 1"),
            "+CIURC": self._cmd_accept,
            "+CSCLK": self._cmd_accept,
            "+QINDCFG": self._cmd_accept,
            "+QURCCFG": self._cmd_accept,
        }
        for name in self.profile.vendor_commands:
            table[name] = vendor[name]
        return table

    def _cmd_s_register(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"{self.s_registers[command.name]:03d}"])
        if not command.args.isdigit() or int(command.args) > 255:
            return Reply(final=FINAL_ERROR)
        self.s_registers[command.name] = int(command.args)
        return Reply()

    def _info(self, text: Callable[[], str]) -> Callable[[Command, float], Reply]:
        def handler(command: Command, now: float) -> Reply:
            if command.form is Form.TEST:
                return Reply()
            if command.form is not Form.EXECUTE:
                return Reply(final=FINAL_ERROR)
            return Reply([text()])

        return handler

    def _cmd_accept(self, command: Command, now: float) -> Reply:
        return Reply()

    def _flag(self, command: Command, allowed: range) -> int:
        value = int(command.args or "0") if command.args.isdigit() or command.args == "" else -1
        if value not in allowed:
            raise SyntaxFault(f"{command.name}{command.args}")
        return value

    def _cmd_echo(self, command: Command, now: float) -> Reply:
        try:
            self.settings.echo = self._flag(command, range(2)) == 1
        except SyntaxFault:
            return Reply(final=FINAL_ERROR)
        return Reply()

    def _cmd_verbose(self, command: Command, now: float) -> Reply:
        try:
            self.settings.verbose = self._flag(command, range(2)) == 1
        except SyntaxFault:
            return Reply(final=FINAL_ERROR)
        return Reply()

    def _cmd_quiet(self, command: Command, now: float) -> Reply:
        try:
            self.settings.quiet = self._flag(command, range(2)) == 1
        except SyntaxFault:
            return Reply(final=FINAL_ERROR)
        return Reply()

    def _cmd_reset_settings(self, command: Command, now: float) -> Reply:
        # ATZ / AT&F: back to the stored / factory profile; V.250 answers with the
        # restored format (so OK reads verbose again).
        self.settings = Settings.defaults(self.profile)
        return Reply()

    def _cmd_ati(self, command: Command, now: float) -> Reply:
        return Reply([line.format(imei=self.identity.imei) for line in self.profile.ati])

    def _cmd_cgsn(self, command: Command, now: float) -> Reply:
        if command.form is Form.TEST:
            return Reply()
        if command.form is Form.SET:
            return Reply([f'+CGSN: "{self.identity.imei}"'])
        return Reply([self.identity.imei])

    def _sim_error(self) -> Final | None:
        """+CME ERROR for a command that needs the SIM unlocked (TS 27.007 9.2.1)."""
        if self.sim.state is SimState.PIN:
            return cme(11)
        if self.sim.state is SimState.PUK:
            return cme(12)
        return None

    def _sms_sim_error(self) -> Final | None:
        """+CMS ERROR for an SMS command while the SIM is locked (TS 27.005 3.2.5)."""
        if self.sim.state is SimState.PIN:
            return cms(311)
        if self.sim.state is SimState.PUK:
            return cms(316)
        return None

    def _cmd_cimi(self, command: Command, now: float) -> Reply:
        if command.form is Form.TEST:
            return Reply()
        error = self._sim_error()
        if error:
            return Reply(final=error)
        return Reply([self.identity.imsi])

    def _cmd_iccid(self, command: Command, now: float) -> Reply:
        # EF_ICCID is readable without PIN verification (TS 31.102 4.1.1), so this
        # answers on a locked SIM too.
        if command.form is Form.TEST:
            return Reply()
        wants_read = any(c.endswith("?") for c in self.profile.iccid_commands)
        if (command.form is Form.READ) != wants_read:
            return Reply(final=Final(self.profile.unknown_reply))
        line = self.profile.iccid_format.format(iccid=self.identity.iccid)
        if command.name == "+ICCID":
            line = f"+ICCID: {self.identity.iccid}"
        return Reply([line])

    def _cmd_cfun(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"+CFUN: {self.cfun}"])
        if command.form is Form.TEST:
            return Reply(["+CFUN: (0,1,4),(0-1)"])
        if command.form is not Form.SET:
            return Reply(final=cme(50))
        values = split_args(command.args)
        fun = int_arg(values, 0)
        rst = int_arg(values, 1, 0)
        if fun not in (0, 1, 4) or rst not in (0, 1):
            return Reply(final=cme(50))
        if rst == 1:
            if self.profile.reset_replugs:
                return Reply(effects=[Replug(self.timing.replug_delay)])
            self.state = BootingState()
            return Reply(effects=[StartTimer("boot", self.timing.boot_delay)])
        previous, self.cfun = self.cfun, fun
        if fun != 1:
            self.set_registration(0, now)
        elif previous != 1 and self.sim.state is SimState.READY:
            self.set_registration(1, now)
        return Reply()

    def _cmd_cmee(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"+CMEE: {self.settings.cmee}"])
        if command.form is Form.TEST:
            return Reply(["+CMEE: (0-2)"])
        value = int_arg(split_args(command.args), 0, 0)
        if value not in (0, 1, 2):
            return Reply(final=cme(50))
        self.settings.cmee = value
        return Reply()

    def _cmd_cpin(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"+CPIN: {self.sim.state.value}"])
        if command.form is Form.TEST:
            return Reply()
        if command.form is not Form.SET:
            return Reply(final=cme(50))
        values = split_args(command.args)
        if not values or values[0] is None:
            return Reply(final=cme(50))
        sim = self.sim
        if sim.state is SimState.READY:
            return Reply(final=cme(3))  # nothing to unlock
        if sim.state is SimState.PIN:
            if values[0] == sim.pin:
                return self._unlocked(now)
            sim.pin_attempts_left -= 1
            if sim.pin_attempts_left <= 0:
                sim.state = SimState.PUK  # TS 31.101: three wrong PINs block it
            return Reply(final=cme(16))
        # SIM PUK: AT+CPIN=<puk>,<newpin> (TS 27.007 8.3)
        if len(values) < 2 or values[1] is None:
            return Reply(final=cme(12))
        if values[0] != sim.puk:
            return Reply(final=cme(16))
        sim.pin = values[1]
        return self._unlocked(now)

    def _unlocked(self, now: float) -> Reply:
        self.sim.state = SimState.READY
        self.sim.pin_attempts_left = 3
        if self.cfun == 1:
            self.set_registration(1, now)
        for line in self.profile.ready_urcs:
            self._urc([line])
        self._drain_inbound()
        return Reply()

    def _cmd_csq(self, command: Command, now: float) -> Reply:
        if command.form is Form.TEST:
            return Reply(["+CSQ: (0-31,99),(0-7,99)"])
        rssi = self.rssi if self.cfun == 1 else 99
        return Reply([f"+CSQ: {rssi},99"])

    def _cmd_creg(self, command: Command, now: float) -> Reply:
        attr = command.name[1:].lower()  # creg / cgreg / cereg
        if command.form is Form.TEST:
            return Reply([f"{command.name}: (0-2)"])
        if command.form is Form.SET:
            n = int_arg(split_args(command.args), 0, 0)
            if n not in (0, 1, 2):
                return Reply(final=cme(50))
            setattr(self.settings, attr, n)
            return Reply()
        if command.form is not Form.READ:
            return Reply(final=cme(50))
        n = getattr(self.settings, attr)
        stat = self.registration
        if n == 2 and stat in (1, 5):
            act = f",{self.profile.access_technology}" if command.name != "+CREG" else ""
            return Reply([f'{command.name}: {n},{stat},"00A1","0000B2C3"{act}'])
        return Reply([f"{command.name}: {n},{stat}"])

    def _cmd_cgatt(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"+CGATT: {1 if self.registration in (1, 5) else 0}"])
        if command.form is Form.TEST:
            return Reply(["+CGATT: (0,1)"])
        return Reply()

    def _operator(self, fmt: int) -> str:
        if fmt == 2:
            return OPERATOR_NUMERIC
        name = OPERATOR_SHORT if fmt == 1 else OPERATOR_LONG
        return charsets.encode_te(name, self.settings.cscs)

    def _cmd_cops(self, command: Command, now: float) -> Reply:
        if command.form is Form.TEST:
            act = self.profile.access_technology
            names = f'"{self._operator(0)}","{self._operator(1)}","{OPERATOR_NUMERIC}"'
            return Reply([f"+COPS: (2,{names},{act}),,(0-4),(0-2)"])
        if command.form is Form.READ:
            if self.registration not in (1, 5):
                return Reply(["+COPS: 0"])
            fmt = self.settings.cops_format
            act = self.profile.access_technology
            return Reply([f'+COPS: 0,{fmt},"{self._operator(fmt)}",{act}'])
        values = split_args(command.args)
        mode = int_arg(values, 0, 0)
        fmt = int_arg(values, 1)
        if mode not in (0, 1, 2, 3, 4) or (fmt is not None and fmt not in (0, 1, 2)):
            return Reply(final=cme(50))
        if fmt is not None:
            self.settings.cops_format = fmt
        if mode == 2:
            self.set_registration(0, now)
        elif mode in (0, 1, 4) and self.cfun == 1 and self.sim.state is SimState.READY:
            self.set_registration(1, now)
        return Reply()

    def _cmd_csca(self, command: Command, now: float) -> Reply:
        if command.form is Form.TEST:
            return Reply()
        error = self._sms_sim_error()
        if error:
            return Reply(final=error)
        if command.form is Form.READ:
            number = charsets.encode_te(self.sim.smsc, self.settings.cscs)
            kind = 145 if self.sim.smsc.startswith("+") else 129
            return Reply([f'+CSCA: "{number}",{kind}'])
        values = split_args(command.args)
        if not values or values[0] is None:
            return Reply(final=cms(304))
        try:
            number = charsets.decode_te(values[0], self.settings.cscs)
        except ValueError:
            return Reply(final=cms(304))
        if int_arg(values, 1, 145) == 145 and not number.startswith("+"):
            number = "+" + number
        self.sim.smsc = number
        return Reply()

    def _cmd_cscs(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f'+CSCS: "{self.settings.cscs}"'])
        if command.form is Form.TEST:
            listed = ",".join(f'"{c}"' for c in self.profile.charsets)
            return Reply([f"+CSCS: ({listed})"])
        values = split_args(command.args)
        wanted = (values[0] or "") if values else ""
        if wanted.upper() not in self.profile.charsets or wanted.upper() not in charsets.CHARSETS:
            return Reply(final=cme(4))
        self.settings.cscs = wanted.upper()
        return Reply()

    def _cmd_cmgf(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"+CMGF: {self.settings.cmgf}"])
        if command.form is Form.TEST:
            return Reply(["+CMGF: (0-1)"])
        value = int_arg(split_args(command.args), 0, 0)
        if value not in (0, 1):
            return Reply(final=cms(302))
        self.settings.cmgf = value
        return Reply()

    def _cmd_csmp(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply(["+CSMP: " + ",".join(str(v) for v in self.settings.csmp)])
        if command.form is Form.TEST:
            return Reply()
        values = split_args(command.args)
        current = list(self.settings.csmp)
        for position in range(4):
            value = int_arg(values, position)
            if value is not None:
                if not 0 <= value <= 255:
                    return Reply(final=cms(305))
                current[position] = value
        self.settings.csmp = (current[0], current[1], current[2], current[3])
        return Reply()

    def _cmd_csdh(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"+CSDH: {self.settings.csdh}"])
        if command.form is Form.TEST:
            return Reply(["+CSDH: (0,1)"])
        value = int_arg(split_args(command.args), 0, 0)
        if value not in (0, 1):
            return Reply(final=cms(305))
        self.settings.csdh = value
        return Reply()

    def _cmd_csms(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"+CSMS: {self.settings.csms},1,1,1"])
        if command.form is Form.TEST:
            return Reply(["+CSMS: (0,1)"])
        value = int_arg(split_args(command.args), 0)
        if value not in (0, 1):
            return Reply(final=cms(303))
        self.settings.csms = value
        return Reply(["+CSMS: 1,1,1"])

    def _cmd_cnmi(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply(["+CNMI: " + ",".join(str(v) for v in self.settings.cnmi)])
        if command.form is Form.TEST:
            return Reply([f"+CNMI: {self.profile.cnmi_test}"])
        values = split_args(command.args)
        current = list(self.settings.cnmi)
        limits = (3, 3, 3, 2, 1)
        for position in range(5):
            value = int_arg(values, position)
            if value is not None:
                if not 0 <= value <= limits[position]:
                    return Reply(final=cms(303))
                current[position] = value
        mode, mt, bm, ds, bfr = current
        self.settings.cnmi = (mode, mt, bm, ds, bfr)
        # 27.005 <bfr>: 0 flushes the TA's buffered codes to the TE, 1 clears them.
        if mode in (1, 2, 3) and bfr == 1:
            self._urc_buffer.clear()
        return Reply()

    def _cmd_cnma(self, command: Command, now: float) -> Reply:
        if command.form is Form.TEST:
            return Reply(["+CNMA: (0-2)"] if self.settings.cmgf == 0 else [])
        if self._awaiting_ack is None or self.settings.csms != 1:
            return Reply(final=cms(340))
        self._awaiting_ack = None
        self._send_routed()
        return Reply()

    def _check_mem(self, name: str | None) -> str:
        mem = (name or "").upper()
        if mem not in MEMORIES or self.store.capacity(mem) == 0:
            raise SyntaxFault(f"no memory {name!r}")
        return mem

    def _cmd_cpms(self, command: Command, now: float) -> Reply:
        error = self._sms_sim_error()
        if error and command.form is not Form.TEST:
            return Reply(final=error)
        mems = [m for m in MEMORIES if self.store.capacity(m)]
        listed = "(" + ",".join(f'"{m}"' for m in mems) + ")"
        if command.form is Form.TEST:
            return Reply([f"+CPMS: {listed},{listed},{listed}"])
        cpms = self.settings.cpms
        if command.form is Form.READ:
            parts = [f'"{m}",{self.store.used(m)},{self.store.capacity(m)}' for m in cpms]
            return Reply(["+CPMS: " + ",".join(parts)])
        values = split_args(command.args)
        if not values or len(values) > 3:
            return Reply(final=cms(302))
        try:
            chosen = [self._check_mem(v) for v in values]
        except SyntaxFault:
            return Reply(final=cms(302))
        cpms[: len(chosen)] = chosen
        self._drain_inbound()  # a new <mem3> may have room for what the network holds
        counts = [f"{self.store.used(m)},{self.store.capacity(m)}" for m in cpms]
        return Reply(["+CPMS: " + ",".join(counts)])

    def _cmd_cmgl(self, command: Command, now: float) -> Reply:
        from gsmgateway.sim import textmode

        error = self._sms_sim_error()
        if error:
            return Reply(final=error)
        text = self.settings.cmgf == 1
        if command.form is Form.TEST:
            if text:
                return Reply(['+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")'])
            return Reply(["+CMGL: (0-4)"])
        values = split_args(command.args)
        wanted: set[MessageStatus]
        if not values:
            wanted = {MessageStatus.REC_UNREAD}  # 27.005 3.4.2: default "REC UNREAD"/0
        elif text:
            name = (values[0] or "").upper()
            if name == "ALL":
                wanted = set(MessageStatus)
            else:
                found = [s for s in MessageStatus if s.text == name]
                if not found:
                    return Reply(final=cms(305))
                wanted = set(found)
        else:
            stat = int_arg(values, 0)
            if stat not in (0, 1, 2, 3, 4):
                return Reply(final=cms(304))
            wanted = set(MessageStatus) if stat == 4 else {MessageStatus(stat)}
        mem = self.settings.cpms[0]
        lines: list[str] = []
        for index, message in list(self.store.items(mem)):
            if message.status not in wanted:
                continue
            if text:
                lines += textmode.list_lines(index, message, self.settings)
            else:
                lines += [f"+CMGL: {index},{message.status.value},,{message.tpdu_length}"]
                lines.append(message.pdu)
            self.store.mark_read(mem, index)
        return Reply(lines)

    def _cmd_cmgr(self, command: Command, now: float) -> Reply:
        from gsmgateway.sim import textmode

        error = self._sms_sim_error()
        if error:
            return Reply(final=error)
        if command.form is Form.TEST:
            return Reply()
        index = int_arg(split_args(command.args), 0)
        if index is None:
            return Reply(final=cms(302))
        mem = self.settings.cpms[0]
        message = self.store.get(mem, index)
        if message is None:
            return Reply(final=cms(321))
        self.store.mark_read(mem, index)
        if self.settings.cmgf == 1:
            return Reply(textmode.read_lines(message, self.settings))
        return Reply([f"+CMGR: {message.status.value},,{message.tpdu_length}", message.pdu])

    def _cmd_cmgd(self, command: Command, now: float) -> Reply:
        error = self._sms_sim_error()
        if error:
            return Reply(final=error)
        mem = self.settings.cpms[0]
        if command.form is Form.TEST:
            used = ",".join(str(i) for i, _ in self.store.items(mem))
            return Reply([f"+CMGD: ({used}),(0-4)"])
        values = split_args(command.args)
        index = int_arg(values, 0)
        flag = int_arg(values, 1, 0)
        if flag not in (0, 1, 2, 3, 4) or (index is None and flag == 0):
            return Reply(final=cms(302))
        if flag:
            self.store.delete_by_flag(mem, flag)
        else:
            assert index is not None
            self.store.delete(mem, index)
        self._drain_inbound()  # room again: the network delivers what it held (RP-SMMA)
        return Reply()

    def _cmd_cmgs(self, command: Command, now: float) -> Reply:
        error = self._sms_sim_error()
        if error:
            return Reply(final=error)
        if command.form is Form.TEST:
            return Reply()
        if command.form is not Form.SET:
            return Reply(final=cms(302))
        values = split_args(command.args)
        if self.settings.cmgf == 0:
            length = int_arg(values, 0)
            if length is None or not 7 <= length <= 164:
                return Reply(final=cms(304))
            return Reply(prompt=PromptState(tpdu_length=length))
        if not values or not values[0]:
            return Reply(final=cms(305))
        try:
            destination = charsets.decode_te(values[0], self.settings.cscs)
        except ValueError:
            return Reply(final=cms(305))
        toda = int_arg(values, 1, 145 if destination.startswith("+") else 129)
        if toda == 145 and not destination.startswith("+"):
            destination = "+" + destination
        return Reply(prompt=PromptState(tpdu_length=None, destination=destination))

    def _cmd_cmms(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"+CMMS: {self.settings.cmms}"])
        if command.form is Form.TEST:
            return Reply(["+CMMS: (0-2)"])
        value = int_arg(split_args(command.args), 0, 0)
        if value not in (0, 1, 2):
            return Reply(final=cms(302))
        self.settings.cmms = value
        return Reply()

    def _cmd_cusd(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"+CUSD: {self.settings.cusd}"])
        if command.form is Form.TEST:
            return Reply(["+CUSD: (0-2)"])
        values = split_args(command.args)
        n = int_arg(values, 0, 0)
        if n not in (0, 1, 2):
            return Reply(final=cme(50))
        if n != 2:
            self.settings.cusd = n
        if len(values) > 1 and values[1] and n != 2:
            if self.registration not in (1, 5):
                return Reply(final=cme(30))
            return Reply(effects=[StartTimer("ussd:" + values[1], self.timing.ussd_delay)])
        return Reply()

    def _cmd_clac(self, command: Command, now: float) -> Reply:
        if command.form is Form.TEST:
            return Reply()
        return Reply(list(self.profile.clac))

    def _cmd_cnum(self, command: Command, now: float) -> Reply:
        if command.form is Form.TEST:
            return Reply()
        error = self._sim_error()
        if error:
            return Reply(final=error)
        return Reply([f'+CNUM: "","{self.identity.number}",145'])

    def _cmd_cclk(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            stamp = _now_datetime(now).strftime("%y/%m/%d,%H:%M:%S+00")
            return Reply([f'+CCLK: "{stamp}"'])
        return Reply()

    def _cmd_curc(self, command: Command, now: float) -> Reply:
        if command.form is Form.READ:
            return Reply([f"^CURC: {self.settings.curc}"])
        if command.form is Form.TEST:
            return Reply(["^CURC: (0-1)"])
        value = int_arg(split_args(command.args), 0, 0)
        if value not in (0, 1):
            return Reply(final=cme(50))
        was, self.settings.curc = self.settings.curc, value
        if value == 1 and was == 0:
            return Reply(effects=[StartTimer("noise", self.timing.noise_interval)])
        return Reply()

    def _cmd_sysinfo(self, command: Command, now: float) -> Reply:
        # Huawei ^SYSINFO: <srv_status>,<srv_domain>,<roam_status>,<sys_mode>,<sim_state>
        service = 2 if self.registration in (1, 5) else 0
        sim = 1 if self.sim.state is SimState.READY else 255
        return Reply([f"^SYSINFO:{service},3,0,5,{sim},,4"])


def _relative_validity_minutes(vp: int) -> int:
    """TP-VP relative format (TS 23.040 9.2.3.12.1) in minutes."""
    if vp <= 143:
        return (vp + 1) * 5
    if vp <= 167:
        return 12 * 60 + (vp - 143) * 30
    if vp <= 196:
        return (vp - 166) * 24 * 60
    return (vp - 192) * 7 * 24 * 60
