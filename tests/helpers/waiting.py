"""Waiting on a condition with a timeout (never a fixed sleep standing in for the condition)."""

import asyncio
import time


async def wait_for(predicate, timeout=20.0, what="condition", interval=0.02):
    """Await ``predicate()`` (sync or async), every ``interval`` s, until truthy; its value.
    Fails after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(interval)
