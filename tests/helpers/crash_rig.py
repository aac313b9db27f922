"""The rig of the crash tests: ``gsmgateway sim`` and ``gsmgateway serve`` as real
processes (each ended by its own PID), the sim's JSON-lines log read as it grows, and a
webhook receiver on loopback that records every POST with its signature checked.

Everything waits on a condition with a timeout; nothing here sleeps in place of one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.helpers.waiting import wait_for


def _python_env(**extra):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **extra}
    env.pop("NOTIFY_SOCKET", None)
    return env


async def _end(process, out, *, signum, timeout):
    """Signal ``process`` (by its PID) and reap it; SIGKILL if it outlives ``timeout``."""
    try:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signum)
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
    finally:
        out.close()
    return process.returncode


class SimProcess:
    """``gsmgateway sim --count N --dir D --log L --control 127.0.0.1:0`` in its own process."""

    def __init__(self, process, out, directory, log_path, output_path, count):
        self.process = process
        self._out = out
        self.directory = directory
        self.log_path = log_path
        self.output_path = output_path
        self.ports = [str(directory / f"modem{k}") for k in range(count)]
        self.numbers: list[str] = []
        self.control_url = ""

    @classmethod
    async def start(cls, workdir: Path, count: int, timeout: float = 30.0) -> SimProcess:
        directory, log_path = workdir / "sim", workdir / "sim.jsonl"
        output_path = workdir / "sim.out"
        out = open(output_path, "w")  # noqa: SIM115 - closed by stop()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gsmgateway", "sim", "--count", str(count),
            "--dir", str(directory), "--log", str(log_path), "--control", "127.0.0.1:0",
            stdout=out, stderr=asyncio.subprocess.STDOUT, env=_python_env(),
        )  # fmt: skip
        sim = cls(process, out, directory, log_path, output_path, count)
        try:
            found = await wait_for(sim._banner, timeout, "the simulator's banner")
        except BaseException:
            await sim.stop()
            raise
        sim.control_url, sim.numbers = found
        return sim

    def output(self) -> str:
        return self.output_path.read_text(errors="replace")

    def _banner(self):
        if self.process.returncode is not None:
            raise AssertionError(f"gsmgateway sim exited:\n{self.output()}")
        text = self.output()
        control = re.search(r"^control API on (http://\S+)$", text, re.M)
        numbers = re.findall(r"number (\+\d+)", text)
        if control and len(numbers) == len(self.ports) and all(map(os.path.exists, self.ports)):
            return control.group(1), numbers
        return None

    async def control(self, session, path, body):
        async with session.post(self.control_url + path, json=body) as response:
            assert response.status == 200, await response.text()

    async def stop(self) -> int | None:
        """SIGTERM (the simulator removes its ptys and links), SIGKILL after 10 s."""
        return await _end(self.process, self._out, signum=signal.SIGTERM, timeout=10.0)


@dataclass
class Incarnation:
    """One ``gsmgateway serve`` process of a run: when it started and how it ended."""

    number: int
    started: float  # wall clock, like the gateway's own timestamps
    output_path: Path
    ready_at: float | None = None  # when /healthz first showed every modem in service
    killed_at: float | None = None


class GatewayProcess:
    """``gsmgateway serve --config C --db DB --listen 127.0.0.1:PORT`` in its own process."""

    def __init__(self, process, out, incarnation: Incarnation, url: str):
        self.process = process
        self._out = out
        self.incarnation = incarnation
        self.url = url

    @classmethod
    async def start(
        cls, workdir: Path, config: Path, port: int, key: str, number: int
    ) -> GatewayProcess:
        output_path = workdir / f"serve-{number:02d}.out"
        out = open(output_path, "w")  # noqa: SIM115 - closed by kill() or terminate()
        incarnation = Incarnation(number, time.time(), output_path)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gsmgateway", "serve", "--config", str(config),
            "--db", str(workdir / "gateway.db"), "--listen", f"127.0.0.1:{port}",
            stdout=out, stderr=asyncio.subprocess.STDOUT,
            env=_python_env(GSMGATEWAY_API_KEY=key),
        )  # fmt: skip
        return cls(process, out, incarnation, f"http://127.0.0.1:{port}")

    def output(self) -> str:
        return self.incarnation.output_path.read_text(errors="replace")

    def check_alive(self) -> None:
        if self.process.returncode is not None:
            raise AssertionError(
                f"gateway {self.incarnation.number} exited by itself "
                f"({self.process.returncode}):\n{self.output()[-4000:]}"
            )

    async def wait_ready(self, session, modems: int, timeout: float = 60.0) -> None:
        """Until /healthz says ``modems`` modems are in service."""

        async def ready():
            self.check_alive()
            try:
                async with session.get(self.url + "/healthz") as response:
                    health = await response.json()
            except (aiohttp.ClientError, TimeoutError, ValueError):
                return False
            return health["modems"]["in_service"] >= modems

        await wait_for(ready, timeout, f"gateway {self.incarnation.number} to be ready")
        if self.incarnation.ready_at is None:
            self.incarnation.ready_at = time.time()

    async def kill(self) -> None:
        """SIGKILL, by PID: no shutdown code runs."""
        self.check_alive()
        self.incarnation.killed_at = time.time()
        await _end(self.process, self._out, signum=signal.SIGKILL, timeout=10.0)

    async def terminate(self, timeout: float = 15.0) -> int | None:
        """SIGTERM: the clean stop; SIGKILL if it takes longer than ``timeout``."""
        return await _end(self.process, self._out, signum=signal.SIGTERM, timeout=timeout)


class SimLog:
    """The simulator's log (one JSON object a line), read incrementally as it grows."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: list[dict] = []
        self._offset = 0
        self._rest = b""

    def read(self) -> list[dict]:
        """Entries appended since the last call (only whole lines)."""
        try:
            with open(self.path, "rb") as log:
                log.seek(self._offset)
                chunk = log.read()
        except FileNotFoundError:
            return []
        self._offset += len(chunk)
        *lines, self._rest = (self._rest + chunk).split(b"\n")
        new = [json.loads(line) for line in lines if line.strip()]
        self.entries.extend(new)
        return new


@dataclass
class HookReceiver:
    """A webhook endpoint on 127.0.0.1 answering 204; every POST kept with its check.
    While ``hold`` is given and not set, a POST is kept (then answered): one in flight."""

    secret: str
    hold: asyncio.Event | None = None
    events: list[dict] = field(default_factory=list)
    bad_signatures: list[bytes] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    def genuine(self, body: bytes, header: str | None) -> bool:
        """The README's check, independent of the gateway's own signing code."""
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, header or "")

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not self.genuine(body, request.headers.get("X-Gsmgateway-Signature")):
            self.bad_signatures.append(body)
        else:
            self.events.append(json.loads(body))
        if self.hold is not None:
            await self.hold.wait()
        return web.Response(status=204)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/events", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/events"

    async def stop(self) -> None:
        if self.hold is not None:
            self.hold.set()
        if self._runner is not None:
            await self._runner.cleanup()
