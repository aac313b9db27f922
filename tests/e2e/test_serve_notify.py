"""``serve`` and systemd: READY=1 once serving, WATCHDOG=1 from the event loop (so a
blocked loop stops them), STOPPING=1 on shutdown, read from a real NOTIFY_SOCKET."""

from __future__ import annotations

import asyncio
import io
import itertools
import socket
import threading
import time

from gsmgateway.service import ServeOptions, serve
from tests.e2e.test_service import FakeRunningPool, free_port


class NotifySocket:
    """A datagram socket standing in for systemd's; records (time, message)."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.messages = []
        self._running = True
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        while self._running:
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            self.messages.append((time.monotonic(), data.decode()))

    def times_of(self, assignment):
        return [at for at, text in list(self.messages) if assignment in text.split("\n")]

    def close(self):
        self._running = False
        self._thread.join(5)
        self.sock.close()


async def until(predicate, timeout=20.0):
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def test_ready_watchdog_and_stopping_reach_the_service_manager(tmp_path):
    notify = NotifySocket(tmp_path / "notify.sock")
    environ = {"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"}
    stop, out = asyncio.Event(), io.StringIO()
    options = ServeOptions(listen=f"127.0.0.1:{free_port()}", db=str(tmp_path / "gw.db"))
    task = asyncio.create_task(
        serve(
            options, environ=environ, out=out, pool_factory=lambda *a: FakeRunningPool(), stop=stop
        )
    )
    try:
        await until(lambda: notify.times_of("READY=1"))
        assert "serving" in out.getvalue()  # READY only once the listener is up
        await until(lambda: len(notify.times_of("WATCHDOG=1")) >= 4)
        pings = notify.times_of("WATCHDOG=1")
        gaps = [b - a for a, b in itertools.pairwise(pings)]
        assert max(gaps) < 1.5  # every 0.2 s (half of WATCHDOG_USEC), generously

        # A blocked event loop sends no pings: that is what lets systemd kill it.
        asyncio.get_running_loop().call_soon(time.sleep, 3.0)
        await asyncio.sleep(0)
        before = len(notify.times_of("WATCHDOG=1"))
        await until(lambda: len(notify.times_of("WATCHDOG=1")) >= before + 2)
        pings = notify.times_of("WATCHDOG=1")
        assert max(b - a for a, b in itertools.pairwise(pings)) >= 2.8

        stop.set()
        assert await asyncio.wait_for(task, 15) == 0
        await until(lambda: notify.times_of("STOPPING=1"))
        assert notify.times_of("STOPPING=1")[0] > notify.times_of("READY=1")[0]
    finally:
        stop.set()
        notify.close()
