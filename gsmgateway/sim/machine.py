"""The simulated modem's AT engine: bytes from the TE in, bytes and effects out. Pure.

Nothing here does IO, sleeps or reads a clock: ``now`` comes in, and whatever needs
time (per-command latency, the network's answer to a submission, timers) goes out as
an effect for the thin runner to carry out.

Rules that hold:
- The machine is in exactly one phase at a time, a class each in ``states.py``: COMMAND (lines
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

from collections import deque
from dataclasses import dataclass, replace

from gsmgateway.sim import charsets
from gsmgateway.sim.commandline import Command, SyntaxFault, parse_line
from gsmgateway.sim.errors import InvalidIndex, StorageFull
from gsmgateway.sim.handlers import S_REGISTER_DEFAULTS, Handler, handler_table
from gsmgateway.sim.identity import Identity
from gsmgateway.sim.model import (
    Effect,
    Reply,
    Settings,
    SimCard,
    SimState,
    StartTimer,
    SubmitOutcome,
    SubmitRequest,
    Timing,
    Write,
)
from gsmgateway.sim.profiles import Profile
from gsmgateway.sim.relay import deliver_dcs, message_class, split_smsc
from gsmgateway.sim.replies import (
    FINAL_ERROR,
    FINAL_OK,
    Final,
    cme,
    cms,
    render_final,
    render_info,
    render_urc,
)
from gsmgateway.sim.states import (
    BootingState,
    CommandState,
    HungState,
    Phase,
    PromptState,
    State,
    SubmittingState,
)
from gsmgateway.sim.storage import MessageKind, MessageStatus, MessageStore, StoredMessage
from gsmgateway.sms.errors import PduDecodeError, SmsError

MAX_URC_BUFFER = 64  # the TA's buffer for CNMI mode 0/2 (oldest dropped when full)
USSD_BALANCE = "Your balance is 12.34 EUR."
SMS_COMMANDS = frozenset(
    {"+CMGS", "+CMGW", "+CMSS", "+CMGL", "+CMGR", "+CMGD", "+CPMS", "+CSCA", "+CNMI", "+CNMA"}
)


@dataclass
class _Routed:
    """A +CMT / +CDS waiting for AT+CNMA (AT+CSMS=1)."""

    serial: int
    kind: MessageKind
    pdu: str
    tpdu_length: int


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
        # URCs that fell due while the TE was typing a line: (lines, cnmi), in order.
        self._held_for_line: list[tuple[list[str], bool]] = []
        self._pending_inbound: deque[tuple[MessageKind, str, int]] = deque()
        self._routed: deque[_Routed] = deque()
        self._awaiting_ack: _Routed | None = None
        self._serial = 0
        self._boot_count = 0
        self._noise_step = 0
        self.s_registers = dict(S_REGISTER_DEFAULTS)
        self._executing = False
        self._handlers: dict[str, Handler] = handler_table(self)

    # -- the runner's entry points (each returns the effects to carry out) ----------

    def power_on(self, now: float) -> list[Effect]:
        """Power-up: settings to defaults, SIM locked again if its PIN is enabled, boot URCs."""
        self.settings = Settings.defaults(self.profile)
        self.state = CommandState()
        self.cfun = 1
        self._urc_buffer.clear()
        self._held_for_line.clear()
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
            self.emit_urc([line])
        if self.profile.noise_urcs:
            self._out.append(StartTimer("noise", self.timing.noise_interval))
        return self._take()

    def receive(self, data: bytes, now: float) -> list[Effect]:
        """Bytes from the TE."""
        self._feed(data, now)
        return self._take()

    def _feed(self, data: bytes, now: float) -> None:
        while data:
            data = self.state.feed(self, data, now)

    def submit_finished(self, outcome: SubmitOutcome, now: float) -> list[Effect]:
        """The network's answer to the SubmitRequest in flight."""
        state = self.state
        if not isinstance(state, SubmittingState):
            return self._take()  # hung or rebooted meanwhile: the answer is lost
        self.state = CommandState()
        if outcome.error is None:
            if state.stored is not None:
                self.store.set_status(*state.stored, MessageStatus.STO_SENT)
            self.write_reply(Reply([f"{state.prefix}: {state.mr}"]), delay=0.0)
        else:
            self.write_reply(Reply(final=cms(outcome.error)), delay=0.0)
        self._flush_urcs()
        if state.held:
            self._feed(bytes(state.held), now)
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
        self.drain_inbound()
        return self._take()

    def deliver_status_report(self, pdu: str, tpdu_length: int, now: float) -> list[Effect]:
        """An SMS-STATUS-REPORT (hex with SMSC field) from the network."""
        self._pending_inbound.append((MessageKind.STATUS_REPORT, pdu, tpdu_length))
        self.drain_inbound()
        return self._take()

    def set_registration(self, stat: int, now: float) -> list[Effect]:
        """Network registration changes (+CREG <stat>, TS 27.007 7.2); URCs where enabled."""
        self.change_registration(stat)
        return self._take()

    def unsolicited(self, lines: list[str]) -> list[Effect]:
        """Emit an arbitrary URC (URC storms, tests)."""
        self.emit_urc(lines)
        return self._take()

    def hang(self) -> list[Effect]:
        """Fault: stop answering (the firmware is stuck) until ``resume``."""
        self.state = HungState()
        self._urc_buffer.clear()
        self._held_for_line.clear()
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
        self.change_registration(0)
        return self._take()

    def reset_after_fault(self) -> None:
        """Back to a clean command state after an internal error (the runner's guard)."""
        self.state = CommandState()
        self._out.clear()
        self._urc_buffer.clear()
        self._held_for_line.clear()

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
        """Execute one command line (without its CR), then give the URCs it held."""
        self._run_line(line, overflow, now)
        held, self._held_for_line = self._held_for_line, []
        for lines, cnmi in held:
            self.emit_urc(lines, cnmi=cnmi)
        self._flush_urcs()

    def _run_line(self, line: bytes, overflow: bool, now: float) -> None:
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
        deferred = False
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
                if reply.deferred:
                    deferred = True
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
        elif deferred:
            self._out.append(Write(b"".join(blocks), latency))  # the answer comes later
        else:
            self._out.append(Write(b"".join(blocks) + render_final(final, fmt), latency))
        self._out.extend(effects)

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
        if prompt.command == "+CMGW":
            self.write_reply(self._write_to_storage(pdu, tpdu_length, prompt.stat))
            self._flush_urcs()
            return
        self.start_submission(pdu, tpdu_length)

    def start_submission(
        self,
        pdu: str,
        tpdu_length: int,
        prefix: str = "+CMGS",
        stored: tuple[str, int] | None = None,
    ) -> bool:
        """Hand a PDU to the network (True), or answer +CMS ERROR: 331 without network."""
        if self.cfun != 1 or self.registration not in (1, 5):
            self.write_reply(Reply(final=cms(331)), delay=self.timing.cmgs_delay)
            self._flush_urcs()
            return False
        # TS 23.040 9.2.3.6: the MS takes the next TP-MR for every SMS-SUBMIT it sends.
        self.last_mr = (self.last_mr + 1) % 256
        self.state = SubmittingState(self.last_mr, prefix, stored)
        self._out.append(SubmitRequest(pdu, tpdu_length, self.last_mr))
        return True

    def _write_to_storage(self, pdu: str, tpdu_length: int, stat: int) -> Reply:
        mem = self.settings.cpms[1]  # <mem2>: writing and sending (TS 27.005 3.2.2)
        message = StoredMessage(MessageStatus(stat), MessageKind.SUBMIT, pdu, tpdu_length)
        try:
            real, index = self.store.store(mem, message)
        except StorageFull:
            return Reply(final=cms(322))
        return Reply([f"+CMGW: {self.store.shown_index(mem, real, index)}"])

    # -- internals -------------------------------------------------------------------

    def change_registration(self, stat: int) -> None:
        """Set +CREG <stat> and emit the registration URCs the TE enabled."""
        if stat != self.registration:
            self.registration = stat
            self._registration_urcs()

    def acknowledge(self) -> bool:
        """AT+CNMA: True when a +CMT/+CDS was waiting for it (the next one may follow)."""
        if self._awaiting_ack is None:
            return False
        self._awaiting_ack = None
        self._send_routed()
        return True

    def clear_buffered_urcs(self) -> None:
        """Drop the URCs the TA holds (AT+CNMI <bfr>=1)."""
        self._urc_buffer.clear()

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
            return handler(self, command, now)
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

    def emit_urc(self, lines: list[str], *, cnmi: bool = False) -> None:
        """Emit or hold one URC, following AT+CNMI <mode> for the ones it governs."""
        if isinstance(self.state, HungState | BootingState):
            return
        data = render_urc(lines)
        mode = self.settings.cnmi[0]
        if self._executing:
            self._urc_buffer.append(data)  # after the reply of the command that caused it
            return
        if isinstance(self.state, CommandState) and self.state.line:
            # The TE is typing a command line: a URC now would split its echo (gammu
            # then reads "A" and "TE1" as lines and waits forever), so, like a real
            # TA, hold it until the line has been answered.
            self._held_for_line.append((lines, cnmi))
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
                self.emit_urc([f"{name}: {stat}"])
            elif n == 2:
                self.emit_urc([f'{name}: {stat},"00A1","0000B2C3"'])
        if self.profile.has_cereg and self.settings.cereg:
            self.emit_urc([f"+CEREG: {stat}"])

    def _noise(self, now: float) -> None:
        if self.settings.curc != 1 or self.cfun != 1:
            return
        self._noise_step += 1
        template = self.profile.noise_urcs[self._noise_step % len(self.profile.noise_urcs)]
        boot = f"{20952872 + self._boot_count:08d}"
        self.emit_urc([template.format(rssi=self.rssi, boot=boot)])
        self._out.append(StartTimer("noise", self.timing.noise_interval))

    # inbound messages

    def _can_receive(self) -> bool:
        return self.sim.state is SimState.READY and self.cfun == 1

    def drain_inbound(self) -> None:
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
            self.emit_urc([f'+CMTI: "{where[0]}",{where[1]}'], cnmi=True)
        return True

    def _route_status_report(self, pdu: str, tpdu_length: int) -> bool:
        ds = self.settings.cnmi[3]
        if ds == 1:
            self._route(_Routed(0, MessageKind.STATUS_REPORT, pdu, tpdu_length))
            return True
        if ds == 2:
            # TS 27.005 3.4.1 <ds>=2: stored, then +CDSI: <mem>,<index>. gammu-smsd 1.42
            # files an empty report for each such notice: its own bug (README, gammu #987).
            where = self._store_inbound(
                MessageKind.STATUS_REPORT, pdu, tpdu_length, self.settings.cpms[2]
            )
            if where is None:
                return False
            self.emit_urc([f'+CDSI: "{where[0]}",{where[1]}'], cnmi=True)
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
            self.emit_urc(self._routed_lines(routed), cnmi=True)
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
        self.emit_urc([f'+CUSD: 0,"{text}",15'])

    # -- command handlers --------------------------------------------------------------


def _relative_validity_minutes(vp: int) -> int:
    """TP-VP relative format (TS 23.040 9.2.3.12.1) in minutes."""
    if vp <= 143:
        return (vp + 1) * 5
    if vp <= 167:
        return 12 * 60 + (vp - 143) * 30
    if vp <= 196:
        return (vp - 166) * 24 * 60
    return (vp - 192) * 7 * 24 * 60
