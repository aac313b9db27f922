"""The gateway end to end, in process: ``serve``'s wiring with the real pool driving
simulated modems on ptys, a webhook receiver on loopback.

POST -> queued -> sent -> delivered (status report) -> signed ``message.status``
webhooks in order; an inbound concatenated SMS arriving out of order -> GET /v1/inbox
and a ``message.received`` webhook.
"""

from __future__ import annotations

import asyncio
import io
import json
import re

import aiohttp
import pytest
from aiohttp import web

from gsmgateway.pool.pool import Pool
from gsmgateway.service import ServeOptions, serve
from gsmgateway.sim import SimNetwork
from gsmgateway.webhooks import verify
from tests.e2e.test_service import free_port

KEY = "e2e-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
SECRET = "webhook-secret-0123456789"
OUTSIDE = "+447911123456"  # not a simulated modem: goes to the network's sink


class Receiver:
    def __init__(self):
        self.events = []
        self.changed = asyncio.Event()

    async def handle(self, request):
        body = await request.read()
        self.events.append((json.loads(body), body, dict(request.headers)))
        self.changed.set()
        return web.Response(status=204)

    async def wait_for(self, predicate, timeout=30.0):
        async with asyncio.timeout(timeout):
            while True:
                self.changed.clear()
                found = [event for event, _body, _headers in self.events if predicate(event)]
                if found:
                    return found
                await self.changed.wait()


@pytest.fixture
async def gateway(tmp_path, aiohttp_server):
    receiver = Receiver()
    hook_app = web.Application()
    hook_app.router.add_post("/events", receiver.handle)
    hook_server = await aiohttp_server(hook_app, host="127.0.0.1")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[webhook]]\nurl = "{hook_server.make_url("/events")}"\nsecret = "{SECRET}"\n'
    )
    port = free_port()
    out, stop = io.StringIO(), asyncio.Event()
    async with SimNetwork.start(2, tmp_path / "sim") as network:
        options = ServeOptions(
            config_path=str(config), listen=f"127.0.0.1:{port}", db=str(tmp_path / "gw.db")
        )
        task = asyncio.create_task(
            serve(
                options,
                environ={"GSMGATEWAY_API_KEY": KEY},
                out=out,
                pool_factory=lambda config, store, _ports: Pool(
                    config, store, extra_ports=network.ports
                ),
                stop=stop,
            )
        )
        url = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            async with asyncio.timeout(60):
                while True:  # ready: listening and both modems in service
                    if task.done():
                        task.result()
                    try:
                        async with session.get(f"{url}/healthz") as response:
                            health = await response.json()
                            if health["modems"]["in_service"] == 2:
                                break
                    except aiohttp.ClientConnectionError:
                        pass
                    await asyncio.sleep(0.1)
            try:
                yield url, session, network, receiver
            finally:
                stop.set()
                assert await asyncio.wait_for(task, 15) == 0


async def wait_for_status(session, url, message_id, status, timeout=30.0):
    async with asyncio.timeout(timeout):
        while True:
            async with session.get(f"{url}/v1/messages/{message_id}", headers=AUTH) as response:
                message = await response.json()
            if message["status"] == status:
                return message
            await asyncio.sleep(0.1)


async def test_message_is_sent_delivered_and_reported_by_signed_webhooks(gateway):
    url, session, network, receiver = gateway
    text = "Your code is 123456. " * 10  # two GSM 7-bit segments
    body = {"to": OUTSIDE, "text": text, "status_report": True}
    async with session.post(f"{url}/v1/messages", json=body, headers=AUTH) as response:
        assert response.status == 202
        accepted = await response.json()
    assert (accepted["status"], accepted["segments"]) == ("queued", 2)

    message = await wait_for_status(session, url, accepted["id"], "delivered")
    assert [part["state"] for part in message["parts"]] == ["delivered", "delivered"]
    assert all(part["mr"] is not None and part["sent_at"] for part in message["parts"])
    states = [(entry["seq"], entry["to"]) for entry in message["history"]]
    for seq in (1, 2):
        mine = [state for s, state in states if s == seq]
        assert mine == ["queued", "claimed", "submitting", "sent", "delivered"]

    events = await receiver.wait_for(
        lambda e: e["id"] == accepted["id"] and e["status"] == "delivered"
    )
    assert events
    mine = [(e, b, h) for e, b, h in receiver.events if e.get("id") == accepted["id"]]
    assert [e["status"] for e, _b, _h in mine] == ["sent", "delivered"]
    for event, raw, headers in mine:
        assert headers["X-Gsmgateway-Event"] == "message.status"
        assert verify(SECRET, raw, headers["X-Gsmgateway-Signature"])
        assert event["to"] == OUTSIDE and re.fullmatch(r"\d{4}-.*Z", event["at"])

    logged = [entry for entry in network.log.entries if entry["to"] == OUTSIDE]
    assert "".join(entry["text"] for entry in logged) == text


async def test_inbound_concatenated_sms_out_of_order_reaches_inbox_and_webhook(gateway):
    url, session, network, receiver = gateway
    text = "".join(f"Part {n} of a long reply from a phone. " for n in range(1, 12))
    pdus = network.inject_sms(1, text=text, sender="+447700900123", order=[3, 1, 2])
    assert len(pdus) == 3

    (event,) = await receiver.wait_for(lambda e: e["event"] == "message.received")
    assert (event["from"], event["text"], event["parts"], event["partial"]) == (
        "+447700900123",
        text,
        3,
        False,
    )
    assert event["modem"] == network.modems[1].identity.imei
    async with session.get(f"{url}/v1/inbox", headers=AUTH) as response:
        inbox = await response.json()
    (received,) = inbox["messages"]
    assert (received["id"], received["text"], received["partial"]) == (event["id"], text, False)
