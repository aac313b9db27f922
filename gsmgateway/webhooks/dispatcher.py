"""The webhook dispatcher: delivers the store's outbox events to the configured endpoints.

One task on the event loop. It fetches due events from the store (which leases them and
never hands out an event while an earlier one of the same message and endpoint is
unfinished, so delivery is in order per message), POSTs each signed, and acknowledges
it in the store only after a 2xx. A failure is retried at the ``RetryPolicy``'s back-off
until the event is older than the endpoint's ``max_age_hours``, then given up (logged).

Rules that hold:
- Never lost on restart: an event stays in the outbox until acknowledged or given up.
  The store keeps a lease apart from the retry back-off, so at start the dispatcher
  releases the leases of the process before it (one dispatcher per database, as one
  pool): what it had in flight is sent at once, not when its lease would have ended.
- At least once: an acknowledgement lost on the way (or a crash between the 2xx and the
  store's ack, or an event in flight at a crash) means the event comes again with the
  same ``delivery_id``.
- Nothing here blocks: the HTTP posts and the store calls are awaited, and a store
  that cannot write only pauses the dispatcher.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import aiohttp

from gsmgateway.config import WebhookConfig
from gsmgateway.store.errors import StoreError
from gsmgateway.store.interface import EndpointSubscription, OutboxEvent, Store
from gsmgateway.webhooks.payload import event_body
from gsmgateway.webhooks.schedule import RetryPolicy
from gsmgateway.webhooks.sender import DeliveryResult, post_event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Endpoint:
    """One configured receiver: where, how it is signed, how long to keep trying."""

    name: str
    url: str
    secret: str
    timeout: float
    policy: RetryPolicy

    @classmethod
    def from_config(cls, hook: WebhookConfig, policy: RetryPolicy | None = None) -> Endpoint:
        """The endpoint of a ``[[webhook]]`` table (the policy's max_age from the table)."""
        base = policy or RetryPolicy()
        return cls(
            name=hook.endpoint,
            url=hook.url,
            secret=hook.secret,
            timeout=hook.timeout_seconds,
            policy=RetryPolicy(
                first_delay=base.first_delay,
                max_delay=base.max_delay,
                max_age=hook.max_age_hours * 3600,
                jitter=base.jitter,
            ),
        )


def subscriptions(hooks: Sequence[WebhookConfig]) -> tuple[EndpointSubscription, ...]:
    """What the store queues events for: each ``[[webhook]]`` by name with its events."""
    return tuple(EndpointSubscription(hook.endpoint, frozenset(hook.events)) for hook in hooks)


class WebhookDispatcher:
    """Delivers outbox events until cancelled; ``run`` is its task."""

    def __init__(
        self,
        store: Store,
        endpoints: Sequence[Endpoint],
        *,
        clock: Callable[[], float] = time.time,
        random_unit: Callable[[], float] = random.random,
        poll_seconds: float = 1.0,
        batch_size: int = 100,
        concurrency: int = 16,
    ) -> None:
        self._store = store
        self._endpoints = {endpoint.name: endpoint for endpoint in endpoints}
        self._clock = clock
        self._random = random_unit
        self._poll = poll_seconds
        self._batch = batch_size
        self._slots = asyncio.Semaphore(concurrency)
        # Longer than any one attempt, so an event is never posted twice at once.
        self._lease = max((e.timeout for e in endpoints), default=10.0) + 30.0
        self._stats: collections.Counter[tuple[str, str]] = collections.Counter()
        self._wake = asyncio.Event()

    def stats(self) -> Mapping[tuple[str, str], int]:
        """Attempts since start by (endpoint, result): acknowledged, failed, given_up."""
        return dict(self._stats)

    def wake(self) -> None:
        """Look for due events now instead of at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver forever (cancel the task to stop; an event in flight stays leased until
        the next start releases it)."""
        await self._release_leases()
        async with aiohttp.ClientSession() as session:
            while True:
                self._wake.clear()
                try:
                    events = await self._store.fetch_due_events(
                        now=self._clock(), limit=self._batch, lease_seconds=self._lease
                    )
                except StoreError as error:
                    log.warning("webhooks paused: the store cannot hand out events: %s", error)
                    await self._sleep(self._poll * 5)
                    continue
                if events:
                    await asyncio.gather(*(self._deliver(session, event) for event in events))
                    continue
                await self._sleep(self._poll)

    async def _release_leases(self) -> None:
        try:
            released = await self._store.release_event_leases(now=self._clock())
        except StoreError as error:
            log.warning("webhook leases of the last run not released (they expire): %s", error)
            return
        if released:
            log.warning(
                "webhooks: %d events in flight when the gateway last stopped are due again"
                " (a receiver may see them twice, same delivery_id)",
                released,
            )

    async def _sleep(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        except TimeoutError:
            pass

    async def _deliver(self, session: aiohttp.ClientSession, event: OutboxEvent) -> None:
        endpoint = self._endpoints.get(event.endpoint)
        try:
            if endpoint is None:
                log.warning(
                    "webhook event %d for %r given up: no such endpoint in the config",
                    event.id,
                    event.endpoint,
                )
                await self._store.give_up_event(
                    event.id, now=self._clock(), reason="endpoint no longer configured"
                )
                return
            async with self._slots:
                result = await post_event(
                    session,
                    endpoint.url,
                    endpoint.secret,
                    event_body(event),
                    event=event.event,
                    delivery_id=str(event.id),
                    timeout=endpoint.timeout,
                )
            await self._settle(endpoint, event, result)
        except StoreError as error:
            # The event stays leased and comes back when the lease ends: never lost.
            log.warning("webhook event %d not settled in the store: %s", event.id, error)

    async def _settle(self, endpoint: Endpoint, event: OutboxEvent, result: DeliveryResult) -> None:
        now = self._clock()
        if result.acknowledged:
            self._stats[endpoint.name, "acknowledged"] += 1
            await self._store.ack_event(event.id, now=now)
            return
        error = result.error or "not acknowledged"
        delay = endpoint.policy.next_delay(
            event.attempts + 1, now - event.created_at, self._random()
        )
        if delay is None:
            self._stats[endpoint.name, "given_up"] += 1
            log.error(
                "webhook %s: event %d (%s of %s) given up after %d attempts: %s",
                endpoint.name,
                event.id,
                event.event,
                event.subject,
                event.attempts + 1,
                error,
            )
            await self._store.give_up_event(event.id, now=now, reason=error)
            return
        self._stats[endpoint.name, "failed"] += 1
        log.info(
            "webhook %s: event %d failed (%s), retry in %.1f s",
            endpoint.name,
            event.id,
            error,
            delay,
        )
        await self._store.retry_event(event.id, now=now, next_attempt_at=now + delay, error=error)
