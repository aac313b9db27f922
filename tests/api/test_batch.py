"""POST /v1/messages/batch (both forms) and POST /v1/messages/preview."""

from __future__ import annotations

from gsmgateway.api import ApiSettings
from tests.api.conftest import AUTH, SETTINGS

UK = "+447911123456"
UK2 = "+447911123457"


async def batch(client, body, headers=None):
    response = await client.post(
        "/v1/messages/batch", json=body, headers={**AUTH, **(headers or {})}
    )
    return response.status, await response.json()


async def test_each_item_is_validated_alone_and_valid_ones_commit_together(client):
    status, body = await batch(
        client,
        {
            "messages": [
                {"to": UK, "text": "one"},
                {"to": "+447700900123", "text": "bad number"},
                {"to": UK2, "text": "two", "priority": "low"},
                {"to": UK, "text": "", "priority": "low"},
                {"to": UK, "text": "x" * 2000},
                "not an object",
            ]
        },
    )
    assert status == 202
    results = body["results"]
    assert len(results) == 6
    assert results[0]["status"] == "queued" and results[2]["status"] == "queued"
    assert results[1]["error"]["field"] == "messages[1].to"
    assert results[3]["error"]["field"] == "messages[3].text"
    assert results[4]["error"] == {
        "code": "too_many_segments",
        "message": results[4]["error"]["message"],
        "field": "messages[4].text",
    }
    assert results[5]["error"]["field"] == "messages[5]"
    stored = (await client.store.list_messages()).messages
    assert sorted(m.id for m in stored) == sorted([results[0]["id"], results[2]["id"]])
    assert client.store.write_stats.requests == 1  # one enqueue: one transaction


async def test_template_form_fills_variables_per_recipient(client):
    status, body = await batch(
        client,
        {
            "text": "Hi {name}, your code is {code} {{literal}}",
            "priority": "high",
            "recipients": [
                {"to": UK, "vars": {"name": "Ann", "code": "1234"}},
                {"to": UK2, "vars": {"name": "Bob"}},
                {"to": "nope", "vars": {"name": "C", "code": "1"}},
            ],
        },
    )
    assert status == 202
    first, missing, bad = body["results"]
    message = await client.store.get_message(first["id"])
    assert message.text == "Hi Ann, your code is 1234 {literal}"
    assert message.priority.value == "high"
    assert (missing["error"]["code"], missing["error"]["field"]) == (
        "missing_variable",
        "recipients[1].vars.code",
    )
    assert bad["error"]["field"] == "recipients[2].to"


async def test_batch_envelope_errors_are_400(client):
    cases = [
        ({"messages": []}, "messages"),
        ({"messages": {"to": UK}}, "messages"),
        ({"messages": [{"to": UK, "text": "x"}], "extra": 1}, "extra"),
        ({"text": "hi", "recipients": []}, "recipients"),
        ({"text": "hi {", "recipients": [{"to": UK}]}, "text"),
        ({"text": "hi", "recipients": [{"to": UK}], "priority": "now"}, "priority"),
        ({"text": "hi", "recipients": [{"to": UK}], "to": UK}, "to"),
        ({"recipients": [{"to": UK}]}, "text"),
        ({"hello": 1}, None),
    ]
    for body, field in cases:
        status, answer = await batch(client, body)
        assert status == 400, body
        assert answer["error"].get("field") == field, body
    assert (await client.store.list_messages()).messages == ()


async def test_batch_is_limited_to_max_batch(make_client):
    client = await make_client(ApiSettings(policy=SETTINGS.policy, max_batch=3))
    status, answer = await batch(client, {"messages": [{"to": UK, "text": "x"}] * 4})
    assert status == 400 and "1 to 3" in answer["error"]["message"]
    assert (await batch(client, {"messages": [{"to": UK, "text": "x"}] * 3}))[0] == 202


async def test_batch_with_idempotency_key_is_replayed(client):
    body = {"messages": [{"to": UK, "text": "one"}, {"to": "bad", "text": "x"}]}
    first = await batch(client, body, {"Idempotency-Key": "campaign-7"})
    again = await batch(client, body, {"Idempotency-Key": "campaign-7"})
    assert first == again
    assert len((await client.store.list_messages()).messages) == 1


async def test_preview_shows_segments_and_queues_nothing(client):
    response = await client.post(
        "/v1/messages/preview", json={"to": "07911123456", "text": "y" * 170}, headers=AUTH
    )
    view = await response.json()
    assert response.status == 200
    assert (view["to"], view["encoding"], view["segments"]) == (UK, "gsm7", 2)
    assert "".join(view["parts"]) == "y" * 170 and len(view["parts"][0]) == 153
    assert view["national"] is None and view["replacements"] == []
    assert (await client.store.list_messages()).messages == ()
