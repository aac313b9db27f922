"""The dispatcher against a real receiver on loopback: signed, in order per message,
retried with back-off, given up past the endpoint's age, never lost on restart."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiohttp import web

from gsmgateway.store import EndpointSubscription
from gsmgateway.store.memory import MemoryStore
from gsmgateway.store.sqlite import SqliteStore
from gsmgateway.webhooks import Endpoint, RetryPolicy, WebhookDispatcher, verify
from tests.helpers.store_values import new_message

SECRET = "s3cret-s3cret-s3cret"
IMEI = "352099000000006"
FAST = RetryPolicy(first_delay=0.05, max_delay=0.2, max_age=3600, jitter=0)


class Receiver:
    """A webhook receiver answering each POST with the next status of ``script``."""

    def __init__(self, script=()):
        self.script = list(script)
        self.seen = []
        self.arrived = asyncio.Event()
        self.hold = None

    async def handle(self, request):
        body = await request.read()
        self.seen.append((body, dict(request.headers)))
        self.arrived.set()
        if self.hold is not None:
            await self.hold.wait()
        status = self.script.pop(0) if self.script else 200
        return web.Response(status=status)

    def bodies(self):
        return [json.loads(body) for body, _headers in self.seen]


@pytest.fixture
async def receiver(aiohttp_server):
    async def make(script=()):
        hook = Receiver(script)
        app = web.Application()
        app.router.add_post("/hook", hook.handle)
        server = await aiohttp_server(app, host="127.0.0.1")
        hook.url = str(server.make_url("/hook"))
        return hook

    return make


async def sent_then_delivered(store, now=None):
    now = now or time.time()
    (message_id,) = (await store.enqueue([new_message(created_at=now)])).ids
    claim = await store.claim(IMEI, ["default"], now=now, lease_seconds=60)
    part = claim.parts[0].id
    await store.mark_submitting(part, IMEI, now=now, concat_ref=None)
    await store.mark_sent(part, IMEI, mr=7, now=now)
    await store.apply_status_report(IMEI, 7, "delivered", now=now)
    return message_id


async def until(predicate, timeout=15.0):
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


def running(dispatcher):
    return asyncio.create_task(dispatcher.run())


async def stop(task):
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_events_arrive_signed_in_order_and_are_acknowledged(receiver):
    hook = await receiver()
    store = MemoryStore(endpoints=[EndpointSubscription("app")])
    message_id = await sent_then_delivered(store)
    dispatcher = WebhookDispatcher(
        store, [Endpoint("app", hook.url, SECRET, 5, FAST)], poll_seconds=0.05
    )
    task = running(dispatcher)
    try:
        await until(lambda: len(hook.seen) == 2)
        await until(lambda: dispatcher.stats().get(("app", "acknowledged")) == 2)
    finally:
        await stop(task)
    first, second = hook.bodies()
    assert (first["event"], first["id"], first["status"]) == ("message.status", message_id, "sent")
    assert (second["status"], second["previous_status"]) == ("delivered", "sent")
    assert first["at"].endswith("Z") and first["to"] == "+491701234567"
    for body, headers in hook.seen:
        assert verify(SECRET, body, headers["X-Gsmgateway-Signature"])
        assert headers["X-Gsmgateway-Event"] == "message.status"
        assert headers["X-Gsmgateway-Delivery"] == str(json.loads(body)["delivery_id"])
    assert (await store.metrics()).outbox_pending == 0


async def test_failures_are_retried_and_later_events_wait_for_earlier_ones(receiver):
    hook = await receiver([500, 503])
    store = MemoryStore(endpoints=[EndpointSubscription("app")])
    await sent_then_delivered(store)
    dispatcher = WebhookDispatcher(
        store, [Endpoint("app", hook.url, SECRET, 5, FAST)], poll_seconds=0.05
    )
    task = running(dispatcher)
    try:
        await until(lambda: dispatcher.stats().get(("app", "acknowledged")) == 2)
    finally:
        await stop(task)
    statuses = [body["status"] for body in hook.bodies()]
    assert statuses == ["sent", "sent", "sent", "delivered"]
    assert dispatcher.stats()["app", "failed"] == 2


async def test_an_event_older_than_max_age_is_given_up(receiver):
    hook = await receiver([500] * 100)
    store = MemoryStore(endpoints=[EndpointSubscription("app")])
    await sent_then_delivered(store, now=time.time() - 10)
    short = RetryPolicy(first_delay=0.05, max_delay=0.05, max_age=10.02, jitter=0)
    dispatcher = WebhookDispatcher(
        store, [Endpoint("app", hook.url, SECRET, 5, short)], poll_seconds=0.05
    )
    task = running(dispatcher)
    try:
        await until(lambda: dispatcher.stats().get(("app", "given_up")) == 2)
    finally:
        await stop(task)
    assert (await store.metrics()).outbox_pending == 0


async def test_unreachable_endpoint_is_retried_not_lost(receiver):
    store = MemoryStore(endpoints=[EndpointSubscription("app")])
    await sent_then_delivered(store)
    dead = Endpoint("app", "http://127.0.0.1:9/hook", SECRET, 1, FAST)
    dispatcher = WebhookDispatcher(store, [dead], poll_seconds=0.05)
    task = running(dispatcher)
    try:
        await until(lambda: dispatcher.stats().get(("app", "failed"), 0) >= 2)
    finally:
        await stop(task)
    assert (await store.metrics()).outbox_pending == 2


async def test_an_event_in_flight_at_a_crash_is_delivered_after_restart(receiver, tmp_path):
    hook = await receiver()
    hook.hold = asyncio.Event()
    path = tmp_path / "gateway.db"
    subscription = [EndpointSubscription("app")]
    store = await SqliteStore.open(path, endpoints=subscription)
    await sent_then_delivered(store)
    endpoint = Endpoint("app", hook.url, SECRET, 5, FAST)
    task = running(WebhookDispatcher(store, [endpoint], poll_seconds=0.05))
    await asyncio.wait_for(hook.arrived.wait(), 15)
    await stop(task)  # the process dies with the POST unanswered
    await store.close()
    hook.hold.set()
    hook.seen.clear()

    store = await SqliteStore.open(path, endpoints=subscription)
    dispatcher = WebhookDispatcher(store, [endpoint], poll_seconds=0.05)
    task = running(dispatcher)
    try:
        # At once: the dead process's lease (35 s) is released, not waited out.
        await until(lambda: dispatcher.stats().get(("app", "acknowledged")) == 2, timeout=15)
    finally:
        await stop(task)
        await store.close()
    assert [body["status"] for body in hook.bodies()] == ["sent", "delivered"]


async def test_events_of_a_removed_endpoint_are_given_up(receiver):
    store = MemoryStore(endpoints=[EndpointSubscription("old")])
    await sent_then_delivered(store)
    task = running(WebhookDispatcher(store, [], poll_seconds=0.05))
    try:
        async with asyncio.timeout(15):
            while (await store.metrics()).outbox_pending:
                await asyncio.sleep(0.02)
    finally:
        await stop(task)
