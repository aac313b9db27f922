"""An aiohttp app served on 127.0.0.1 from its own thread and loop, for sync clients
(hypothesis tests with http.client, the schemathesis CLI in a subprocess)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

from aiohttp import web


class LiveServer:
    """``with LiveServer(make_app) as server: server.url``; ``make_app`` runs on the
    server's loop (so the store and app belong to it) and may return (app, cleanup)."""

    def __init__(self, make_app: Callable[[], Awaitable[tuple[web.Application, Callable]]]):
        self._make_app = make_app
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self._cleanup: Callable | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, coroutine, timeout=30.0):
        """Run a coroutine on the server's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _start(self):
        app, self._cleanup = await self._make_app()
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def _stop(self):
        await self._runner.cleanup()
        if self._cleanup is not None:
            await self._cleanup()

    def __enter__(self) -> LiveServer:
        self._thread.start()
        self.run(self._start())
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.run(self._stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()
