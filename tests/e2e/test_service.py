"""``serve`` wired in process (fake pool): start, key created once, API up, clean stop."""

from __future__ import annotations

import asyncio
import io
import re
import socket

import aiohttp

from gsmgateway.api import NoModems
from gsmgateway.service import ServeOptions, banner, resolve_settings, serve


class FakeRunningPool(NoModems):
    def __init__(self):
        self.started = False
        self.stopped_with = None

    async def start(self):
        self.started = True

    async def stop(self, grace):
        self.stopped_with = grace


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_for_line(out, pattern, timeout=20.0):
    async with asyncio.timeout(timeout):
        while not re.search(pattern, out.getvalue(), re.M):
            await asyncio.sleep(0.02)
    return re.search(pattern, out.getvalue(), re.M)


async def run_serve(tmp_path, environ, port):
    out, stop, pool = io.StringIO(), asyncio.Event(), FakeRunningPool()
    options = ServeOptions(listen=f"127.0.0.1:{port}", db=str(tmp_path / "gw.db"))
    task = asyncio.create_task(
        serve(options, environ=environ, out=out, pool_factory=lambda *a: pool, stop=stop)
    )
    return task, out, stop, pool


async def test_first_start_creates_a_key_prints_it_once_and_serves(tmp_path):
    port = free_port()
    task, out, stop, pool = await run_serve(tmp_path, {}, port)
    key = (await wait_for_line(out, r"API key \(shown this once.*\): (\S+)$")).group(1)
    assert pool.started
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        auth = {"Authorization": f"Bearer {key}"}
        async with session.post(
            f"{url}/v1/messages", json={"to": "+447911123456", "text": "hi"}, headers=auth
        ) as response:
            assert response.status == 202
            message_id = (await response.json())["id"]
        async with session.get(f"{url}/healthz") as response:
            assert response.status == 503  # no modem in service
    stop.set()
    assert await asyncio.wait_for(task, 15) == 0
    assert pool.stopped_with is not None

    # Second start on the same database: the key is stored (hashed), not printed again,
    # and the message is still there.
    task, out, stop, pool = await run_serve(tmp_path, {}, port)
    await wait_for_line(out, r"API keys from the config")
    assert key not in out.getvalue()
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{url}/v1/messages/{message_id}", headers=auth) as response,
    ):
        assert response.status == 200
        assert (await response.json())["status"] == "queued"
    stop.set()
    assert await asyncio.wait_for(task, 15) == 0


async def test_environment_key_is_accepted_and_no_key_is_created(tmp_path):
    port = free_port()
    task, out, stop, _pool = await run_serve(
        tmp_path, {"GSMGATEWAY_API_KEY": "env-key-123456"}, port
    )
    await wait_for_line(out, r"serving")
    assert "shown this once" not in out.getvalue()
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"http://127.0.0.1:{port}/v1/modems", headers={"Authorization": "Bearer env-key-123456"}
        ) as response,
    ):
        assert response.status == 200
    stop.set()
    assert await asyncio.wait_for(task, 15) == 0


def test_banner_gives_a_curl_command_with_the_key(tmp_path):
    from gsmgateway.api import KeySetup

    settings = resolve_settings(ServeOptions(db=str(tmp_path / "x.db"), simulate=2))
    text = banner(settings, KeySetup(None, created="K3y"), {}, ["+447400100000", "+447400100001"])
    assert "http://127.0.0.1:8080" in text and "K3y" in text
    assert "curl -sS -H 'Authorization: Bearer K3y'" in text
    assert '"to": "+447400100001"' in text


async def test_a_start_that_cannot_listen_creates_no_key(tmp_path):
    from gsmgateway.service import ServeError
    from gsmgateway.store.sqlite import SqliteStore

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        task, _out, _stop, _pool = await run_serve(tmp_path, {}, port)
        try:
            await asyncio.wait_for(task, 15)
        except ServeError as error:
            assert "cannot listen" in str(error)
        else:
            raise AssertionError("serve started on a busy port")
    store = await SqliteStore.open(tmp_path / "gw.db")
    try:
        assert await store.api_key_hashes() == ()
    finally:
        await store.close()
