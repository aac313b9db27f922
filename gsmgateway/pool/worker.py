"""One modem's life in the pool: bring-up, sending its claims, inbound, health, recovery.

A ``ModemWorker`` exists per IMEI for as long as the pool runs, across unplugs and
re-plugs (on any tty); while a driver is attached one task runs ``_serve`` and is the
only caller of that driver, so the modem does one thing at a time.

Rules that hold:
- A part's ``submitting`` is committed (the driver's ``before_submit`` hook) before its
  Ctrl-Z; ``Sent`` -> sent, ``Rejected`` -> requeue (avoiding this modem) or failed,
  ``NotSent`` -> back to the queue, ``Ambiguous`` -> unknown. Nothing else moves a part.
- Parts of a claim not yet submitted when the modem stops serving are released, so
  another claim (pinned messages: this modem, once back) picks them up.
- A health poll never starts while a claim is in hand, and between two poll commands
  the worker looks for a claim first: a send waits for at most one poll command.
- Every recovery step is logged and counted; a modem whose port is gone is OFFLINE
  until discovery finds it again (by IMEI, on whatever port).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from gsmgateway.at import ErrorClass
from gsmgateway.config import ModemConfig
from gsmgateway.modem.decoding import ReceivedReport, ReceivedSms, Undecodable, decode_inbound
from gsmgateway.modem.driver import ModemDriver
from gsmgateway.modem.errors import (
    CommandTimeout,
    ModemError,
    ModemFault,
    PortClosed,
    PortUnavailable,
    SimLocked,
    SimNotReady,
)
from gsmgateway.modem.health import Health
from gsmgateway.modem.results import (
    Ambiguous,
    HealthChanged,
    Identity,
    InboundPdu,
    LateSubmitReport,
    MessageWaiting,
    ModemEvent,
    NotSent,
    PortLost,
    Rejected,
    Sent,
    SimChanged,
)
from gsmgateway.pool.concat_refs import ConcatRefs
from gsmgateway.pool.errors import ModemTrouble, PortGone
from gsmgateway.pool.quotas import SendBudget, SendLimits
from gsmgateway.pool.recovery import RecoveryLadder, RecoveryStep
from gsmgateway.pool.routing import DEFAULT_GROUP, ServingModem
from gsmgateway.pool.scheduling import GiveUp, Retry, after_refusal
from gsmgateway.pool.status import ModemCounters, ModemSnapshot, ModemState
from gsmgateway.pool.waiting import wait_event
from gsmgateway.sms.pdu import Concat, encode_submit
from gsmgateway.store.errors import LeaseLost, StoreError, StoreUnavailable
from gsmgateway.store.interface import Claim, ClaimedPart, ReportOutcome

if TYPE_CHECKING:
    from gsmgateway.pool.pool import Pool

log = logging.getLogger(__name__)


@dataclass
class _Hand:
    """The claim a worker holds and how long its lease lasts (renewed as it goes)."""

    claim: Claim
    lease_until: float


class ModemWorker:
    """One modem, known by its IMEI. Created by the pool at the first successful probe."""

    def __init__(self, pool: Pool, imei: str, *, rng: random.Random) -> None:
        self.pool = pool
        self.imei = imei
        self.state = ModemState.INITIALISING
        self.since = pool.clock()
        self.counters = ModemCounters()
        self.identity: Identity | None = None
        self.settings: ModemConfig | None = pool.config.modem_settings(imei)
        self.port: str | None = None
        self.driver: ModemDriver | None = None
        self.last_error: str | None = None
        self.ladder = RecoveryLadder(pool.tuning.recovery)
        self.refs = ConcatRefs.seeded(rng.getrandbits(32))
        self.budget: SendBudget | None = None
        self.idle_since = time.monotonic()
        self._hand: _Hand | None = None
        self._events: deque[ModemEvent] = deque(maxlen=4096)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._next_poll = 0.0
        self._registration_poll_due = False
        self._operator_due = True
        self._last_health = Health()
        self._refused_pin: str | None = None
        self._claim_pending = False
        self._health_changed = False
        self._closed_driver_stats = dict.fromkeys(
            ("at_commands", "timeouts", "garbage_bytes", "urcs"), 0
        )

    # -- what the pool reads ------------------------------------------------------

    @property
    def groups(self) -> tuple[str, ...]:
        """The routing groups this modem serves."""
        return self.settings.groups if self.settings else (DEFAULT_GROUP,)

    @property
    def serving(self) -> ServingModem:
        """This modem as routing sees it."""
        return ServingModem(self.imei, self.groups)

    @property
    def in_service(self) -> bool:
        """True when it takes parts."""
        return self.state.in_service and not self._stopping

    @property
    def idle(self) -> bool:
        """True when it holds no claim and may be offered one."""
        return self.in_service and self._hand is None and self.driver is not None

    @property
    def attached(self) -> bool:
        """True while a driver (an open port) is attached."""
        return self.driver is not None

    @property
    def health(self) -> Health:
        """The last known signal, registration and operator."""
        return self.driver.health if self.driver else self._last_health

    def ready_at(self, now: float) -> float:
        """When its rate and quotas let it take a part (epoch seconds)."""
        return self.budget.ready_at(now) if self.budget else now

    def allowance(self, now: float) -> int | None:
        """Segments its quotas still allow (None: unlimited)."""
        return self.budget.allowance(now) if self.budget else None

    def snapshot(self) -> ModemSnapshot:
        """The modem for ``GET /v1/modems``."""
        identity = self.identity or Identity(self.imei)
        self._count_driver(self.driver)
        return ModemSnapshot.build(
            imei=self.imei,
            port=self.port,
            state=self.state,
            health=self.health,
            counters=self.counters,
            manufacturer=identity.manufacturer,
            model=identity.model,
            revision=identity.revision,
            profile=identity.profile,
            iccid=identity.iccid,
            imsi=identity.imsi,
            groups=self.groups,
            last_error=self.last_error,
            since=self.since,
        )

    # -- what the pool does to it -------------------------------------------------

    def _ask_for_work(self) -> None:
        """Idle now: the dispatcher is to look for a part before anything else is done."""
        self._claim_pending = True
        self.pool.modem_idle(self)

    def considered(self) -> None:
        """The dispatcher looked for a part for this modem (found one or not)."""
        if self._claim_pending:
            self._claim_pending = False
            self._wake.set()

    def attach(self, driver: ModemDriver) -> None:
        """A probe found this modem on ``driver``'s port: serve it there."""
        if self.driver is not None:
            raise RuntimeError(f"modem {self.imei} is already attached on {self.port}")
        self.driver = driver
        self.port = driver.path
        driver.on_event = self._on_driver_event
        self._events.clear()
        self._health_changed = False
        self._task = asyncio.create_task(self._run(), name=f"modem {self.imei}")

    def offer(self, claim: Claim) -> None:
        """Hand over a claim (only when ``idle``)."""
        if self._hand is not None:
            raise RuntimeError(f"modem {self.imei} already holds a claim")
        self._hand = _Hand(claim, claim.lease_until)
        self._claim_pending = False
        self._set_state(ModemState.SENDING)
        self._wake.set()

    def begin_stop(self) -> None:
        """Finish the part in AT+CMGS, release the rest, take nothing new."""
        self._stopping = True
        self._wake.set()

    async def wait_stopped(self) -> None:
        """Until the task has ended."""
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def kill(self) -> None:
        """Cancel the task now (the grace time is over)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        await self.wait_stopped()
        await self._detach()

    # -- the task -------------------------------------------------------------------

    def _set_state(self, state: ModemState, error: str | None = None) -> None:
        if state is not self.state:
            log.info("modem %s: %s -> %s", self.imei, self.state.value, state.value)
            self.state = state
            self.since = self.pool.clock()
        if error is not None:
            self.last_error = error
        self.pool.modem_changed(self)

    def _on_driver_event(self, event: ModemEvent) -> None:
        # A URC storm of registration reports must not crowd out a +CMTI in the bounded
        # queue: health changes are one flag, however many arrive.
        if isinstance(event, HealthChanged):
            if self._health_changed:
                return
            self._health_changed = True
        self._events.append(event)
        self._wake.set()

    async def _run(self) -> None:
        try:
            try:
                up = await self._bring_up()
                # Back after an unplug: whatever episode was under way has ended.
                self.ladder = self.ladder.recovered(self.pool.clock())
            except ModemTrouble as trouble:
                up = await self._recover(str(trouble))
            while up:
                try:
                    await self._serve()
                    return
                except ModemTrouble as trouble:
                    up = await self._recover(str(trouble))
        except PortGone as gone:
            await self._go_offline(str(gone))
        except asyncio.CancelledError:
            raise
        except Exception:
            # The top of one modem's task (STYLE 8): a bug must take this modem out of
            # service, logged, without stopping the pool or the other modems.
            log.exception("modem %s: internal error; taken offline", self.imei)
            await self._go_offline("internal error (see the log)")
        finally:
            await self._give_back("modem stopped")
            if self._stopping or self.state is ModemState.DISABLED:
                await self._detach(release_port=self.state is not ModemState.DISABLED)

    async def _go_offline(self, reason: str) -> None:
        self.counters.unplugs += 1
        await self._give_back(reason)
        await self._detach()
        self._set_state(ModemState.OFFLINE, reason)

    def _count_driver(self, driver: ModemDriver | None, *, final: bool = False) -> None:
        """Counters of the drivers this modem had, the live one included."""
        base = self._closed_driver_stats
        live = driver.stats if driver is not None else None
        for name in ("at_commands", "timeouts", "garbage_bytes", "urcs"):
            source = {"at_commands": "commands"}.get(name, name)
            value = base[name] + (getattr(live, source) if live is not None else 0)
            setattr(self.counters, name, value)
            if final:
                base[name] = value

    async def _detach(self, *, release_port: bool = True) -> None:
        driver, self.driver = self.driver, None
        if driver is not None:
            self._last_health = driver.health
            self._count_driver(driver, final=True)
            path = driver.path
            await driver.close()
            if release_port:
                self.pool.port_released(path)

    async def _bring_up(self) -> bool:
        """Initialise the modem, drain what its SIM holds, put it in service.

        False when it is not to serve (disabled, or stopping while its SIM is locked).
        """
        while True:
            driver = self._driver()
            self._set_state(ModemState.INITIALISING)
            try:
                identity = await driver.initialise(
                    profile=self.settings.profile if self.settings else "auto",
                    pin_for=self._pin_for,
                )
                break
            except (SimLocked, SimNotReady) as error:
                if isinstance(error, SimLocked) and error.refused_pin:
                    self._refused_pin = error.refused_pin
                self._set_state(ModemState.SIM_LOCKED, str(error))
                if not await self._wait_for_sim():
                    return False
            except (CommandTimeout, ModemFault) as error:
                raise ModemTrouble(f"init: {error}") from error
            except (PortClosed, PortUnavailable) as error:
                raise PortGone(str(error)) from error
        self.identity = identity
        # SIM notices from before this init (boot URCs, the lock just undone) are stale.
        self._events = deque(
            (e for e in self._events if not isinstance(e, SimChanged)), maxlen=self._events.maxlen
        )
        self.settings = self.pool.config.modem_settings(self.imei, identity.iccid)
        if self.settings is not None and not self.settings.enabled:
            self._set_state(ModemState.DISABLED)
            return False
        if self.budget is None:
            self.budget = await self.pool.seed_budget(self, SendLimits.of(self.settings))
        await self._drain_sim()
        self._operator_due = False  # the init has just read it
        self._schedule_poll(immediately=False)
        self.last_error = None
        self._set_state(self._serving_state())
        self._ask_for_work()
        return True

    def _pin_for(self, iccid: str) -> str:
        """The configured PIN, unless this SIM refused it once (a SIM blocks at three)."""
        entry = self.pool.config.modem_settings(self.imei, iccid)
        pin = (entry.pin if entry and entry.pin else "") or self.pool.config.modems.pin
        return "" if pin and pin == self._refused_pin else pin

    def _serving_state(self) -> ModemState:
        driver = self._driver()
        if not driver.health.registered:
            return ModemState.NO_NETWORK
        return ModemState.SENDING if self._hand is not None else ModemState.READY

    def _driver(self) -> ModemDriver:
        if self.driver is None:
            raise PortGone("no port attached")
        return self.driver

    async def _wait_for_sim(self) -> bool:
        """A SIM that wants a PIN we lack: ask again now and then (someone may fix it).

        Never enters a PIN itself (a wrong one is not tried twice): it waits for READY.
        False when the pool stops first.
        """
        while not self._stopping:
            await self._sleep(self.pool.tuning.no_network_poll_seconds)
            if self._stopping:
                break
            try:
                if await self._driver().sim_ready():
                    return True
            except (PortClosed, PortUnavailable) as error:
                raise PortGone(str(error)) from error
            except (CommandTimeout, ModemFault) as error:
                raise ModemTrouble(f"SIM check: {error}") from error
        return False

    async def _sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` (events from the modem wait), but return at once on stop."""
        deadline = time.monotonic() + seconds
        while not self._stopping:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._wake.clear()
            await wait_event(self._wake, left)

    # -- serving ------------------------------------------------------------------

    async def _serve(self) -> None:
        while True:
            self._wake.clear()
            await self._handle_events()
            if self._hand is not None:
                await self._send_hand()
                continue
            if self._stopping:
                return
            state = self._serving_state()
            if state is not self.state:
                self._set_state(state)
                if state.in_service:
                    self._ask_for_work()
            now = time.monotonic()
            if self._claim_pending:
                # The dispatcher has yet to look for a part for this modem: no poll may
                # start before it did, so a waiting part never waits for a poll.
                await wait_event(self._wake, None)
                continue
            if now >= self._next_poll:
                await self._poll_once()
                continue
            if self._events:
                continue
            await wait_event(self._wake, self._next_poll - now)

    def _schedule_poll(self, *, immediately: bool) -> None:
        tuning = self.pool.tuning
        driver = self.driver
        interval = self.pool.config.modems.poll_interval_seconds
        if driver is not None and not driver.health.registered:
            interval = min(interval, tuning.no_network_poll_seconds)
        # Spread the modems' polls so they do not all ask at once.
        jitter = random.uniform(0.0, 0.1 * interval)
        self._next_poll = time.monotonic() + (0.0 if immediately else interval + jitter)

    async def _poll_once(self) -> None:
        """One light health command; a claim arriving meanwhile waits for this one only."""
        driver = self._driver()
        try:
            if not driver.health.registered:
                # Lost network: is it the SIM (PIN lock after a SIM reset) or the network?
                if not await driver.sim_ready():
                    raise ModemTrouble("SIM no longer ready")
                await driver.refresh_registration()
                if driver.health.registered:
                    self._operator_due = True
            elif self._operator_due:
                await driver.refresh_operator()
                self._operator_due = False
            elif not driver.registration_urcs and self._registration_poll_due:
                # No +CREG reports from this modem: ask for registration and signal in
                # turn, one command per poll.
                await driver.refresh_registration()
                self._registration_poll_due = False
            else:
                await driver.refresh_signal()
                self._registration_poll_due = True
        except (PortClosed, PortUnavailable) as error:
            raise PortGone(str(error)) from error
        except (CommandTimeout, ModemFault) as error:
            raise ModemTrouble(f"health poll: {error}") from error
        self._note_healthy()
        self._schedule_poll(immediately=False)

    def _note_healthy(self) -> None:
        self.ladder = self.ladder.healthy(self.pool.clock())

    async def _handle_events(self) -> None:
        while self._events:
            event = self._events.popleft()
            await self._handle_event(event)

    async def _handle_event(self, event: ModemEvent) -> None:
        driver = self._driver()
        if isinstance(event, PortLost):
            raise PortGone(event.reason)
        if isinstance(event, LateSubmitReport):
            self.counters.late_reports += 1
            log.warning(
                "modem %s: +CMGS: %d arrived after its send was given up as unknown",
                self.imei,
                event.mr,
            )
            return
        if isinstance(event, HealthChanged):
            self._health_changed = False
            if driver.health.registered and self.state is ModemState.NO_NETWORK:
                self._operator_due = True
                self._schedule_poll(immediately=True)
            return
        if isinstance(event, SimChanged):
            raise ModemTrouble("the SIM changed state (reset or PIN lock)")
        if isinstance(event, MessageWaiting):
            try:
                inbound = await driver.read_stored(event.location)
            except (PortClosed, PortUnavailable) as error:
                raise PortGone(str(error)) from error
            except (CommandTimeout, ModemFault) as error:
                raise ModemTrouble(f"reading {event.location}: {error}") from error
            if inbound is not None:
                await self._store_inbound(inbound)
            return
        if isinstance(event, InboundPdu):
            await self._store_inbound(event)

    async def _drain_sim(self) -> None:
        driver = self._driver()
        try:
            stored = await driver.list_stored()
        except (PortClosed, PortUnavailable) as error:
            raise PortGone(str(error)) from error
        except (CommandTimeout, ModemFault) as error:
            raise ModemTrouble(f"listing stored messages: {error}") from error
        for inbound in stored:
            await self._store_inbound(inbound)

    async def _store_inbound(self, inbound: InboundPdu) -> None:
        """Commit a received PDU, then (only then) delete or acknowledge it."""
        decoded = decode_inbound(inbound)
        router = self.pool.inbound
        try:
            if isinstance(decoded, ReceivedSms):
                if await router.sms(self.imei, decoded):
                    self.counters.received += 1
            elif isinstance(decoded, ReceivedReport):
                self.counters.status_reports += 1
                if await router.report(self.imei, decoded) is ReportOutcome.DELIVERED:
                    self.counters.delivered += 1
            elif isinstance(decoded, Undecodable):
                log.warning(
                    "modem %s: undecodable PDU %s removed: %s",
                    self.imei,
                    decoded.pdu_hex,
                    decoded.reason,
                )
        except StoreUnavailable as error:
            # Not committed: leave it on the SIM (it is read again at the next start).
            log.warning("modem %s: inbound PDU kept on the modem: %s", self.imei, error)
            return
        try:
            await self._driver().acknowledge(inbound)
        except (PortClosed, PortUnavailable) as error:
            raise PortGone(str(error)) from error
        except (CommandTimeout, ModemFault) as error:
            raise ModemTrouble(f"deleting a stored message: {error}") from error

    # -- sending ------------------------------------------------------------------

    async def _send_hand(self) -> None:
        hand = self._hand
        assert hand is not None
        claim = hand.claim
        ref = claim.concat_ref
        if claim.total > 1 and ref is None:
            ref, self.refs = self.refs.allocate(claim.concat_ref_bits)
        done = 0
        pinned = claim.concat_ref is not None
        try:
            for part in claim.parts:
                if self._stopping or not self._serving_state().in_service:
                    break
                await self._handle_events()
                await self._wait_for_rate()
                if self._stopping or not await self._keep_lease(hand):
                    break
                go_on, submitted = await self._send_part(claim, part, ref)
                pinned = pinned or submitted
                done += 1
                if not go_on:
                    break
        finally:
            self._hand = None
            if done < len(claim.parts):
                await self._give_back_claim(claim, "modem stopped sending this message", pinned)
            self.idle_since = time.monotonic()
            if self.driver is not None and not self._stopping:
                self._set_state(self._serving_state())
                self._ask_for_work()

    async def _wait_for_rate(self) -> None:
        if self.budget is None:
            return
        while not self._stopping:
            now = self.pool.clock()
            wait = self.budget.next_part_at(now) - now
            if wait <= 0:
                return
            await self._sleep(wait)

    async def _keep_lease(self, hand: _Hand) -> bool:
        """Renew the claim's lease when less than half of it is left; False if it was lost."""
        now = self.pool.clock()
        lease = self.pool.config.storage.lease_seconds
        if hand.lease_until - now > lease / 2:
            return True
        try:
            renewed = await self.pool.store.renew_lease(
                hand.claim.message_id, self.imei, now=now, lease_seconds=lease
            )
        except StoreUnavailable:
            return True
        if renewed:
            hand.lease_until = now + lease
        else:
            log.warning("modem %s: lost the lease of %s", self.imei, hand.claim.message_id)
        return renewed

    def _validity(self, claim: Claim, now: float) -> int | None:
        minutes = claim.validity_minutes
        if claim.expires_at is not None:
            left = math.ceil((claim.expires_at - now) / 60.0)
            minutes = max(1, left if minutes is None else min(minutes, left))
        return minutes

    async def _send_part(
        self, claim: Claim, part: ClaimedPart, ref: int | None
    ) -> tuple[bool, bool]:
        """Send one part: (go on with the next part, the part was submitted)."""
        driver = self._driver()
        store = self.pool.store
        now = self.pool.clock()
        concat = None
        if claim.total > 1 and ref is not None:
            concat = Concat(ref, claim.total, part.seq, claim.concat_ref_bits)
        pdu = encode_submit(
            claim.to,
            text=part.text,
            encoding=claim.encoding,
            locking=claim.locking,
            single=claim.single,
            concat=concat,
            status_report=claim.status_report,
            flash=claim.flash,
            validity_minutes=self._validity(claim, now),
        )
        submitted = False

        async def before_submit() -> None:
            nonlocal submitted
            await store.mark_submitting(
                part.id,
                self.imei,
                now=self.pool.clock(),
                concat_ref=ref if claim.total > 1 else None,
                sim_id=self.identity.iccid if self.identity and self.identity.iccid else None,
            )
            submitted = True

        started = time.monotonic()
        try:
            outcome = await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=before_submit)
        except LeaseLost:
            log.info("modem %s: part %d was taken away before Ctrl-Z", self.imei, part.id)
            return False, False
        except StoreUnavailable as error:
            log.warning("modem %s: store unavailable before Ctrl-Z: %s", self.imei, error)
            return False, False
        finally:
            if self.budget is not None and submitted:
                self.budget = self.budget.started_part(self.pool.clock())
        now = self.pool.clock()
        if isinstance(outcome, Sent):
            self.counters.sent += 1
            self.pool.latency.observe(time.monotonic() - started)
            if self.budget is not None:
                self.budget = self.budget.used(1, now)
            await self._write(store.mark_sent(part.id, self.imei, mr=outcome.mr, now=now))
            self._note_healthy()
            return True, True
        if isinstance(outcome, Ambiguous):
            self.counters.ambiguous += 1
            if self.budget is not None:
                self.budget = self.budget.used(1, now)
            await self._write(store.mark_unknown(part.id, self.imei, error=outcome.reason, now=now))
            self._trouble(driver, f"send: {outcome.reason}")
        if isinstance(outcome, NotSent):
            if submitted:
                await self._requeue(part, outcome.reason, delay=0.0)
            if outcome.modem_fault:
                self._trouble(driver, f"send: {outcome.reason}")
            return False, submitted
        assert isinstance(outcome, Rejected)
        self.counters.rejected += 1
        self._note_healthy()
        kind = outcome.kind
        attempts = await self._attempts(claim, part) + 1
        decision = after_refusal(
            kind,
            reason=outcome.reason,
            attempts=attempts,
            max_attempts=self.pool.config.messages.max_attempts,
            code_limit=outcome.retry_limit,
            policy=self.pool.tuning.retry,
        )
        if isinstance(decision, GiveUp):
            self.counters.failed += 1
            await self._write(store.mark_failed(part.id, self.imei, error=decision.reason, now=now))
            return False, True
        assert isinstance(decision, Retry)
        await self._requeue(part, outcome.reason, delay=decision.delay)
        if kind is ErrorClass.MODEM_FAULT:
            self._trouble(driver, f"send refused with a modem fault: {outcome.reason}")
        return False, True

    def _trouble(self, driver: ModemDriver, reason: str) -> NoReturn:
        """Leave the send loop: offline if the port is gone, else up the recovery ladder."""
        if driver.closed:
            raise PortGone(reason)
        raise ModemTrouble(reason)

    async def _attempts(self, claim: Claim, part: ClaimedPart) -> int:
        """The part's earlier refusals. A claim does not carry them and ``requeue``
        tells them only once the part is back in the queue (too late to fail it), so
        this rare path reads the message."""
        try:
            message = await self.pool.store.get_message(claim.message_id)
        except StoreUnavailable:
            return 0
        if message is None:
            return 0
        for stored in message.parts:
            if stored.id == part.id:
                return stored.attempts
        return 0

    async def _requeue(self, part: ClaimedPart, reason: str, *, delay: float) -> None:
        now = self.pool.clock()
        self.counters.requeued += 1
        avoid = now + max(delay, self.pool.tuning.avoid_seconds)
        await self._write(
            self.pool.store.requeue(
                part.id,
                self.imei,
                now=now,
                error=reason,
                not_before=now + delay if delay > 0 else None,
                avoid_until=avoid,
            )
        )

    async def _write(self, operation: Awaitable[object]) -> None:
        """A store write after a send: retried while the store is unavailable."""
        try:
            await operation
        except LeaseLost as error:
            log.warning("modem %s: %s", self.imei, error)
        except StoreUnavailable as error:
            log.error("modem %s: store unavailable, state not recorded: %s", self.imei, error)

    async def _give_back(self, reason: str) -> None:
        hand, self._hand = self._hand, None
        if hand is not None:
            await self._give_back_claim(hand.claim, reason, hand.claim.concat_ref is not None)

    async def _give_back_claim(self, claim: Claim, reason: str, pinned: bool) -> None:
        try:
            released = await self.pool.store.release(
                claim.message_id, self.imei, now=self.pool.clock()
            )
        except StoreError as error:
            log.warning("modem %s: could not release %s: %s", self.imei, claim.message_id, error)
            return
        if released:
            log.info(
                "modem %s: %d part(s) of %s back to the queue (%s)",
                self.imei,
                released,
                claim.message_id,
                reason,
            )
            if pinned:
                self.pool.released_pinned(claim.message_id, self)

    # -- recovery -----------------------------------------------------------------

    async def _recover(self, reason: str) -> bool:
        """Climb the ladder until the modem serves again; False when it went offline."""
        log.warning("modem %s: recovering: %s", self.imei, reason)
        await self._give_back(reason)
        self.counters.recoveries += 1
        self.ladder, attempt = self.ladder.fault(self.pool.clock())
        while not self._stopping:
            step = attempt.step
            if step is RecoveryStep.QUARANTINE:
                self.counters.quarantines += 1
                self._set_state(ModemState.QUARANTINED, reason)
                log.warning(
                    "modem %s: quarantined for %.0f s (%s)",
                    self.imei,
                    attempt.at - self.pool.clock(),
                    reason,
                )
                await self._sleep(attempt.at - self.pool.clock())
                self.ladder, attempt = self.ladder.step_failed(self.pool.clock())
                continue
            self._set_state(ModemState.RECOVERING, reason)
            log.warning("modem %s: recovery step %s", self.imei, step.value)
            try:
                await self._run_step(step)
                up = await self._bring_up()
            except ModemTrouble as trouble:
                reason = str(trouble)
                log.warning("modem %s: %s did not help: %s", self.imei, step.value, reason)
                self.ladder, attempt = self.ladder.step_failed(self.pool.clock())
                continue
            self.ladder = self.ladder.recovered(self.pool.clock())
            if up:
                log.info("modem %s: back in service after %s", self.imei, step.value)
            return up
        return False

    async def _run_step(self, step: RecoveryStep) -> None:
        driver = self._driver()
        try:
            if step is RecoveryStep.PROBE:
                self.counters.probes += 1
                if not await driver.probe():
                    raise ModemTrouble("no answer to AT")
            elif step is RecoveryStep.REOPEN:
                self.counters.reopens += 1
                await driver.reopen()
            elif step is RecoveryStep.RESET:
                self.counters.resets += 1
                await driver.reset()
        except (PortUnavailable, PortClosed) as error:
            raise PortGone(str(error)) from error
        except ModemError as error:
            raise ModemTrouble(str(error)) from error
