"""Every error status of the contract, as JSON naming what was wrong; never a 500 for
bad input (hypothesis drives arbitrary bodies through a live server)."""

from __future__ import annotations

import http.client
import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gsmgateway.api import ApiKeys, ApiSettings, create_app, hash_key
from gsmgateway.api.validation import NumberPolicy
from gsmgateway.store.memory import MemoryStore
from tests.api.conftest import AUTH, KEY, SETTINGS
from tests.helpers.fake_pool import FakePool, snapshot
from tests.helpers.live_server import LiveServer

UK = "+447911123456"
V1_ROUTES = [
    ("POST", "/v1/messages"),
    ("GET", "/v1/messages"),
    ("POST", "/v1/messages/batch"),
    ("POST", "/v1/messages/preview"),
    ("GET", "/v1/messages/m_01HZZZZZZZZZZZZZZZZZZZZZZZ"),
    ("DELETE", "/v1/messages/m_01HZZZZZZZZZZZZZZZZZZZZZZZ"),
    ("GET", "/v1/inbox"),
    ("GET", "/v1/modems"),
    ("GET", "/v1/nowhere"),
]


def assert_error(status, body, expected_status, code=None, field=None):
    assert status == expected_status, body
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    if code is not None:
        assert body["error"]["code"] == code
    if field is not None:
        assert body["error"]["field"] == field


@pytest.mark.parametrize(("method", "path"), V1_ROUTES)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-key", f"Basic {KEY}", "Bearer ", f"Bearer{KEY}"]
)
async def test_every_v1_route_needs_a_valid_key(client, method, path, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await client.request(method, path, headers=headers, json={})
    assert_error(response.status, await response.json(), 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_scheme_is_case_insensitive(client):
    response = await client.get("/v1/modems", headers={"Authorization": f"bearer {KEY}"})
    assert response.status == 200


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/openapi.json"])
async def test_open_routes_need_no_key(client, path):
    response = await client.get(path)
    assert response.status == 200


@pytest.mark.parametrize(
    ("data", "content_type", "code"),
    [
        (b'{"to": "+447911123456", "text": ', "application/json", "invalid_request"),
        (b"", "application/json", "invalid_request"),
        (b'{"to": "+447911123456", "text": NaN}', "application/json", "invalid_request"),
        (b'{"to": "+44", "text": "\xff\xfe"}', "application/json", "invalid_request"),
        (b"[" * 100_00 + b"]" * 100_00, "application/json", "invalid_request"),
        (b'{"to": "+447911123456", "text": "hi"}', "text/plain", "unsupported_content_type"),
        (
            b"to=%2B447911123456&text=hi",
            "application/x-www-form-urlencoded",
            "unsupported_content_type",
        ),
    ],
)
async def test_malformed_bodies_are_400(client, data, content_type, code):
    response = await client.post(
        "/v1/messages", data=data, headers={**AUTH, "Content-Type": content_type}
    )
    assert_error(response.status, await response.json(), 400, code)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ([{"to": UK, "text": "hi"}], 400, None),
        ("hello", 400, None),
        ({"text": "hi"}, 400, "to"),
        ({"to": UK}, 400, "text"),
        ({"to": UK, "text": ""}, 400, "text"),
        ({"to": UK, "text": "hi", "colour": "red"}, 400, "colour"),
        ({"to": UK, "text": "hi", "modem": "modem0"}, 400, "modem"),
        ({"to": UK, "text": "hi", "priority": None}, 400, "priority"),
        ({"to": "+447700900123", "text": "hi"}, 422, "to"),
        ({"to": "61010", "text": "hi"}, 422, "to"),
        ({"to": UK, "text": "x" * 1601}, 422, "text"),
        ({"to": UK, "text": "😀", "encoding": "gsm7"}, 422, "text"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/messages", "/v1/messages/preview"])
async def test_invalid_and_unsendable_bodies(client, path, body, status, field):
    response = await client.post(path, json=body, headers=AUTH)
    assert_error(response.status, await response.json(), status, field=field)
    assert (await client.store.list_messages()).messages == ()


async def test_too_many_segments_names_the_limit(client):
    response = await client.post("/v1/messages", json={"to": UK, "text": "x" * 1601}, headers=AUTH)
    error = (await response.json())["error"]
    assert error["code"] == "too_many_segments" and "10" in error["message"]


async def test_short_codes_when_the_config_allows_them(make_client):
    client = await make_client(ApiSettings(policy=NumberPolicy("GB", allow_short_codes=True)))
    response = await client.post("/v1/messages", json={"to": "61010", "text": "hi"}, headers=AUTH)
    assert response.status == 202


async def test_body_over_the_limit_is_413_from_its_length(client):
    body = json.dumps({"to": UK, "text": "x" * 70_000}).encode()
    response = await client.post(
        "/v1/messages", data=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert_error(response.status, await response.json(), 413, "body_too_large")


async def test_chunked_body_over_the_limit_is_413(client):
    async def chunks():
        yield b'{"to": "+447911123456", "text": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    response = await client.post(
        "/v1/messages", data=chunks(), headers={**AUTH, "Content-Type": "application/json"}
    )
    assert_error(response.status, await response.json(), 413, "body_too_large")
    assert (await client.store.list_messages()).messages == ()


async def test_unknown_route_and_wrong_method_are_json(client):
    response = await client.get("/nowhere")
    assert_error(response.status, await response.json(), 404, "not_found")
    response = await client.put("/v1/messages", headers=AUTH, json={})
    assert_error(response.status, await response.json(), 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


async def test_store_unavailable_is_503_and_nothing_is_claimed_accepted(client):
    await client.store.close()
    response = await client.post("/v1/messages", json={"to": UK, "text": "hi"}, headers=AUTH)
    assert_error(response.status, await response.json(), 503, "store_unavailable")
    assert response.headers["Retry-After"]


async def test_a_bug_is_a_logged_500_without_a_traceback(make_client, caplog):
    class BrokenStore(MemoryStore):
        async def get_message(self, message_id):
            raise RuntimeError("secret internals")

    client = await make_client(store=BrokenStore())
    with caplog.at_level(logging.ERROR, logger="gsmgateway.api.middleware"):
        response = await client.get("/v1/messages/m_01HZZZZZZZZZZZZZZZZZZZZZZZ", headers=AUTH)
    text = await response.text()
    assert response.status == 500 and "internal_error" in text
    assert "secret internals" not in text and "Traceback" not in text
    assert "secret internals" in caplog.text


# --- arbitrary input never reaches the 500 path --------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELD_VALUES = st.one_of(
    JSON_VALUES,
    st.sampled_from([UK, "07911 123456", "+1", "high", "ucs2", "2030-01-01T00:00:00Z", "😀" * 80]),
)
MESSAGE_LIKE = st.dictionaries(
    st.sampled_from(
        [
            "to",
            "text",
            "priority",
            "send_at",
            "status_report",
            "flash",
            "validity_minutes",
            "encoding",
            "smart_encoding",
            "modem",
            "extra",
        ]
    ),
    FIELD_VALUES,
    max_size=6,
)
BATCH_LIKE = st.one_of(
    st.fixed_dictionaries({"messages": st.lists(MESSAGE_LIKE, max_size=4)}),
    st.fixed_dictionaries(
        {
            "text": st.text(max_size=20) | st.just("hi {name}"),
            "recipients": st.lists(
                st.dictionaries(st.sampled_from(["to", "vars", "x"]), FIELD_VALUES), max_size=3
            ),
        }
    ),
    JSON_VALUES,
)


@pytest.fixture(scope="module")
def live():
    async def make():
        store = MemoryStore()
        app = create_app(
            store,
            ApiKeys(frozenset({hash_key(KEY)})),
            pool=FakePool([snapshot()]),
            settings=SETTINGS,
        )
        return app, store.close

    with LiveServer(make) as server:
        yield server


def _post(live, path, body):
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)
    try:
        data = json.dumps(body).encode()
        connection.request("POST", path, data, {**AUTH, "Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(MESSAGE_LIKE, JSON_VALUES),
    path=st.sampled_from(["/v1/messages", "/v1/messages/preview"]),
)
def test_arbitrary_message_bodies_get_an_answer_not_a_500(live, body, path):
    status, answer = _post(live, path, body)
    assert status in (200, 202, 400, 422), answer
    if status >= 400:
        assert answer["error"]["code"] and answer["error"]["message"]


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=BATCH_LIKE)
def test_arbitrary_batches_get_an_answer_not_a_500(live, body):
    status, answer = _post(live, "/v1/messages/batch", body)
    assert status in (202, 400), answer
    if status == 202:
        assert len(answer["results"]) == len(body.get("messages", body.get("recipients", [])))


async def test_non_utf8_authorization_is_401_not_500(client):
    import asyncio

    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(b"GET /v1/modems HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n\r\n")
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    assert status_line.split()[1] == b"401"


async def test_repeated_key_is_still_checked(client):
    assert (await client.get("/v1/modems", headers=AUTH)).status == 200
    assert (await client.get("/v1/modems", headers=AUTH)).status == 200
    other = {"Authorization": f"Bearer {KEY}x"}
    assert (await client.get("/v1/modems", headers=other)).status == 401
