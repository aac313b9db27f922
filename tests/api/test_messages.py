"""POST /v1/messages, GET and DELETE /v1/messages/{id}, GET /v1/messages: the contract."""

from __future__ import annotations

import asyncio

import pytest

from gsmgateway.api import API_KEY, ApiSettings
from gsmgateway.api.validation import NumberPolicy
from gsmgateway.store import MessageStatus, PartState
from tests.api.conftest import AUTH, SETTINGS

UK = "+447911123456"


async def post(client, body, headers=None, path="/v1/messages"):
    response = await client.post(path, json=body, headers={**AUTH, **(headers or {})})
    return response.status, await response.json()


async def test_accepted_message_is_durably_queued_and_readable(client):
    status, body = await post(client, {"to": "07911 123456", "text": "hello"})
    assert status == 202
    assert body == {"id": body["id"], "status": "queued", "encoding": "gsm7", "segments": 1}
    stored = await client.store.get_message(body["id"])
    assert stored.to == UK and stored.status is MessageStatus.QUEUED

    response = await client.get(f"/v1/messages/{body['id']}", headers=AUTH)
    view = await response.json()
    assert response.status == 200
    assert (view["id"], view["status"], view["to"], view["text"]) == (
        body["id"],
        "queued",
        UK,
        "hello",
    )
    assert view["created_at"] == "2023-11-14T22:13:20.000Z"
    assert [(p["seq"], p["state"]) for p in view["parts"]] == [(1, "queued")]
    assert view["history"][0] == {
        "seq": 1,
        "from": None,
        "to": "queued",
        "at": "2023-11-14T22:13:20.000Z",
        "modem": None,
        "detail": None,
    }


async def test_options_reach_the_store(client, clock):
    status, body = await post(
        client,
        {
            "to": UK,
            "text": "x" * 200,
            "priority": "high",
            "send_at": "2030-01-01T10:00:00Z",
            "status_report": False,
            "flash": True,
            "validity_minutes": 60,
            "encoding": "ucs2",
            "modem": "352099000000006",
        },
    )
    assert status == 202 and body["encoding"] == "ucs2" and body["segments"] == 3
    stored = await client.store.get_message(body["id"])
    assert stored.priority.value == "high" and stored.route == "modem:352099000000006"
    assert stored.send_at == 1893492000.0
    assert stored.expires_at == 1893492000.0 + 3600
    assert (stored.status_report, stored.flash, stored.validity_minutes) == (False, True, 60)


async def test_config_defaults_apply_when_fields_are_absent(make_client):
    settings = ApiSettings(
        policy=NumberPolicy("GB"), status_report=False, validity_minutes=30, max_segments=3
    )
    client = await make_client(settings)
    _status, body = await post(client, {"to": UK, "text": "hi"})
    stored = await client.store.get_message(body["id"])
    assert stored.status_report is False and stored.validity_minutes == 30


async def test_same_idempotency_key_and_body_gives_the_first_answer(client):
    headers = {"Idempotency-Key": "order-42"}
    first = await client.post(
        "/v1/messages", json={"to": UK, "text": "hi"}, headers={**AUTH, **headers}
    )
    again = await client.post(
        "/v1/messages",
        data=b'{ "text": "hi",  "to": "+447911123456" }',
        headers={**AUTH, **headers, "Content-Type": "application/json"},
    )
    assert (first.status, again.status) == (202, 202)
    assert await first.json() == await again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    page = await client.store.list_messages()
    assert len(page.messages) == 1


async def test_same_idempotency_key_with_another_body_is_409(client):
    headers = {"Idempotency-Key": "order-43"}
    assert (await post(client, {"to": UK, "text": "hi"}, headers))[0] == 202
    status, body = await post(client, {"to": UK, "text": "changed"}, headers)
    assert status == 409 and body["error"]["code"] == "idempotency_conflict"
    assert len((await client.store.list_messages()).messages) == 1


async def test_overlong_idempotency_key_is_400(client):
    status, body = await post(client, {"to": UK, "text": "hi"}, {"Idempotency-Key": "k" * 256})
    assert status == 400 and body["error"]["field"] == "Idempotency-Key"


async def test_cancel_a_queued_message(client):
    _status, body = await post(client, {"to": UK, "text": "hi"})
    response = await client.delete(f"/v1/messages/{body['id']}", headers=AUTH)
    view = await response.json()
    assert response.status == 200 and view["status"] == "cancelled"
    assert view["parts"][0]["state"] == "cancelled"
    again = await client.delete(f"/v1/messages/{body['id']}", headers=AUTH)
    assert again.status == 200


async def test_cancel_after_a_part_was_submitted_is_409(client, clock):
    _status, body = await post(client, {"to": UK, "text": "hi"})
    store = client.store
    claim = await store.claim("352099000000006", ["default"], now=clock.now, lease_seconds=60)
    await store.mark_submitting(
        claim.parts[0].id, "352099000000006", now=clock.now, concat_ref=None
    )
    response = await client.delete(f"/v1/messages/{body['id']}", headers=AUTH)
    error = (await response.json())["error"]
    assert response.status == 409 and error["code"] == "not_cancellable"
    message = await store.get_message(body["id"])
    assert message.parts[0].state is PartState.SUBMITTING


@pytest.mark.parametrize("method", ["get", "delete"])
@pytest.mark.parametrize("message_id", ["m_01HZZZZZZZZZZZZZZZZZZZZZZZ", "nonsense", "m_%2e%2e"])
async def test_unknown_message_is_404(client, method, message_id):
    response = await getattr(client, method)(f"/v1/messages/{message_id}", headers=AUTH)
    error = (await response.json())["error"]
    assert response.status == 404 and error["code"] == "not_found"
    # Even an id that could never be one is answered as a message, not a route.
    assert error["message"].startswith("no message ")


async def test_batch_and_preview_are_not_taken_for_message_ids(client):
    for path in ("/v1/messages/batch", "/v1/messages/preview"):
        response = await client.get(path, headers=AUTH)
        assert response.status == 405 and response.headers["Allow"] == "POST"


async def test_listing_is_newest_first_with_a_cursor(client, clock):
    ids = []
    for index in range(5):
        clock.now += 1
        ids.append((await post(client, {"to": UK, "text": f"n{index}"}))[1]["id"])
    await client.delete(f"/v1/messages/{ids[0]}", headers=AUTH)
    response = await client.get("/v1/messages", params={"limit": "2"}, headers=AUTH)
    page = await response.json()
    assert [m["id"] for m in page["messages"]] == ids[:2:-1][:2] == [ids[4], ids[3]]
    assert "history" not in page["messages"][0]
    seen = [m["id"] for m in page["messages"]]
    while page["next"]:
        response = await client.get(
            "/v1/messages", params={"limit": "2", "after": page["next"]}, headers=AUTH
        )
        page = await response.json()
        seen += [m["id"] for m in page["messages"]]
    assert seen == ids[::-1]
    cancelled = await client.get("/v1/messages", params={"status": "cancelled"}, headers=AUTH)
    assert [m["id"] for m in (await cancelled.json())["messages"]] == [ids[0]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"status": "lost"}, "status"),
        ({"after": "not-a-cursor"}, "after"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_listing_parameters_are_400(client, params, field):
    response = await client.get("/v1/messages", params=params, headers=AUTH)
    error = (await response.json())["error"]
    assert response.status == 400 and error["field"] == field


async def test_429_when_too_many_messages_are_being_written(make_client):
    from gsmgateway.store.memory import MemoryStore

    release = asyncio.Event()

    class SlowStore(MemoryStore):
        async def enqueue(self, messages, *, idempotency=None):
            await release.wait()
            return await super().enqueue(messages, idempotency=idempotency)

    settings = ApiSettings(policy=SETTINGS.policy, max_pending_messages=1)
    client = await make_client(settings, store=SlowStore())
    first = asyncio.ensure_future(post(client, {"to": UK, "text": "one"}))
    async with asyncio.timeout(10):
        while client.server.app[API_KEY].pending == 0:
            await asyncio.sleep(0.01)
    status, body = await post(client, {"to": UK, "text": "two"})
    assert status == 429 and body["error"]["code"] == "overloaded"
    release.set()
    assert (await first)[0] == 202
    assert (await post(client, {"to": UK, "text": "three"}))[0] == 202
