"""Wake-ups for the pool: per-subscriber events set after commits that queue work.

Runs on the event loop thread only (backends call ``notify`` from a loop callback).
"""

from __future__ import annotations

import asyncio


class _Subscription:
    """One subscriber's flag (see ``interface.WorkSignal``)."""

    def __init__(self, owner: WorkNotifier) -> None:
        self._owner = owner
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    def clear(self) -> None:
        """Forget earlier signals."""
        self._event.clear()

    async def wait(self, timeout: float | None) -> bool:
        """True when signalled, False when ``timeout`` seconds passed first."""
        if self._event.is_set():
            return True
        try:
            async with asyncio.timeout(timeout):
                await self._event.wait()
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        """Stop receiving signals."""
        self._owner.unsubscribe(self)


class WorkNotifier:
    """Holds the subscriptions of one store and sets them all on ``notify``."""

    def __init__(self) -> None:
        self._subscriptions: set[_Subscription] = set()

    def subscribe(self) -> _Subscription:
        """A new subscription, initially set (so a first claim is tried at once)."""
        subscription = _Subscription(self)
        subscription.set()
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: _Subscription) -> None:
        """Drop one subscription."""
        self._subscriptions.discard(subscription)

    def notify(self) -> None:
        """Wake every subscriber."""
        for subscription in self._subscriptions:
            subscription.set()
