"""One simulated modem at run time: its AT machine on a pty, its timers and its faults.

Thin glue. The machine decides; this carries out its effects on the event loop:
writes in order after their delays, timers, submissions to the network, replugs.
Faults that belong to the device (unplug, hang, garbage, URC storms, SIM lock,
registration) are methods here; faults of the network side (CMS error rates) are
consulted by the network when a PDU arrives.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gsmgateway.sim.errors import InvalidRequest
from gsmgateway.sim.identity import Identity
from gsmgateway.sim.machine import ModemMachine
from gsmgateway.sim.model import (
    Effect,
    Replug,
    StartTimer,
    SubmitOutcome,
    SubmitRequest,
    Timing,
    Write,
)
from gsmgateway.sim.profiles import Profile
from gsmgateway.sim.ptyport import PtyPort
from gsmgateway.sim.states import Phase

if TYPE_CHECKING:
    from gsmgateway.sim.network import SimNetwork

log = logging.getLogger(__name__)

REGISTRATION_STATES = (0, 1, 2, 3, 5)  # TS 27.007 7.2 <stat> the simulator models


@dataclass(frozen=True)
class CmsErrorFault:
    """Answer a share ``rate`` of submissions with one of ``codes`` (+CMS ERROR)."""

    rate: float
    codes: tuple[int, ...]


class SimulatedModem:
    """Modem ``index`` of a SimNetwork: identity, profile, machine and (when plugged) pty."""

    def __init__(
        self,
        network: SimNetwork,
        identity: Identity,
        profile: Profile,
        timing: Timing,
        link: Path,
        *,
        seed: int = 0,
    ) -> None:
        self.network = network
        self.identity = identity
        self.profile = profile
        self.timing = timing
        self.link = link
        self.machine = ModemMachine(identity, profile, timing)
        self.port: PtyPort | None = None
        self.cms_fault: CmsErrorFault | None = None
        self.random = random.Random(seed * 7919 + identity.index)
        self.plug_count = 0
        self._loop = asyncio.get_running_loop()
        self._queue: deque[tuple[float, bytes]] = deque()
        self._last_due = 0.0
        self._flush_handle: asyncio.TimerHandle | None = None
        self._generation = 0  # bumps on unplug: timers of the old "power cycle" are void
        self._replug_handle: asyncio.TimerHandle | None = None
        self._plug_changed = asyncio.Event()

    # -- identity and state ---------------------------------------------------------

    @property
    def index(self) -> int:
        """The modem's index in its network."""
        return self.identity.index

    @property
    def plugged(self) -> bool:
        """True while the pty exists."""
        return self.port is not None

    @property
    def path(self) -> str | None:
        """The pty slave's real path, while plugged."""
        return self.port.path if self.port else None

    def describe(self) -> dict[str, Any]:
        """JSON-ready summary for the control API."""
        identity = self.identity
        return {
            "index": identity.index,
            "imei": identity.imei,
            "imsi": identity.imsi,
            "iccid": identity.iccid,
            "number": identity.number,
            "profile": self.profile.name,
            "link": str(self.link),
            "pty": self.path,
            "plugged": self.plugged,
            "phase": self.machine.phase.value,
            "registration": self.machine.registration,
            "sim": self.machine.sim.state.value,
        }

    def now(self) -> float:
        """Wall-clock seconds (the machine's ``now``; SCTS stamps come from it)."""
        return self.network.clock()

    # -- plugging ---------------------------------------------------------------------

    def plug(self) -> None:
        """Create a new pty at the symlink and power the modem on."""
        if self.port is not None:
            return
        if self._replug_handle:
            self._replug_handle.cancel()
            self._replug_handle = None
        self.port = PtyPort(self.link, self._received, self._port_lost)
        self.plug_count += 1
        self._signal_plug_change()
        self._apply(self.machine.power_on(self.now()))

    def unplug(self, replug_after: float | None = None) -> None:
        """Pull the modem: the pty closes (the TE's reads fail), the link goes away."""
        self._generation += 1
        self._queue.clear()
        self._last_due = 0.0
        if self._flush_handle:
            self._flush_handle.cancel()
            self._flush_handle = None
        if self.port is not None:
            self.port.close()
            self.port = None
            self._signal_plug_change()
        self.machine.reset_after_fault()
        if replug_after is not None:
            if self._replug_handle:
                self._replug_handle.cancel()
            self._replug_handle = self._loop.call_later(replug_after, self.plug)

    def _signal_plug_change(self) -> None:
        self._plug_changed.set()
        self._plug_changed = asyncio.Event()

    async def wait_plugged(self, plugged: bool = True, timeout: float = 10.0) -> None:
        """Wait until the modem is plugged (or, with False, unplugged)."""
        async with asyncio.timeout(timeout):
            while self.plugged != plugged:
                await self._plug_changed.wait()

    def _port_lost(self, error: OSError) -> None:
        log.warning("modem %d: pty lost (%s)", self.index, error)
        self.port = None
        self._signal_plug_change()
        self.unplug()

    # -- input ------------------------------------------------------------------------

    def _received(self, data: bytes) -> None:
        try:
            effects = self.machine.receive(data, self.now())
        except Exception:
            # The top-level guard of one modem (STYLE 8): a bug triggered by odd input
            # must not stop this modem's pty, let alone the other modems in the loop.
            # Log it and put the machine back to a clean command state.
            log.exception("modem %d: internal error on input %r; state reset", self.index, data)
            self.machine.reset_after_fault()
            return
        self._apply(effects)

    # -- effects ----------------------------------------------------------------------

    def _apply(self, effects: Sequence[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, Write):
                self._enqueue(effect.data, effect.delay)
            elif isinstance(effect, SubmitRequest):
                self.later(self.timing.cmgs_delay, self._submit, effect)
            elif isinstance(effect, StartTimer):
                self.later(effect.delay, self._timer, effect.token)
            elif isinstance(effect, Replug):
                # After the OK is out, the device leaves the bus and comes back.
                when = max(self._last_due - self._loop.time(), 0.0) + 0.01
                self.later(when, self.unplug, effect.delay)

    def later(self, delay: float, callback: Any, *args: Any) -> None:
        """Call ``callback(*args)`` after ``delay`` unless the modem was unplugged meanwhile."""
        generation = self._generation

        def fire() -> None:
            if generation == self._generation:
                callback(*args)

        self._loop.call_later(delay, fire)

    def _guarded(self, effects_of: Any, *args: Any) -> None:
        try:
            effects = effects_of(*args)
        except Exception:
            # Same guard as for input: one modem's internal error stays with that modem.
            log.exception("modem %d: internal error; state reset", self.index)
            self.machine.reset_after_fault()
            return
        self._apply(effects)

    def _submit(self, request: SubmitRequest) -> None:
        try:
            outcome = self.network.submit(self, request)
        except Exception:
            # A network-side bug must still give the TE a final result, or this modem
            # would wait in SUBMITTING for ever: +CMS ERROR 500, unknown error.
            log.exception("modem %d: the network failed on a submission", self.index)
            outcome = SubmitOutcome(error=500)
        self._guarded(self.machine.submit_finished, outcome, self.now())

    def _timer(self, token: str) -> None:
        self._guarded(self.machine.on_timer, token, self.now())

    def _enqueue(self, data: bytes, delay: float) -> None:
        if self.port is None:
            return
        now = self._loop.time()
        due = max(now, self._last_due) + delay
        self._last_due = due
        if not self._queue and due <= now:
            self.port.write(data)
            return
        self._queue.append((due, data))
        if self._flush_handle is None:
            self._flush_handle = self._loop.call_at(self._queue[0][0], self._flush)

    def _flush(self) -> None:
        self._flush_handle = None
        now = self._loop.time()
        while self._queue and self._queue[0][0] <= now + 0.0005:
            _, data = self._queue.popleft()
            if self.port is not None:
                self.port.write(data)
        if self._queue:
            self._flush_handle = self._loop.call_at(self._queue[0][0], self._flush)

    # -- inbound from the network -------------------------------------------------------

    def deliver_sms(self, pdu: str, tpdu_length: int) -> None:
        """An SMS-DELIVER arrives (stored even while unplugged; URCs only when plugged)."""
        self._guarded(self.machine.deliver_sms, pdu, tpdu_length, self.now())

    def deliver_status_report(self, pdu: str, tpdu_length: int) -> None:
        """An SMS-STATUS-REPORT arrives."""
        self._guarded(self.machine.deliver_status_report, pdu, tpdu_length, self.now())

    def set_timing(self, timing: Timing) -> None:
        """Change this modem's latency, CMGS delay and timers from now on."""
        self.timing = timing
        self.machine.timing = timing

    # -- faults -------------------------------------------------------------------------

    def hang(self) -> None:
        """Stop answering anything until ``resume``."""
        self._queue.clear()
        self._apply(self.machine.hang())

    def resume(self) -> None:
        """End a hang."""
        self._apply(self.machine.resume(self.now()))

    @property
    def hung(self) -> bool:
        """True while hung."""
        return self.machine.phase is Phase.HUNG

    def set_cms_errors(self, rate: float, codes: Sequence[int]) -> None:
        """Answer a share ``rate`` (0..1) of submissions with +CMS ERROR from ``codes``."""
        if not 0.0 <= rate <= 1.0:
            raise InvalidRequest(f"rate {rate} outside 0..1")
        if rate > 0 and not codes:
            raise InvalidRequest("a CMS error rate needs at least one code")
        if any(not 0 <= code <= 511 for code in codes):
            raise InvalidRequest("CMS error codes are 0..511 (TS 27.005 3.2.5)")
        self.cms_fault = CmsErrorFault(rate, tuple(codes)) if rate > 0 else None

    def set_registration(self, stat: int) -> None:
        """Network registration: 0 not searching, 1 home, 2 searching, 3 denied, 5 roaming."""
        if stat not in REGISTRATION_STATES:
            raise InvalidRequest(f"registration stat {stat} not one of {REGISTRATION_STATES}")
        self._guarded(self.machine.set_registration, stat, self.now())

    def send_garbage(self, data: bytes) -> None:
        """Write raw bytes to the TE, as a confused firmware or a noisy line would."""
        if self.port is not None:
            self._enqueue(data, 0.0)

    def urc_storm(self, count: int, line: str = "+CREG: 1") -> None:
        """Emit ``count`` unsolicited result codes back to back."""
        if not 0 < count <= 100_000:
            raise InvalidRequest("a URC storm has 1..100000 URCs")
        for _ in range(count):
            self._apply(self.machine.unsolicited([line]))

    def lock_sim(self, pin: str = "1234", puk: str = "12345678") -> None:
        """The SIM asks for ``pin`` (three wrong ones block it: then ``puk``)."""
        if not (pin.isdigit() and 4 <= len(pin) <= 8 and puk.isdigit() and len(puk) == 8):
            raise InvalidRequest("PIN is 4-8 digits, PUK 8 digits (TS 31.101)")
        self._apply(self.machine.lock_sim(pin, puk))

    def pick_cms_error(self) -> int | None:
        """The network's use of the CMS fault: a code for this submission, or None."""
        fault = self.cms_fault
        if fault is None or self.random.random() >= fault.rate:
            return None
        return self.random.choice(fault.codes)


__all__ = ["CmsErrorFault", "SimulatedModem", "SubmitOutcome"]
