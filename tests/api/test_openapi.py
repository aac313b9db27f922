"""The OpenAPI document is true: it lists exactly the routes the app serves, and every
answer the app gives (success and error) is documented and matches its schema."""

from __future__ import annotations

import jsonschema_rs
import pytest

from gsmgateway.api import build_document
from tests.api.conftest import AUTH

UK = "+447911123456"
DOCUMENT = build_document()


def served_routes(app):
    routes = set()
    for route in app.router.routes():
        if route.method in ("HEAD", "*"):
            continue
        info = route.resource.get_info()
        routes.add((route.method.lower(), info.get("formatter") or info.get("path")))
    return routes


def documented_routes():
    return {(method, path) for path, item in DOCUMENT["paths"].items() for method in item}


def test_document_is_openapi_3_1_and_every_schema_is_valid():
    assert DOCUMENT["openapi"] == "3.1.0"
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            for response in operation["responses"].values():
                for content in response.get("content", {}).values():
                    jsonschema_rs.Draft202012Validator(content["schema"])  # raises if invalid
            if operation.get("requestBody"):
                for content in operation["requestBody"]["content"].values():
                    jsonschema_rs.Draft202012Validator(content["schema"])
            assert path.startswith("/v1/") == bool(operation.get("security")), (method, path)


async def test_every_served_route_is_documented_and_every_documented_one_served(client):
    assert served_routes(client.server.app) == documented_routes()


def check(path_template, method, response_status, content_type, body):
    operation = DOCUMENT["paths"][path_template][method]
    responses = operation["responses"]
    assert str(response_status) in responses, (method, path_template, response_status)
    content = responses[str(response_status)]["content"]
    assert content_type in content, (method, path_template, content_type)
    if content_type == "application/json":
        jsonschema_rs.Draft202012Validator(content[content_type]["schema"]).validate(body)


async def call(client, method, path, template, **kwargs):
    kwargs.setdefault("headers", AUTH)
    response = await client.request(method.upper(), path, **kwargs)
    body = await response.json() if response.content_type == "application/json" else None
    check(template, method, response.status, response.content_type, body)
    return body


async def test_every_answer_matches_the_document(client):
    posted = await call(
        client, "post", "/v1/messages", "/v1/messages", json={"to": UK, "text": "hi"}
    )
    await call(client, "post", "/v1/messages", "/v1/messages", json={"to": UK})
    await call(client, "post", "/v1/messages", "/v1/messages", json={"to": "+1", "text": "x"})
    await call(client, "post", "/v1/messages", "/v1/messages", json={}, headers={})
    await call(
        client,
        "post",
        "/v1/messages",
        "/v1/messages",
        data=b"x" * 70_000,
        headers={**AUTH, "Content-Type": "application/json"},
    )
    for body in (
        {"messages": [{"to": UK, "text": "a"}, {"to": "x", "text": "b"}]},
        {"messages": 3},
    ):
        await call(client, "post", "/v1/messages/batch", "/v1/messages/batch", json=body)
    await call(
        client,
        "post",
        "/v1/messages/preview",
        "/v1/messages/preview",
        json={"to": UK, "text": "hé"},
    )
    await call(
        client,
        "post",
        "/v1/messages/preview",
        "/v1/messages/preview",
        json={"to": UK, "text": "x" * 5000},
    )
    message_path = f"/v1/messages/{posted['id']}"
    await call(client, "get", message_path, "/v1/messages/{id}")
    await call(client, "get", "/v1/messages/m_01HZZZZZZZZZZZZZZZZZZZZZZZ", "/v1/messages/{id}")
    await call(client, "get", "/v1/messages", "/v1/messages")
    await call(client, "get", "/v1/messages?limit=0", "/v1/messages")
    await call(client, "delete", message_path, "/v1/messages/{id}")
    await call(client, "get", "/v1/inbox", "/v1/inbox")
    await call(client, "get", "/v1/inbox?limit=x", "/v1/inbox")
    await call(client, "get", "/v1/modems", "/v1/modems")
    await call(client, "get", "/healthz", "/healthz", headers={})
    await call(client, "get", "/metrics", "/metrics", headers={})
    document = await call(client, "get", "/openapi.json", "/openapi.json", headers={})
    assert document == DOCUMENT


@pytest.mark.parametrize("status", ["409", "429", "503"])
def test_write_conflicts_and_overload_are_documented(status):
    assert status in DOCUMENT["paths"]["/v1/messages"]["post"]["responses"]
    assert status in DOCUMENT["paths"]["/v1/messages/batch"]["post"]["responses"]
