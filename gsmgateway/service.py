"""``gsmgateway serve``: config, store, pool, API, webhooks, simulated modems, systemd.

Wiring only. Start order: config -> store (migrations) -> API keys -> simulated modems
(``--simulate N``, on ptys the pool opens like any serial port) -> pool (store recovery,
then discovery) -> HTTP site, webhook dispatcher (first releasing the outbox leases of
the last run) and retention pruning -> ``READY=1``.

Stop (SIGTERM, SIGINT), within ``STOP_BUDGET_SECONDS``: ``STOPPING=1``; the listener
closes and requests in flight finish; the pool lets a part in ``AT+CMGS`` finish and
gives the other claims back; the store's queued writes are flushed and it is closed;
the simulated modems are unplugged. A database left by a SIGKILL needs nothing
special: the store's recovery at start deals with half-done sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shlex
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from aiohttp import web

from gsmgateway.api import (
    ApiMetrics,
    ApiSettings,
    KeySetup,
    PoolView,
    create_app,
    create_key_if_none,
    resolve_api_keys,
)
from gsmgateway.config import Config, load_config, parse_listen
from gsmgateway.interpreter_tuning import tune_for_serving
from gsmgateway.sdnotify import SystemdNotifier
from gsmgateway.store.interface import Store
from gsmgateway.webhooks import Endpoint, WebhookDispatcher, subscriptions

log = logging.getLogger(__name__)

STOP_BUDGET_SECONDS = 10.0
POOL_GRACE_SECONDS = 5.0  # of the budget: a part in AT+CMGS may finish
HTTP_GRACE_SECONDS = 1.5  # requests in flight when the listener closes
PRUNE_EVERY_SECONDS = 3600.0


class ServeError(Exception):
    """The gateway cannot start: a port in use, a database it cannot open, ..."""


class RunningPool(PoolView, Protocol):
    """What ``serve`` drives of the pool beyond what the API reads."""

    async def start(self) -> None:
        """Recover the store's half-done work, find the modems and start sending."""
        ...

    async def stop(self, grace: float) -> None:
        """Let parts in AT+CMGS finish (up to ``grace`` s), give back the rest, close."""
        ...


PoolFactory = Callable[[Config, Store, Sequence[str]], RunningPool]


@dataclass(frozen=True)
class ServeOptions:
    """The command line of ``gsmgateway serve``."""

    config_path: str | None = None
    listen: str | None = None
    db: str | None = None
    simulate: int | None = None
    sim_log: str | None = None


@dataclass(frozen=True)
class Settings:
    """What ``serve`` runs with: the config, and the command line's overrides applied."""

    config: Config
    host: str
    port: int
    database: Path
    simulate: int
    sim_log: str | None


def resolve_settings(options: ServeOptions) -> Settings:
    """Read the config (or the built-in defaults) and apply the options; ValueError or
    ConfigError with a precise message when something is wrong."""
    config = load_config(options.config_path) if options.config_path else Config()
    host, port = parse_listen(options.listen or config.server.listen)
    if options.simulate is not None and not 0 <= options.simulate <= 64:
        raise ValueError(f"--simulate: 0 to 64 modems, not {options.simulate}")
    database = Path(options.db) if options.db else config.database_path()
    return Settings(config, host, port, database, options.simulate or 0, options.sim_log)


def default_pool(config: Config, store: Store, ports: Sequence[str]) -> RunningPool:
    """The real pool, with the simulated modems' ports added to the configured ones."""
    from gsmgateway.pool.pool import Pool

    return Pool(config, store, extra_ports=ports)


async def prune_forever(
    store: Store, retention_days: float, *, clock: Callable[[], float] = time.time
) -> None:
    """Delete finished messages older than the retention, hourly, in small transactions."""
    while True:
        try:
            removed = await store.prune(before=clock() - retention_days * 86400)
            if removed:
                log.info(
                    "retention: %d finished messages older than %g days removed",
                    removed,
                    retention_days,
                )
        except Exception as error:
            # The loop's top: a failed pass (store busy, disk trouble) is retried next hour.
            log.warning("retention pruning failed, retried in an hour: %s", error)
        await asyncio.sleep(PRUNE_EVERY_SECONDS)


def banner(
    settings: Settings, keys: KeySetup, environ: Mapping[str, str], numbers: Sequence[str]
) -> str:
    """What ``serve`` prints once it serves: where, which key, and a command to try."""
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    url = f"http://{host}:{settings.port}"
    lines = [f"gsmgateway: serving {url} (database {settings.database})"]
    if numbers:
        lines.append(f"gsmgateway: {len(numbers)} simulated modems, numbers {', '.join(numbers)}")
    shown = keys.created
    if keys.created:
        lines.append(
            f"gsmgateway: API key (shown this once; only its hash is stored): {keys.created}"
        )
    elif keys.from_environment and settings.simulate:
        shown = environ.get("GSMGATEWAY_API_KEY", "").strip()
        lines.append(f"gsmgateway: API key (from GSMGATEWAY_API_KEY): {shown}")
    else:
        lines.append("gsmgateway: API keys from the config, GSMGATEWAY_API_KEY or the database")
    to = numbers[1] if len(numbers) > 1 else (numbers[0] if numbers else "+447911123456")
    body = json.dumps({"to": to, "text": "Hello from gsmgateway"})
    key = shown or "$GSMGATEWAY_API_KEY"
    auth = (
        shlex.quote(f"Authorization: Bearer {key}") if shown else f'"Authorization: Bearer {key}"'
    )
    lines.append("gsmgateway: try")
    lines.append(
        f"  curl -sS -H {auth} -H 'Content-Type: application/json' "
        f"-d {shlex.quote(body)} {url}/v1/messages"
    )
    lines.append(f"  curl -sS -H {auth} {url}/v1/messages/ID   # its status")
    return "\n".join(lines)


async def serve(
    options: ServeOptions,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    pool_factory: PoolFactory = default_pool,
    stop: asyncio.Event | None = None,
) -> int:
    """Run the gateway until SIGTERM/SIGINT (or ``stop`` is set); the exit status."""
    environ = os.environ if environ is None else environ
    out = out or sys.stdout
    settings = resolve_settings(options)
    config = settings.config
    notifier = SystemdNotifier.from_environment(environ)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(notifier.close)
        store = await _open_store(settings)
        stack.push_async_callback(_bounded, store.close(), 2.0, "closing the store")
        keys = await resolve_api_keys(
            config.api.key_hashes, environ, store, now=time.time(), create=False
        )
        network = await _start_simulation(settings, stack)
        ports = network.ports if network is not None else []
        pool = pool_factory(config, store, ports)
        await pool.start()
        stack.push_async_callback(
            _bounded, pool.stop(POOL_GRACE_SECONDS), POOL_GRACE_SECONDS + 0.5, "stopping the pool"
        )
        # Without endpoints only events left from an earlier config can wait (to be given
        # up): look rarely.
        dispatcher = WebhookDispatcher(
            store,
            [Endpoint.from_config(hook) for hook in config.webhook],
            poll_seconds=1.0 if config.webhook else 30.0,
        )
        app = create_app(
            store,
            keys.keys,
            pool=pool,
            settings=ApiSettings.from_config(config),
            metrics=ApiMetrics(pool, dispatcher.stats),
            background=[
                dispatcher.run,
                lambda: prune_forever(store, config.storage.retention_days),
            ],
        )
        runner = web.AppRunner(
            app, shutdown_timeout=HTTP_GRACE_SECONDS, access_log=None, handle_signals=False
        )
        await runner.setup()
        stack.push_async_callback(
            _bounded, runner.cleanup(), HTTP_GRACE_SECONDS + 0.5, "closing the HTTP listener"
        )
        try:
            await web.TCPSite(runner, settings.host, settings.port, reuse_address=True).start()
        except OSError as error:
            raise ServeError(
                f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}"
            ) from None
        keys = await create_key_if_none(keys, store, now=time.time())
        numbers = [modem.identity.number for modem in network.modems] if network is not None else []
        print(banner(settings, keys, environ, numbers), file=out, flush=True)
        tune_for_serving()
        notifier.ready(f"serving {settings.host}:{settings.port}")
        watchdog = notifier.start_watchdog()
        if watchdog is not None:
            stack.callback(watchdog.cancel)
        await stop.wait()
        log.info("stopping")
        notifier.stopping("stopping: finishing sends, flushing the store")
    return 0


async def _open_store(settings: Settings) -> Store:
    from gsmgateway.store.errors import StoreError
    from gsmgateway.store.sqlite import SqliteStore

    path = settings.database
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return await SqliteStore.open(path, endpoints=subscriptions(settings.config.webhook))
    except (OSError, StoreError) as error:
        raise ServeError(f"cannot open the database {path}: {error}") from None


async def _start_simulation(settings: Settings, stack: contextlib.AsyncExitStack) -> Any:
    if not settings.simulate:
        return None
    from gsmgateway.sim import SimNetwork

    return await stack.enter_async_context(
        SimNetwork.start(settings.simulate, log_path=settings.sim_log, profile="generic")
    )


async def _bounded(awaitable: Any, seconds: float, what: str) -> None:
    try:
        async with asyncio.timeout(seconds):
            await awaitable
    except TimeoutError:
        log.error("%s took longer than %.0f s; going on with the shutdown", what, seconds)
