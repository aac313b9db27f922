"""The pool: every modem of the gateway, found on its ports, kept busy with the queue.

``Pool(config, store)`` is what ``gsmgateway serve`` runs: ``await pool.start()`` finds
the modems (config ports and globs, plus ``extra_ports`` such as simulated ones) and
starts sending; ``pool.modems()`` is the status ``GET /v1/modems`` shows; ``pool.ready``
says whether at least one modem is in service; ``await pool.stop(grace)`` lets each part
in ``AT+CMGS`` finish, gives back every claim not yet submitted, and closes the ports.

Tasks, all on the caller's event loop:
- discovery: scans ports every ``scan_interval_seconds``, probes new ones (a few at a
  time, each giving up within seconds if nothing modem-like answers) and attaches each
  modem to its ``ModemWorker`` by IMEI;
- the dispatcher: offers claims to idle modems in service, the longest idle first, when
  the store signals new work, when a modem becomes idle, at the next ``send_at`` or
  back-off, and every ``claim_fallback_seconds`` in any case;
- housekeeping: expired leases back to the queue, validity expiry, incomplete inbound
  sets into partial messages, and messages pinned to a modem that stays away unpinned;
- one task per attached modem (``pool/worker.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo

from gsmgateway.config import Config
from gsmgateway.modem.driver import DriverSettings, ModemDriver
from gsmgateway.modem.errors import ModemError, PortUnavailable
from gsmgateway.pool.discovery import PortTracker, scan_ports
from gsmgateway.pool.inbound import InboundRouter
from gsmgateway.pool.metrics import LatencyHistogram
from gsmgateway.pool.quotas import SendBudget, SendLimits, day_start, month_start
from gsmgateway.pool.recovery import RecoveryPolicy
from gsmgateway.pool.routing import routes_served
from gsmgateway.pool.scheduling import Candidate, RetryPolicy, claim_order, next_wakeup
from gsmgateway.pool.status import ModemSnapshot, ModemState
from gsmgateway.pool.waiting import wait_event
from gsmgateway.pool.worker import ModemWorker
from gsmgateway.store.errors import StoreError
from gsmgateway.store.interface import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoolTuning:
    """Timings of the pool that are not in the config file (tests shorten them)."""

    recovery: RecoveryPolicy = field(default_factory=RecoveryPolicy)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # Offer claims at least this often even without a signal (other processes on the
    # same database, clock-driven eligibility the store cannot signal).
    claim_fallback_seconds: float = 5.0
    housekeeping_seconds: float = 30.0
    # How often a modem without network (or with a locked SIM) is looked at again.
    no_network_poll_seconds: float = 15.0
    # After a temporary refusal a modem leaves that part to others for this long.
    avoid_seconds: float = 60.0
    # A message pinned to a modem that has been away this long may go out elsewhere.
    unpin_after_seconds: float = 600.0
    # Inbound concatenated sets still incomplete after this become partial messages.
    reassembly_timeout_seconds: float = 3600.0
    probe_timeout_seconds: float = 1.0
    probe_attempts: int = 3
    probe_concurrency: int = 8
    # A port that did not answer like a modem is probed again after this.
    not_a_modem_retry_seconds: float = 60.0
    # Seconds between an AT+CFUN=1,1 and the modem answering again, at most.
    reset_wait_seconds: float = 30.0
    # Inbound SMS routed to the gateway (+CMT, acknowledged with AT+CNMA after the
    # commit) instead of stored on the SIM (+CMTI, deleted after the commit).
    route_inbound: bool = False


class Pool:
    """Every modem of the gateway and the scheduling of the queue over them."""

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        extra_ports: Sequence[str] = (),
        tuning: PoolTuning | None = None,
        tz: tzinfo | None = None,
        seed: int | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.tuning = tuning or PoolTuning()
        self.tz = tz
        self.latency = LatencyHistogram()
        self.inbound = InboundRouter(store, clock, timeout=self.tuning.reassembly_timeout_seconds)
        self._extra_ports = list(extra_ports)
        self._rng = random.Random(seed)
        self._workers: dict[str, ModemWorker] = {}
        self._tracker = PortTracker(retry_seconds=self.tuning.not_a_modem_retry_seconds)
        self._probing: set[str] = set()
        self._probe_slots = asyncio.Semaphore(self.tuning.probe_concurrency)
        self._tasks: list[asyncio.Task[None]] = []
        self._probe_tasks: set[asyncio.Task[None]] = set()
        self._dispatch_wake = asyncio.Event()
        self._scan_wake = asyncio.Event()
        self._full_pass = True
        self._idle_pending: set[str] = set()
        self._pinned_released: dict[str, tuple[str, float]] = {}
        self._running = False
        self._stopping = False
        self._changed = asyncio.Event()

    # -- the public face --------------------------------------------------------------

    async def start(self, *, recover_store: bool = True) -> None:
        """Recover the store's half-done work (unless told not to), then find and serve."""
        if self._running:
            return
        self._running = True
        if recover_store:
            report = await self.store.recover_at_start(
                now=self.clock(), resend_unknown=self.config.storage.resend_unknown
            )
            if report.released or report.unknown or report.requeued:
                log.warning(
                    "store recovery: %d claims released, %d parts unknown, %d re-queued",
                    report.released,
                    report.unknown,
                    report.requeued,
                )
        restored = await self.inbound.restore()
        if restored:
            log.info("%d inbound parts waiting for the rest of their message", restored)
        self._tasks = [
            asyncio.create_task(self._dispatch_loop(), name="pool dispatcher"),
            asyncio.create_task(self._discovery_loop(), name="pool discovery"),
            asyncio.create_task(self._store_signal_loop(), name="pool store signal"),
            asyncio.create_task(self._housekeeping_loop(), name="pool housekeeping"),
        ]

    async def stop(self, grace: float = 8.0) -> None:
        """Stop: parts in AT+CMGS finish (up to ``grace`` seconds), the rest go back."""
        if not self._running or self._stopping:
            return
        self._stopping = True
        # The dispatcher finishes the claim it may be making (a claim cancelled half-way
        # would stay claimed until its lease ends); the other loops are cancelled.
        self._dispatch_wake.set()
        dispatcher, *others = self._tasks  # the dispatcher is started first
        for task in [*others, *self._probe_tasks]:
            task.cancel()
        _done, pending = await asyncio.wait([dispatcher], timeout=max(grace / 2, 1.0))
        for task in pending:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._probe_tasks, return_exceptions=True)
        workers = list(self._workers.values())
        for worker in workers:
            worker.begin_stop()
        stopping = [asyncio.ensure_future(worker.wait_stopped()) for worker in workers]
        if stopping:
            _done, late = await asyncio.wait(stopping, timeout=grace)
            for future in late:
                future.cancel()
        for worker in workers:
            await worker.kill()
        self._running = False

    def modems(self) -> list[ModemSnapshot]:
        """A snapshot of every modem seen since start, by IMEI."""
        return [self._workers[imei].snapshot() for imei in sorted(self._workers)]

    def modem(self, imei: str) -> ModemSnapshot | None:
        """One modem's snapshot, or None."""
        worker = self._workers.get(imei)
        return worker.snapshot() if worker else None

    @property
    def ready(self) -> bool:
        """True when at least one modem is in service (the readiness of /healthz)."""
        return any(worker.in_service for worker in self._workers.values())

    def add_ports(self, paths: Iterable[str]) -> None:
        """Probe these ports too (from now on, like configured ones)."""
        for path in paths:
            if path not in self._extra_ports:
                self._extra_ports.append(path)
        self._scan_wake.set()

    async def wait_until(
        self, predicate: Callable[[list[ModemSnapshot]], bool], timeout: float
    ) -> list[ModemSnapshot]:
        """Wait until ``predicate(self.modems())`` holds; TimeoutError after ``timeout``."""
        async with asyncio.timeout(timeout):
            while True:
                self._changed.clear()
                snapshots = self.modems()
                if predicate(snapshots):
                    return snapshots
                await self._changed.wait()

    # -- what workers call --------------------------------------------------------------

    def modem_changed(self, worker: ModemWorker) -> None:
        """A modem changed state: routing fallbacks may change, waiters look again."""
        self._changed.set()
        self._full_pass = True
        self._dispatch_wake.set()

    def modem_idle(self, worker: ModemWorker) -> None:
        """A modem holds no claim any more: offer it one at once."""
        self._idle_pending.add(worker.imei)
        self._dispatch_wake.set()

    def port_released(self, path: str) -> None:
        """A modem let go of its port (port lost or closed): probe it again if it is there."""
        self._tracker.released(path)
        self._scan_wake.set()

    def released_pinned(self, message_id: str, worker: ModemWorker) -> None:
        """Parts of a message pinned to ``worker`` went back to the queue."""
        deadline = time.monotonic() + self.tuning.unpin_after_seconds
        self._pinned_released[message_id] = (worker.imei, deadline)

    async def seed_budget(self, worker: ModemWorker, limits: SendLimits) -> SendBudget:
        """A modem's send budget, seeded with what the store says it sent today and this month."""
        now = self.clock()
        if limits.unlimited:
            return SendBudget.start(limits, now, tz=self.tz)
        iccid = worker.identity.iccid if worker.identity else ""
        who = {"sim": iccid} if iccid else {"modem": worker.imei}
        today = await self.store.segments_sent(since=day_start(now, self.tz), **who)
        month = await self.store.segments_sent(since=month_start(now, self.tz), **who)
        return SendBudget.start(limits, now, used_today=today, used_this_month=month, tz=self.tz)

    # -- discovery ----------------------------------------------------------------------

    def driver_settings(self) -> DriverSettings:
        """The driver's settings from the config and tuning."""
        modems = self.config.modems
        return DriverSettings(
            baudrate=modems.baudrate,
            command_timeout=modems.command_timeout_seconds,
            send_timeout=modems.send_timeout_seconds,
            probe_timeout=self.tuning.probe_timeout_seconds,
            probe_attempts=self.tuning.probe_attempts,
            reset_wait=self.tuning.reset_wait_seconds,
            route_inbound=self.tuning.route_inbound,
        )

    async def _discovery_loop(self) -> None:
        while True:
            self._scan_wake.clear()
            ports = [*self.config.modems.ports, *self._extra_ports]
            present = scan_ports(ports, self.config.modems.globs)
            in_use = {w.port for w in self._workers.values() if w.attached and w.port}
            result = self._tracker.scan(present, self.clock())
            for path in result.gone:
                log.info("port %s is gone", path)
            for path in result.probe:
                if path in in_use:
                    self._tracker.attached(path)
                    continue
                if path in self._probing:
                    continue
                self._probing.add(path)
                task = asyncio.create_task(self._probe(path), name=f"probe {path}")
                self._probe_tasks.add(task)
                task.add_done_callback(self._probe_tasks.discard)
            await wait_event(self._scan_wake, self.config.modems.scan_interval_seconds)

    async def _probe(self, path: str) -> None:
        try:
            async with self._probe_slots:
                await self._probe_port(path)
        finally:
            self._probing.discard(path)

    async def _probe_port(self, path: str) -> None:
        try:
            driver = await ModemDriver.open(path, self.driver_settings())
        except PortUnavailable as error:
            log.info("port %s: %s", path, error)
            self._tracker.not_a_modem(path, self.clock())
            return
        try:
            imei = await driver.identify()
        except ModemError as error:
            log.info("port %s: not a modem (%s)", path, error)
            await driver.close()
            self._tracker.not_a_modem(path, self.clock())
            return
        except asyncio.CancelledError:
            await driver.close()
            raise
        if self._stopping:
            await driver.close()
            return
        worker = self._workers.get(imei)
        if worker is not None and worker.attached:
            # Many dongles offer AT on several interfaces: one port per modem is enough.
            log.info("port %s: modem %s is already served on %s", path, imei, worker.port)
            await driver.close()
            self._tracker.not_a_modem(path, self.clock())
            return
        if worker is None:
            worker = ModemWorker(self, imei, rng=self._rng)
            self._workers[imei] = worker
            log.info("modem %s found on %s", imei, path)
        else:
            log.info("modem %s is back, on %s", imei, path)
        self._tracker.attached(path)
        worker.attach(driver)
        self._changed.set()

    # -- dispatching ----------------------------------------------------------------------

    async def _store_signal_loop(self) -> None:
        signal = self.store.work_signal()
        try:
            while True:
                if await signal.wait(None):
                    signal.clear()
                    self._full_pass = True
                    self._dispatch_wake.set()
        finally:
            signal.close()

    def _candidates(self, imeis: Iterable[str]) -> list[Candidate]:
        now = self.clock()
        out = []
        for imei in imeis:
            worker = self._workers.get(imei)
            if worker is not None and worker.idle:
                out.append(
                    Candidate(imei, worker.idle_since, worker.ready_at(now), worker.in_service)
                )
        return out

    async def _dispatch_loop(self) -> None:
        lease = self.config.storage.lease_seconds
        fallback = self.tuning.claim_fallback_seconds
        next_full = time.monotonic()
        while not self._stopping:
            self._dispatch_wake.clear()
            if time.monotonic() >= next_full:
                self._full_pass = True
            if self._full_pass:
                self._full_pass = False
                self._idle_pending.clear()
                offered = list(self._workers)
                next_full = time.monotonic() + fallback
            else:
                offered = list(self._idle_pending)
                self._idle_pending.clear()
            serving = [w.serving for w in self._workers.values() if w.in_service]
            left_idle = []
            handed: set[str] = set()
            for imei in claim_order(self._candidates(offered), self.clock()):
                worker = self._workers[imei]
                if not worker.idle or self._stopping:
                    continue
                now = self.clock()
                routes = routes_served(worker.serving, serving, self.config.route)
                try:
                    claim = await self.store.claim(
                        imei,
                        routes,
                        now=now,
                        lease_seconds=lease,
                        max_segments=worker.allowance(now),
                    )
                except StoreError as error:
                    log.warning("claim for modem %s failed: %s", imei, error)
                    claim = None
                if claim is None:
                    left_idle.append(worker)
                elif worker.idle and not self._stopping:
                    worker.offer(claim)
                    handed.add(imei)
                else:
                    with contextlib.suppress(StoreError):
                        await self.store.release(claim.message_id, imei, now=self.clock())
                # Yield between claims: a modem just handed a part writes its AT+CMGS, and
                # the bytes of the others are read, while this pass goes on.
                await asyncio.sleep(0)
            for imei in offered:
                worker = self._workers.get(imei)
                if worker is not None and imei not in handed:
                    worker.considered()
            timeout = max(next_full - time.monotonic(), 0.0)
            all_idle = self._candidates(self._workers)
            wake_at = next_wakeup(all_idle, self.clock())
            if wake_at is not None:
                timeout = min(timeout, wake_at - self.clock())
            if left_idle:
                timeout = min(timeout, await self._next_eligible_in(left_idle, serving))
            if self._dispatch_wake.is_set():
                continue
            if not await wait_event(self._dispatch_wake, max(timeout, 0.001)):
                self._full_pass = True

    async def _next_eligible_in(self, workers: list[ModemWorker], serving: list) -> float:
        routes: set[str] = set()
        for worker in workers:
            routes.update(routes_served(worker.serving, serving, self.config.route))
        try:
            at = await self.store.next_eligible_at(sorted(routes), now=self.clock())
        except StoreError:
            return self.tuning.claim_fallback_seconds
        if at is None:
            return self.tuning.claim_fallback_seconds
        return max(at - self.clock(), 0.0)

    # -- housekeeping ---------------------------------------------------------------------

    async def _housekeeping_loop(self) -> None:
        while True:
            await asyncio.sleep(self.tuning.housekeeping_seconds)
            try:
                await self.housekeeping()
            except StoreError as error:
                log.warning("housekeeping: %s", error)

    async def housekeeping(self) -> None:
        """One round: leases, validity, inbound sets, pinned messages of absent modems."""
        now = self.clock()
        reclaimed = await self.store.reclaim_expired_leases(now=now)
        if reclaimed:
            log.warning("%d parts whose lease expired are queued again", reclaimed)
        await self.store.expire_due(now=now)
        partial = await self.inbound.expire(now)
        if partial:
            log.info("%d incomplete inbound messages stored as partial", partial)
        mono = time.monotonic()
        for message_id, (imei, deadline) in list(self._pinned_released.items()):
            worker = self._workers.get(imei)
            if worker is not None and worker.in_service:
                del self._pinned_released[message_id]
            elif mono >= deadline:
                del self._pinned_released[message_id]
                if await self.store.unpin(message_id, now=now):
                    log.warning(
                        "message %s: modem %s stayed away; its remaining parts may go "
                        "through another modem",
                        message_id,
                        imei,
                    )

    # -- lookups for tests and the service ------------------------------------------------

    def worker(self, imei: str) -> ModemWorker | None:
        """The live worker of a modem (tests and diagnostics)."""
        return self._workers.get(imei)

    def in_service(self) -> list[str]:
        """IMEIs of the modems in service."""
        return sorted(imei for imei, worker in self._workers.items() if worker.in_service)

    def states(self) -> dict[str, ModemState]:
        """Every modem's state by IMEI."""
        return {imei: worker.state for imei, worker in self._workers.items()}
