"""Helpers of the modem and pool tests: fast configs and tuning, messages, waiting on the store.

Everything real: simulated modems on ptys (``gsmgateway.sim``), the real driver and
pool, a real store (MemoryStore or SqliteStore). Only the timings are short.
"""

import contextlib
import time

from gsmgateway.config import Config, MessagesConfig, ModemConfig, ModemsConfig, RouteConfig
from gsmgateway.pool.pool import Pool, PoolTuning
from gsmgateway.pool.recovery import RecoveryPolicy
from gsmgateway.pool.scheduling import RetryPolicy
from gsmgateway.sms.dcs import Encoding
from gsmgateway.store.interface import NewMessage, Priority
from gsmgateway.store.states import PartState
from tests.helpers.waiting import wait_for

FAST_TUNING = PoolTuning(
    recovery=RecoveryPolicy(base=0.3, factor=2.0, maximum=1.0, healthy_after=30.0),
    retry=RetryPolicy(base=0.05, factor=2.0, maximum=0.2),
    claim_fallback_seconds=0.5,
    housekeeping_seconds=0.2,
    no_network_poll_seconds=0.2,
    avoid_seconds=1.0,
    unpin_after_seconds=1.0,
    reassembly_timeout_seconds=60.0,
    probe_timeout_seconds=0.4,
    probe_attempts=2,
    not_a_modem_retry_seconds=1.0,
    reset_wait_seconds=2.0,
)

FINISHED = frozenset(
    {
        PartState.SENT,
        PartState.DELIVERED,
        PartState.FAILED,
        PartState.UNKNOWN,
        PartState.CANCELLED,
        PartState.EXPIRED,
    }
)


def fast_config(
    ports=(),
    *,
    globs=(),
    modems=(),
    routes=(),
    pin="",
    max_attempts=3,
    command_timeout=1.0,
    send_timeout=2.0,
    poll_interval=5.0,
):
    """A Config for tests: short timeouts, quick scans."""
    return Config(
        modems=ModemsConfig(
            ports=tuple(ports),
            globs=tuple(globs),
            pin=pin,
            scan_interval_seconds=0.2,
            command_timeout_seconds=command_timeout,
            send_timeout_seconds=send_timeout,
            poll_interval_seconds=poll_interval,
        ),
        modem=tuple(modems),
        route=tuple(routes),
        messages=MessagesConfig(max_attempts=max_attempts),
    )


def modem_entry(imei, **settings):
    """A [[modem]] entry."""
    return ModemConfig(imei=imei, **settings)


def route(group, *, prefix="", region="", fallback=""):
    """A [[route]] entry."""
    return RouteConfig(group=group, prefix=prefix, region=region, fallback=fallback)


def message(to, *segments, route="default", priority=Priority.NORMAL, status_report=True, **kw):
    """A NewMessage of GSM 7-bit segments (each at most 153 characters when there are several)."""
    if not segments:
        segments = ("hello",)
    return NewMessage(
        to=to,
        text="".join(segments),
        segments=tuple(segments),
        created_at=kw.pop("created_at", time.time()),
        encoding=Encoding.GSM7,
        priority=priority,
        route=route,
        status_report=status_report,
        **kw,
    )


async def enqueue(store, *messages):
    """Queue messages; their ids."""
    result = await store.enqueue(list(messages))
    return list(result.ids)


async def wait_parts(store, message_id, states=FINISHED, timeout=20.0):
    """Wait until every part of the message is in one of ``states``; the message."""

    async def done():
        found = await store.get_message(message_id)
        if found is not None and all(part.state in states for part in found.parts):
            return found
        return None

    return await wait_for(
        done, timeout, f"parts of {message_id} in {sorted(s.value for s in states)}"
    )


async def wait_state(pool, imei, *states, timeout=20.0):
    """Wait until modem ``imei`` is in one of ``states``; its snapshot."""

    def check():
        snap = pool.modem(imei)
        return snap if snap is not None and snap.state in states else None

    return await wait_for(check, timeout, f"modem {imei} in {[s.value for s in states]}")


@contextlib.asynccontextmanager
async def running_pool(config, store, *, tuning=FAST_TUNING, extra_ports=(), **kw):
    """A started Pool; stopped (and checked to stop in time) after the block."""
    pool = Pool(config, store, tuning=tuning, extra_ports=extra_ports, **kw)
    await pool.start()
    try:
        yield pool
    finally:
        await pool.stop(grace=3.0)


def sim_log_entries(network, *, to=None):
    """The sim log's submissions (successful ones), optionally to one number."""
    entries = [e for e in network.log.entries if e.get("error") is None]
    if to is not None:
        entries = [e for e in entries if e["to"] == to]
    return entries
