"""Waiting on an asyncio event with a timeout, without losing a cancellation.

``asyncio.wait_for`` on Python 3.11 can swallow a cancellation that arrives as the
awaited event fires (CPython gh-86296), which would keep a cancelled loop running
forever; ``asyncio.timeout`` does not.
"""

from __future__ import annotations

import asyncio


async def wait_event(event: asyncio.Event, timeout: float | None) -> bool:
    """True when ``event`` is set within ``timeout`` seconds (None: no limit), else False."""
    if event.is_set():
        return True
    try:
        async with asyncio.timeout(None if timeout is None else max(timeout, 0.0)):
            await event.wait()
    except TimeoutError:
        return False
    return True
