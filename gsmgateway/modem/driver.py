"""One modem: a serial link and an AT connection, commands with timeouts, init, send, inbound.

The driver HAS a ``SerialLink`` (bytes) and an ``AtConnection`` (the sans-IO AT core);
it is neither. A reader task feeds every byte to the core and dispatches its events:
the answer of the one command in flight resolves that command; URCs become
``ModemEvent`` values handed to ``on_event`` (set by the owner), never lost, never
credited to a command. The owner (the pool's worker) is the only caller of the
commands, one at a time (a lock enforces it anyway).

Rules that hold:
- Every command has a timeout; on expiry the core is told to ``abandon`` it and writes
  its resynchronisation probe, so a late answer is reported as late, never credited to
  the next command. The next command waits for the resync (its own timeout).
- ``send_pdu``: ``AT+CMGS=<n>``, the prompt, the caller's ``before_submit`` hook
  (awaited; it commits ``submitting``), then the PDU and Ctrl-Z. If the hook raises,
  ESC cancels the prompt and the error goes to the caller. The outcome says exactly
  whether the Ctrl-Z was written (``NotSent`` / ``Rejected`` / ``Sent`` / ``Ambiguous``).
- Nothing above ``modem/`` sees pyserial, OSError or AT-core exceptions: they become
  ``modem.errors`` (timeouts, faults, a closed port) or outcomes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gsmgateway.at import (
    NEED_DATA,
    AtConnection,
    AtError,
    Command,
    ErrorClass,
    LateResponse,
    LocalProtocolError,
    Noise,
    PinState,
    Prompt,
    Response,
    Resynchronised,
    StrayFinal,
    Urc,
    classify_final,
    parse_incoming_pdu,
    parse_registration_urc,
    parse_storage_notice,
    parse_submit,
)
from gsmgateway.at import commands as at
from gsmgateway.at import responses as answers
from gsmgateway.at.fields import payload, split_fields, to_int, unquote
from gsmgateway.at.urcs import NoticeKind
from gsmgateway.modem.errors import (
    CommandTimeout,
    ModemFault,
    NotAModem,
    PortClosed,
    PortUnavailable,
    SimLocked,
    SimNotReady,
)
from gsmgateway.modem.health import Health
from gsmgateway.modem.profiles import GENERIC, Profile, choose_profile
from gsmgateway.modem.results import (
    Ambiguous,
    Description,
    HealthChanged,
    Identity,
    InboundPdu,
    LateSubmitReport,
    Location,
    MessageWaiting,
    ModemEvent,
    NotSent,
    PortLost,
    Rejected,
    SendOutcome,
    Sent,
    SimChanged,
    StorageKind,
)
from gsmgateway.modem.transport import SerialLink

log = logging.getLogger(__name__)

BeforeSubmit = Callable[[], Awaitable[None]]
LinkOpener = Callable[..., Awaitable[SerialLink]]

# Storage used for reading, writing and receiving (TS 27.005 3.2.2): every modem has
# the SIM's; the gateway deletes each message once it is committed, so size is moot.
STORAGE = "SM"
# TS 27.005 3.4.1 <mode>,<mt>,<bm>,<ds>,<bfr>, tried in order until one is accepted.
# mode 2: URCs are buffered while the link is reserved (during AT+CMGS) and flushed
# after, instead of discarded (mode 1). mt 1: SMS stored, +CMTI (deleted only after
# it is committed: nothing is lost in a crash). ds 1: status reports routed as +CDS,
# which costs no command per report (a report lost in a crash only leaves its part
# "sent"); ds 2 (+CDSI, stored) where ds 1 is refused.
CNMI_STORED = ((2, 1, 0, 1, 0), (2, 1, 0, 2, 0), (1, 1, 0, 1, 0), (2, 1, 0, 0, 0))
# Routed inbound (+CMT) with AT+CSMS=1: acknowledged with AT+CNMA after the commit.
CNMI_ROUTED = ((2, 2, 0, 1, 0), (1, 2, 0, 1, 0), *CNMI_STORED)
# Codes meaning "busy initialising, ask again in a moment": SIM busy (TS 27.007 9.2.1,
# TS 27.005 3.2.5) and SIMCom/Quectel's CME 515 "please wait, init in progress".
SIM_BUSY = {("CME", 14), ("CMS", 314), ("CME", 515)}
# A freshly unlocked SIM takes a few seconds before SMS commands work (SIM800: "SMS Ready").
SIM_READY_WAIT = 10.0
SIM_POLL_INTERVAL = 0.5
# The URC of a SIM that changes state by itself (TS 27.007 8.3; SIM800/Quectel boot).
_SIM_URC = "+CPIN"
# How long closing a port may take before it is left to the OS (a dead USB device).
CLOSE_TIMEOUT = 5.0
# The first bytes a port sent, kept in the stats: what a port that is no modem speaks.
FIRST_BYTES_KEPT = 64
# AT+CPIN? answered with an error instead of a code (TS 27.007 9.2.1; TS 27.005 3.2.5):
# "SIM not inserted" and "SIM busy" name a state; other errors are reported as they are.
SIM_ERROR_STATES = {
    ("CME", 10): PinState.NOT_INSERTED,
    ("CMS", 310): PinState.NOT_INSERTED,
    ("CME", 14): PinState.NOT_READY,
    ("CMS", 314): PinState.NOT_READY,
}


@dataclass(frozen=True)
class DriverSettings:
    """Timings and choices of one driver."""

    baudrate: int = 115200
    command_timeout: float = 10.0
    send_timeout: float = 60.0
    probe_timeout: float = 1.0
    probe_attempts: int = 3
    reset_wait: float = 30.0
    route_inbound: bool = False  # +CMT/+CDS with AT+CNMA instead of stored +CMTI

    def __post_init__(self) -> None:
        if min(self.command_timeout, self.send_timeout, self.probe_timeout) <= 0:
            raise ValueError("driver timeouts must be positive")
        if self.probe_attempts < 1:
            raise ValueError("probe_attempts: at least 1")


@dataclass
class DriverStats:
    """What the driver counted (mutable)."""

    commands: int = 0  # command lines written, resync probes included
    timeouts: int = 0
    garbage_bytes: int = 0
    noise_events: int = 0
    urcs: int = 0
    late_responses: int = 0
    bytes_received: int = 0
    answers: int = 0  # final results and prompts the AT core recognised, timely or late
    first_bytes: bytes = b""  # the first FIRST_BYTES_KEPT bytes received (what a port speaks)


def _noop(_event: ModemEvent) -> None:
    return None


class ModemDriver:
    """One modem on one port. Create with ``await ModemDriver.open(path, settings)``."""

    def __init__(self, path: str, settings: DriverSettings, link: SerialLink) -> None:
        self.path = path
        self.settings = settings
        self.on_event: Callable[[ModemEvent], None] = _noop
        self.health = Health()
        self.identity: Identity | None = None
        self.profile: Profile = GENERIC
        self.imei: str | None = None
        self.registration_urcs = False
        self.stats = DriverStats()
        self._link: SerialLink | None = link
        self._conn = AtConnection()
        self._lock = asyncio.Lock()
        self._waiter: asyncio.Future[Response | Prompt] | None = None
        self._resync: asyncio.Future[Resynchronised] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closing = False
        self._lost: str | None = None
        self._memory = STORAGE
        self._ack_routed = False
        self._resetting = False
        self._lines_seen: set[str] = set()  # untagged URC lines since the last reset
        self._line_seen = asyncio.Event()
        self._identified = False
        self._start_reader()

    # -- opening and closing ----------------------------------------------------------

    @classmethod
    async def open(
        cls, path: str, settings: DriverSettings, *, opener: LinkOpener = SerialLink.open
    ) -> ModemDriver:
        """Open ``path``; raises PortUnavailable (or PortBusy) when it cannot be opened."""
        link = await opener(path, baudrate=settings.baudrate)
        return cls(path, settings, link)

    def _start_reader(self) -> None:
        self._reader = asyncio.create_task(self._read_loop(), name=f"read {self.path}")

    @property
    def closed(self) -> bool:
        """True once the port is gone or closed."""
        return self._link is None or self._lost is not None

    async def close(self) -> None:
        """Close the port (idempotent)."""
        self._closing = True
        await self._close_link()

    async def _close_link(self) -> None:
        reader, self._reader = self._reader, None
        link, self._link = self._link, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        if link is not None:
            try:
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await link.close()
            except TimeoutError:
                log.warning("%s: the port did not close in %g s", self.path, CLOSE_TIMEOUT)
        self._fail_waiters(PortClosed(f"{self.path}: closed"))

    # -- the reader -------------------------------------------------------------------

    async def _read_loop(self) -> None:
        link = self._link
        assert link is not None
        try:
            while True:
                data = await link.read()
                self._count_received(data)
                try:
                    self._conn.receive_data(data)
                except LocalProtocolError as error:
                    # The queue of events is bounded; we drain it every time, so this is
                    # a bug of ours: make a fresh connection rather than stall the modem.
                    log.error("%s: %s; AT connection reset", self.path, error)
                    self._conn = AtConnection()
                self._dispatch()
        except PortClosed as error:
            self._port_lost(str(error))

    def _count_received(self, data: bytes) -> None:
        stats = self.stats
        stats.bytes_received += len(data)
        if len(stats.first_bytes) < FIRST_BYTES_KEPT:
            stats.first_bytes += data[: FIRST_BYTES_KEPT - len(stats.first_bytes)]

    def _port_lost(self, reason: str) -> None:
        if self._lost is not None:
            return
        self._lost = reason
        self._fail_waiters(PortClosed(f"{self.path}: {reason}"))
        if not self._closing and not self._resetting:
            self.on_event(PortLost(reason))

    def _fail_waiters(self, error: Exception) -> None:
        for future in (self._waiter, self._resync):
            if future is not None and not future.done():
                future.set_exception(error)
        self._line_seen.set()

    def _dispatch(self) -> None:
        while True:
            event = self._conn.next_event()
            if event is NEED_DATA:
                return
            if isinstance(event, Response | Prompt | LateResponse | Resynchronised | StrayFinal):
                self.stats.answers += 1
            if isinstance(event, Response | Prompt):
                if self._waiter is not None and not self._waiter.done():
                    self._waiter.set_result(event)
            elif isinstance(event, Urc):
                self.stats.urcs += 1
                self._urc(event)
            elif isinstance(event, Resynchronised):
                if event.lost:
                    log.info(
                        "%s: resynchronised; no answer ever came to %s",
                        self.path,
                        ", ".join(c.line for c in event.lost),
                    )
                if self._resync is not None and not self._resync.done():
                    self._resync.set_result(event)
            elif isinstance(event, LateResponse):
                self.stats.late_responses += 1
                self._late(event)
            elif isinstance(event, Noise):
                self.stats.noise_events += 1
                self.stats.garbage_bytes += len(event.sample)
                log.debug("%s: noise (%s) %r", self.path, event.kind.value, event.sample)
            elif isinstance(event, StrayFinal):
                log.debug("%s: stray final %s", self.path, event.final.line)

    def _late(self, event: LateResponse) -> None:
        if event.command.prompt and event.final.success:
            try:
                mr = parse_submit(event).mr
            except AtError:
                return
            log.warning("%s: late +CMGS: %d after the send was given up", self.path, mr)
            self.on_event(LateSubmitReport(mr))
        else:
            log.info("%s: late answer to %s: %s", self.path, event.command.line, event.final.line)

    def _urc(self, event: Urc) -> None:
        name, line = event.name, event.line
        if len(self._lines_seen) < 64:
            self._lines_seen.add(line.strip())
        self._line_seen.set()
        try:
            if name in ("+CMTI", "+CDSI"):
                notice = parse_storage_notice(name, line)
                kind = (
                    StorageKind.DELIVER
                    if notice.kind is NoticeKind.MESSAGE
                    else StorageKind.STATUS_REPORT
                )
                self.on_event(MessageWaiting(Location(notice.memory, notice.index), kind))
            elif name in ("+CMT", "+CDS"):
                incoming = parse_incoming_pdu(name, line, event.pdu)
                kind = StorageKind.DELIVER if name == "+CMT" else StorageKind.STATUS_REPORT
                self.on_event(
                    InboundPdu(incoming.pdu, incoming.length, None, routed=True, kind=kind)
                )
            elif name in ("+CREG", "+CGREG", "+CEREG"):
                registration = parse_registration_urc(line)
                self._set_registration(registration)
            elif name == "^RSSI":
                # Huawei ^RSSI: <rssi> (the +CSQ scale), when ^CURC lets it through.
                rssi = _first_int(line, name)
                self._set_signal(answers.SignalQuality(rssi, 99, answers.rssi_to_dbm(rssi), False))
            elif name == "+CMGS":
                # A +CMGS no command owns: the answer of a send given up, after resync.
                self.on_event(LateSubmitReport(_first_int(line, name)))
            elif name == _SIM_URC:
                state = " ".join(unquote(payload(line, name + ":")).upper().split())
                if state != "READY":
                    self.on_event(SimChanged(state))
        except (AtError, ValueError, IndexError) as error:
            log.info("%s: unreadable URC %r: %s", self.path, line, error)

    def _set_registration(self, registration: answers.Registration) -> None:
        before = self.health.registered
        self.health = self.health.with_registration(
            registration.tag.lstrip("+"), registration.state, _now()
        )
        if self.health.registered != before:
            log.info(
                "%s: %s %s",
                self.path,
                registration.tag,
                "registered" if self.health.registered else registration.state.name.lower(),
            )
        self.on_event(HealthChanged())

    def _set_signal(self, signal: answers.SignalQuality) -> None:
        self.health = self.health.with_signal(signal, _now())
        self.on_event(HealthChanged())

    # -- commands ---------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        link = self._link
        if link is None or self._lost is not None:
            raise PortClosed(f"{self.path}: {self._lost or 'closed'}")
        link.write(data)

    def _abandon(self, *, timed_out: bool = True) -> None:
        """The command in flight timed out (or the line's state is unknown, at opening):
        let the core resynchronise; it writes ESC if needed and its probe."""
        if timed_out:
            self.stats.timeouts += 1
        try:
            data = self._conn.abandon()
        except LocalProtocolError:
            # Too many commands unanswered in a row: start over on a clean connection.
            self._conn = AtConnection()
            data = self._conn.abandon()
        self._resync = _future()
        self.stats.commands += 1
        self._write(data)

    async def _in_step(self, timeout: float) -> None:
        """Wait for a resync under way; CommandTimeout if the modem stays silent."""
        resync = self._resync
        if resync is None:
            return
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(resync)
        except TimeoutError:
            self._abandon()
            raise CommandTimeout(f"{self.path}: no answer to the resync probe") from None
        self._resync = None

    async def _execute(self, command: Command, timeout: float | None = None) -> Response:
        """Send one command and return its answer (OK or error); CommandTimeout on silence."""
        async with self._lock:
            return await self._execute_locked(command, timeout)

    async def _execute_locked(self, command: Command, timeout: float | None) -> Response:
        limit = self.settings.command_timeout if timeout is None else timeout
        await self._in_step(limit)
        self._waiter = _future()
        try:
            self._write(self._conn.send(command))
            self.stats.commands += 1
            try:
                async with asyncio.timeout(limit):
                    event = await self._waiter
            except TimeoutError:
                self._abandon()
                raise CommandTimeout(f"{command.line}: no answer within {limit:g} s") from None
        finally:
            self._waiter = None
        if not isinstance(event, Response):
            # A prompt for a command that does not prompt cannot come from the core.
            raise ModemFault(f"{command.line}: unexpected prompt")
        return event

    async def _ok(self, command: Command, timeout: float | None = None) -> Response:
        """A command that must succeed: its answer, or ModemFault naming the error."""
        response = await self._execute(command, timeout)
        if not response.ok:
            raise ModemFault(f"{command.line}: {response.final.line}")
        return response

    async def _try(self, command: Command, timeout: float | None = None) -> Response | None:
        """A command that may fail harmlessly: its answer when OK, else None."""
        response = await self._execute(command, timeout)
        return response if response.ok else None

    # -- probing and identity -------------------------------------------------------------

    async def probe(self) -> bool:
        """Resynchronise and ask ``AT``: True when the modem answers."""
        timeout = self.settings.probe_timeout
        for _attempt in range(self.settings.probe_attempts):
            try:
                response = await self._execute(at.attention(), timeout)
            except CommandTimeout:
                continue
            if response.ok:
                return True
        return False

    async def identify(self) -> str:
        """Make sure a modem answers and return its IMEI; NotAModem otherwise (quickly)."""
        if self._resync is None and self._conn.pending is None:
            # What the line holds is unknown (a modem left in a prompt by a crashed
            # client eats our lines as PDU text): the core's resync writes ESC and a
            # probe first, as gammu opens a port.
            self._abandon(timed_out=False)
        try:
            if not await self.probe():
                raise NotAModem(f"{self.path}: no answer to AT")
            await self._ok(at.echo_off(), self.settings.probe_timeout * 2)
            await self._try(at.report_errors(1), self.settings.probe_timeout * 2)
            imei = await self._read_imei()
        except (CommandTimeout, ModemFault) as error:
            raise NotAModem(f"{self.path}: {error}") from error
        self._identified = True
        if self.imei is None:
            self.imei = imei
        return imei

    async def _identity_checked(self) -> str:
        """The IMEI, asked again unless just asked; a different one means another modem."""
        if self._identified and self.imei:
            self._identified = False
            return self.imei
        try:
            imei = await self.identify()
        except NotAModem as error:
            raise CommandTimeout(str(error)) from error
        self._identified = False
        if self.imei and imei != self.imei:
            raise PortUnavailable(f"{self.path}: another modem (IMEI {imei}) answers here now")
        self.imei = imei
        return imei

    async def _read_imei(self) -> str:
        for command in (at.query_imei(), at.query_serial_gsn()):
            response = await self._execute(command, self.settings.probe_timeout * 2)
            if response.ok:
                with contextlib.suppress(AtError):
                    return answers.parse_imei(response)
        raise NotAModem(f"{self.path}: no IMEI")

    async def _identity_line(self, command: Command) -> str:
        response = await self._try(command)
        if response is None:
            return ""
        try:
            return answers.parse_identity(response)
        except AtError:
            return ""

    # -- initialisation ------------------------------------------------------------------

    async def initialise(
        self, *, profile: str = "auto", pin_for: Callable[[str], str] | None = None
    ) -> Identity:
        """Bring the modem to a known state and learn who it is.

        ``pin_for(iccid)`` gives the SIM PIN if the SIM asks for one ('' for none).
        Raises SimLocked / SimNotReady (SIM), CommandTimeout / ModemFault (modem),
        PortClosed (port gone).
        """
        imei = await self._identity_checked()
        manufacturer = await self._identity_line(at.query_manufacturer())
        model = await self._identity_line(at.query_model())
        revision = await self._identity_line(at.query_revision())
        self.profile = choose_profile(manufacturer, model, profile)
        await self._unlock_sim(pin_for)
        for line in self.profile.init_commands:
            await self._try(at.raw(line))
        await self._sim_settled(at.set_pdu_mode())
        storage = await self._sim_settled(at.set_storage(STORAGE, STORAGE, STORAGE), must=False)
        self._memory = STORAGE if storage is not None else self._memory
        await self._configure_indications()
        await self._try(at.query_smsc())
        imsi = await self._read_imsi()
        iccid = await self._read_iccid()
        await self._health_at_start()
        self.identity = Identity(
            imei=imei,
            manufacturer=manufacturer,
            model=model,
            revision=revision,
            imsi=imsi,
            iccid=iccid,
            profile=self.profile.name,
        )
        return self.identity

    async def _sim_state(self) -> PinState | None:
        response = await self._execute(at.query_pin())
        if not response.ok:
            return None
        try:
            return answers.parse_pin(response)
        except AtError:
            return None

    async def _unlock_sim(self, pin_for: Callable[[str], str] | None) -> None:
        waited = 0.0
        while True:
            state = await self._sim_state()
            if state is PinState.READY:
                return
            if state is PinState.SIM_PIN:
                break
            if state is not None and state.locked:
                raise SimLocked(f"SIM wants {state.value}: only an operator can unlock it")
            if waited >= SIM_READY_WAIT:
                raise SimNotReady(f"SIM not ready ({state.value if state else 'no answer'})")
            await asyncio.sleep(SIM_POLL_INTERVAL)
            waited += SIM_POLL_INTERVAL
        iccid = await self._read_iccid()
        pin = pin_for(iccid) if pin_for else ""
        if not pin:
            raise SimLocked("SIM PIN required and none configured for this modem or SIM")
        response = await self._execute(at.enter_pin(pin))
        if not response.ok:
            raise SimLocked(
                f"SIM PIN refused ({response.final.line}); it is not tried again, "
                "so the SIM is not blocked",
                refused_pin=pin,
            )
        deadline = SIM_READY_WAIT
        while deadline > 0:
            if await self._sim_state() is PinState.READY:
                return
            await asyncio.sleep(SIM_POLL_INTERVAL)
            deadline -= SIM_POLL_INTERVAL
        raise SimNotReady("SIM accepted the PIN but did not become ready")

    async def _sim_settled(self, command: Command, *, must: bool = True) -> Response | None:
        """A command that fails while a SIM is still busy initialising: ask again a while."""
        waited = 0.0
        while True:
            response = await self._execute(command)
            if response.ok:
                return response
            final = response.final
            busy = final.domain is not None and (final.domain.value, final.code) in SIM_BUSY
            if not busy or waited >= SIM_READY_WAIT:
                if must:
                    raise ModemFault(f"{command.line}: {final.line}")
                return None
            await asyncio.sleep(SIM_POLL_INTERVAL)
            waited += SIM_POLL_INTERVAL

    async def _configure_indications(self) -> None:
        routed = self.settings.route_inbound
        self._ack_routed = False
        if routed:
            response = await self._try(at.select_message_service(1))
            self._ack_routed = response is not None
        else:
            await self._try(at.select_message_service(0))
        for mode in CNMI_ROUTED if routed else CNMI_STORED:
            if await self._sim_settled(at.new_message_indications(*mode), must=False):
                return
        raise ModemFault("AT+CNMI: no indication mode accepted")

    async def _read_imsi(self) -> str:
        """``AT+CIMI``: the IMSI, or '' when the SIM will not tell."""
        response = await self._try(at.query_imsi())
        if response is not None:
            with contextlib.suppress(AtError):
                return answers.parse_imsi(response)
        return ""

    async def _read_iccid(self) -> str:
        for variant in self.profile.iccid_commands:
            response = await self._try(at.query_iccid(variant))
            if response is None:
                continue
            with contextlib.suppress(AtError):
                return answers.parse_iccid(response)
        return ""

    async def _health_at_start(self) -> None:
        self.registration_urcs = False
        for tag in ("+CREG", "+CGREG", "+CEREG"):
            accepted = await self._try(at.set_registration_reports(tag, 2))
            if accepted is None:
                continue
            if tag == "+CREG":
                self.registration_urcs = True
            await self.refresh_registration(tag)
        await self.refresh_signal()
        await self._try(at.set_operator_format(0))
        await self.refresh_operator()

    # -- health ---------------------------------------------------------------------------

    async def refresh_signal(self) -> None:
        """``AT+CSQ``."""
        response = await self._try(at.query_signal())
        if response is not None:
            with contextlib.suppress(AtError):
                self._set_signal(answers.parse_signal(response))

    async def refresh_registration(self, tag: str = "+CREG") -> None:
        """``AT+CREG?`` (or +CGREG? / +CEREG?)."""
        response = await self._try(at.query_registration(tag))
        if response is not None:
            with contextlib.suppress(AtError):
                self._set_registration(answers.parse_registration(response))

    async def refresh_operator(self) -> None:
        """``AT+COPS?``: the operator's long name (None when not registered)."""
        response = await self._try(at.query_operator())
        if response is not None:
            with contextlib.suppress(AtError):
                operator = answers.parse_operator(response)
                self.health = self.health.with_operator(operator.name, _now())
                self.on_event(HealthChanged())

    async def sim_ready(self) -> bool:
        """``AT+CPIN?`` answers READY."""
        return await self._sim_state() is PinState.READY

    async def describe(self) -> Description:
        """Who the modem is and how it stands, read without configuring it (``probe``):
        no PIN is entered, no message or indication setting touched; only ``ATE0`` and
        ``AT+CMEE=1`` (as ``identify``). NotAModem when nothing modem-like answers."""
        imei = await self.identify()
        manufacturer = await self._identity_line(at.query_manufacturer())
        model = await self._identity_line(at.query_model())
        revision = await self._identity_line(at.query_revision())
        profile = choose_profile(manufacturer, model)
        self.profile = profile
        state, sim_error = await self._sim_answer()
        iccid = await self._read_iccid()
        imsi = ""
        registration = None
        if state is PinState.READY:
            imsi = await self._read_imsi()
            # +CEREG too: an LTE-only modem reports CS "not registered" (Health picks).
            for tag in ("+CREG", "+CEREG"):
                await self.refresh_registration(tag)
            registration = self.health.registration if self.health.domains else None
            await self.refresh_operator()
        await self.refresh_signal()
        return Description(
            imei=imei,
            manufacturer=manufacturer,
            model=model,
            revision=revision,
            profile=profile.name,
            sim=state,
            sim_error=sim_error,
            iccid=iccid,
            imsi=imsi,
            registration=registration,
            operator=self.health.operator,
            signal=self.health.signal,
        )

    async def _sim_answer(self) -> tuple[PinState | None, str]:
        """``AT+CPIN?``: the SIM's state, or None and the error it answered instead."""
        response = await self._execute(at.query_pin())
        final = response.final
        if response.ok:
            try:
                return answers.parse_pin(response), ""
            except AtError as error:
                return None, str(error)
        state = SIM_ERROR_STATES.get((final.domain.value, final.code)) if final.domain else None
        verdict = classify_final(final)
        meaning = f" ({verdict.meaning})" if verdict is not None and verdict.known else ""
        return state, f"{final.line}{meaning}"

    # -- sending ---------------------------------------------------------------------------

    async def send_pdu(
        self, pdu_hex: str, tpdu_length: int, *, before_submit: BeforeSubmit
    ) -> SendOutcome:
        """Send one SMS-SUBMIT (hex, SMSC octet first); see the module rules."""
        async with self._lock:
            return await self._send_locked(pdu_hex, tpdu_length, before_submit)

    async def _send_locked(
        self, pdu_hex: str, tpdu_length: int, before_submit: BeforeSubmit
    ) -> SendOutcome:
        command = at.submit_pdu(tpdu_length)
        try:
            await self._in_step(self.settings.command_timeout)
        except CommandTimeout as error:
            return NotSent(str(error), modem_fault=True)
        except PortClosed as error:
            return NotSent(str(error), modem_fault=True)
        self._waiter = _future()
        try:
            try:
                self._write(self._conn.send(command))
                self.stats.commands += 1
                async with asyncio.timeout(self.settings.command_timeout):
                    event = await self._waiter
            except TimeoutError:
                self._abandon()
                return NotSent("no prompt after AT+CMGS", modem_fault=True)
            except PortClosed as error:
                return NotSent(f"port lost before Ctrl-Z: {error}", modem_fault=True)
            if isinstance(event, Response):
                return self._refusal(event)
            self._waiter = _future()
            try:
                await before_submit()
            except BaseException:
                self._cancel_prompt()
                raise
            try:
                data = self._conn.send_pdu(pdu_hex)
            except AtError as error:
                self._cancel_prompt()
                return NotSent(f"PDU refused by the AT core: {error}")
            try:
                self._write(data)
            except PortClosed as error:
                return NotSent(f"port lost before Ctrl-Z: {error}", modem_fault=True)
            try:
                async with asyncio.timeout(self.settings.send_timeout):
                    event = await self._waiter
            except TimeoutError:
                self._abandon()
                return Ambiguous(f"no answer within {self.settings.send_timeout:g} s after Ctrl-Z")
            except PortClosed as error:
                return Ambiguous(f"port lost after Ctrl-Z: {error}")
            if not isinstance(event, Response):
                self._abandon()
                return Ambiguous("a second prompt after Ctrl-Z")
            if not event.ok:
                return self._refusal(event)
            try:
                return Sent(parse_submit(event).mr)
            except (AtError, ValueError) as error:
                return Ambiguous(f"unreadable +CMGS answer: {error}")
        finally:
            self._waiter = None

    def _cancel_prompt(self) -> None:
        with contextlib.suppress(PortClosed, AtError):
            data = self._conn.cancel_prompt()
            self._resync = _future()
            self.stats.commands += 1
            self._write(data)

    def _refusal(self, response: Response) -> Rejected:
        verdict = classify_final(response.final)
        if verdict is None:  # an OK without +CMGS: the core reports it as stray, not here
            return Rejected("OK without +CMGS", ErrorClass.TEMPORARY)
        return Rejected(
            f"{response.final.line} ({verdict.meaning})",
            verdict.error_class,
            code=verdict.code,
            retry_limit=verdict.retry_limit,
        )

    # -- inbound ---------------------------------------------------------------------------

    async def _select_memory(self, memory: str) -> None:
        if memory != self._memory:
            await self._ok(at.set_storage(memory))
            self._memory = memory

    async def read_stored(self, location: Location) -> InboundPdu | None:
        """Read the message a ``+CMTI``/``+CDSI`` named (None: the slot is empty)."""
        await self._select_memory(location.memory)
        response = await self._execute(at.read_message(location.index))
        if not response.ok:
            log.info("%s: AT+CMGR=%d: %s", self.path, location.index, response.final.line)
            return None
        try:
            stored = answers.parse_message(response)
        except AtError as error:
            log.warning("%s: unreadable +CMGR answer: %s", self.path, error)
            return None
        if stored is None or stored.pdu is None:
            return None
        return InboundPdu(stored.pdu, stored.length, location)

    async def list_stored(self) -> list[InboundPdu]:
        """Every message the storage holds (``AT+CMGL=4``), to drain at start."""
        response = await self._execute(at.list_messages(4))
        if not response.ok:
            return []
        try:
            stored = answers.parse_message_list(response)
        except AtError as error:
            log.warning("%s: unreadable +CMGL answer: %s", self.path, error)
            return []
        return [
            InboundPdu(message.pdu, message.length, Location(self._memory, message.index))
            for message in stored
            if message.pdu is not None
            and message.status
            in (answers.MessageStatus.RECEIVED_UNREAD, answers.MessageStatus.RECEIVED_READ)
        ]

    async def acknowledge(self, inbound: InboundPdu) -> None:
        """After the commit: delete the stored message, or acknowledge the routed one."""
        if inbound.location is not None:
            await self._select_memory(inbound.location.memory)
            response = await self._execute(at.delete_message(inbound.location.index))
            if not response.ok:
                log.warning(
                    "%s: AT+CMGD=%d: %s", self.path, inbound.location.index, response.final.line
                )
        elif inbound.routed and self._ack_routed:
            await self._try(at.acknowledge_message())

    # -- recovery ---------------------------------------------------------------------------

    async def reopen(self) -> None:
        """Close the port and open it again; PortUnavailable or CommandTimeout if that fails."""
        self._identified = False
        await self._close_link()
        self._lost = None
        self._resync = None
        self._conn = AtConnection()
        link = await SerialLink.open(self.path, baudrate=self.settings.baudrate)
        self._link = link
        self._start_reader()
        if not await self.probe():
            raise CommandTimeout(f"{self.path}: no answer to AT after reopening")

    async def reset(self) -> None:
        """``AT+CFUN=1,1`` and wait until the modem answers again (re-plugging if it must)."""
        self._resetting = True
        self._identified = False
        loop = asyncio.get_running_loop()
        try:
            self._lines_seen.clear()
            with contextlib.suppress(CommandTimeout, PortClosed):
                await self._execute(at.reset_modem())
            deadline = loop.time() + self.settings.reset_wait
            while loop.time() < deadline:
                await asyncio.sleep(min(1.0, self.settings.reset_wait / 10))
                if self.closed or self.profile.reset_replugs:
                    if not os.path.exists(self.path):
                        continue
                    try:
                        await self.reopen()
                    except (PortUnavailable, CommandTimeout, PortClosed):
                        continue
                elif not await self.probe():
                    continue
                await self._wait_ready_line(min(self.profile.boot_seconds, deadline - loop.time()))
                return
            raise CommandTimeout(
                f"{self.path}: no answer {self.settings.reset_wait:g} s after reset"
            )
        finally:
            self._resetting = False

    async def _wait_ready_line(self, timeout: float) -> None:
        """After a boot we saw begin (its first URCs), wait a bounded while for the
        profile's "SMS ready" line. A port opened after the boot URCs (pyserial drops
        what was received before it opened) has nothing to wait for: SMS commands that
        find the SIM still busy are retried by ``_sim_settled`` anyway."""
        wanted = set(self.profile.ready_lines)
        if not wanted or not self._lines_seen:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(timeout, 0.0)):
                while not wanted & self._lines_seen:
                    self._line_seen.clear()
                    await self._line_seen.wait()


def _now() -> float:
    return time.time()


def _first_int(line: str, tag: str) -> int:
    """The first parameter of a tagged URC as a number (AT core field rules)."""
    fields = split_fields(payload(line, tag + ":"), line=line)
    return to_int(fields[0], line=line, what=tag)


def _future() -> asyncio.Future:  # type: ignore[type-arg]
    """A future whose exception, if nobody awaits it, is not reported as never retrieved."""
    future = asyncio.get_running_loop().create_future()
    future.add_done_callback(_retrieve)
    return future


def _retrieve(future: asyncio.Future) -> None:  # type: ignore[type-arg]
    if not future.cancelled():
        future.exception()
