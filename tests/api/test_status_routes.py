"""GET /v1/inbox, /v1/modems, /healthz and /metrics."""

from __future__ import annotations

from gsmgateway.api import NoModems
from gsmgateway.pool.status import ModemState
from tests.api.conftest import AUTH, T0
from tests.helpers.fake_pool import FakePool, snapshot


async def receive(store, text, sender="+447911000001", now=T0):
    added = await store.add_inbound_part(
        "352099000000006", pdu_hex=text.encode().hex(), sender=sender, text=text, now=now
    )
    return await store.complete_inbound(
        [added.key], sender=sender, text=text, partial=False, now=now
    )


async def test_inbox_pages_oldest_first(client):
    ids = [await receive(client.store, f"msg {i}", now=T0 + i) for i in range(3)]
    response = await client.get("/v1/inbox", params={"limit": "2"}, headers=AUTH)
    page = await response.json()
    assert response.status == 200
    assert [m["id"] for m in page["messages"]] == ids[:2]
    assert page["messages"][0] == {
        "id": ids[0],
        "from": "+447911000001",
        "text": "msg 0",
        "modem": "352099000000006",
        "parts": 1,
        "partial": False,
        "received_at": "2023-11-14T22:13:20.000Z",
        "scts": None,
    }
    response = await client.get("/v1/inbox", params={"after": page["next"]}, headers=AUTH)
    rest = await response.json()
    assert [m["id"] for m in rest["messages"]] == ids[2:] and rest["next"] is None
    bad = await client.get("/v1/inbox", params={"after": "m_x"}, headers=AUTH)
    assert bad.status == 400


async def test_modems_lists_each_snapshot(make_client):
    pool = FakePool(
        [snapshot(since=T0), snapshot("352099000000014", ModemState.OFFLINE, port=None)]
    )
    client = await make_client(the_pool=pool)
    response = await client.get("/v1/modems", headers=AUTH)
    modems = (await response.json())["modems"]
    assert [(m["id"], m["state"], m["port"]) for m in modems] == [
        ("352099000000006", "ready", "/dev/ttyUSB0"),
        ("352099000000014", "offline", None),
    ]
    assert modems[0]["sim"]["iccid"] == "8944740000000000005"
    assert modems[0]["model"]["model"] == "E173"
    # When it entered its state: a timestamp like every other of the API.
    assert (modems[0]["since"], modems[1]["since"]) == ("2023-11-14T22:13:20.000Z", None)


async def test_health_is_ready_with_a_writable_store_and_a_modem_in_service(client):
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {
        "live": True,
        "ready": True,
        "store": "writable",
        "modems": {"total": 1, "in_service": 1},
        "reasons": [],
    }


async def test_health_is_503_with_reasons_when_not_ready(make_client):
    client = await make_client(the_pool=NoModems())
    await client.store.close()
    response = await client.get("/healthz")
    body = await response.json()
    assert response.status == 503
    assert body["live"] is True and body["ready"] is False and body["store"] == "unavailable"
    assert len(body["reasons"]) == 2 and "no modem is in service" in body["reasons"]


async def test_metrics_show_queue_modems_latency_and_requests(make_client):
    pool = FakePool(
        [snapshot(sent=7, failed=1), snapshot("352099000000014", ModemState.NO_NETWORK)]
    )
    client = await make_client(the_pool=pool)
    for priority in ("high", "low", "low"):
        await client.post(
            "/v1/messages",
            json={"to": "+447911123456", "text": "hi", "priority": priority},
            headers=AUTH,
        )
    response = await client.get("/metrics")
    text = await response.text()
    assert response.status == 200 and response.content_type == "text/plain"
    lines = set(text.splitlines())
    assert 'gsmgateway_queued_parts{priority="high"} 1.0' in lines
    assert 'gsmgateway_queued_parts{priority="low"} 2.0' in lines
    assert 'gsmgateway_parts{modem="",state="queued"} 3.0' in lines
    assert 'gsmgateway_modem_parts_sent_total{modem="352099000000006"} 7.0' in lines
    assert 'gsmgateway_modem_parts_failed_total{modem="352099000000006"} 1.0' in lines
    assert 'gsmgateway_modem_state{modem="352099000000014",state="no_network"} 1.0' in lines
    assert "gsmgateway_modems_in_service 1.0" in lines
    assert 'gsmgateway_send_latency_seconds_bucket{le="1.0"} 3.0' in lines
    assert 'gsmgateway_send_latency_seconds_bucket{le="+Inf"} 4.0' in lines
    assert "gsmgateway_send_latency_seconds_count 4.0" in lines
    assert "gsmgateway_webhook_backlog 0.0" in lines
    assert 'gsmgateway_http_requests_total{route="/v1/messages",status="202"} 3.0' in lines
    assert "+447911123456" not in text
