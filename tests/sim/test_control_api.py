"""The HTTP control API on loopback: routes, faults through HTTP, and error answers."""

import pytest
from aiohttp.test_utils import TestClient, TestServer

from gsmgateway.sim.control import make_app


@pytest.fixture
async def control(start_network):
    net = await start_network(2)
    client = TestClient(TestServer(make_app(net), host="127.0.0.1"))
    await client.start_server()
    yield net, client
    await client.close()


async def test_list_and_get_modems(control):
    net, http = control
    body = await (await http.get("/modems")).json()
    assert [m["imei"] for m in body["modems"]] == [m.identity.imei for m in net.modems]
    first = body["modems"][0]
    assert first["link"] == net.ports[0] and first["pty"].startswith("/dev/pts/")
    assert first["number"] == net.modems[0].identity.number
    one = await (await http.get("/modems/1")).json()
    assert one["index"] == 1
    missing = await http.get("/modems/9")
    assert missing.status == 404
    assert (await missing.json())["error"]["code"] == "unknown_modem"


async def test_faults_through_http(control):
    net, http = control
    assert (await http.post("/modems/0/hang")).status == 200
    assert net.modems[0].hung
    assert (await http.post("/modems/0/resume")).status == 200
    assert not net.modems[0].hung
    assert (await http.post("/modems/1/registration", json={"stat": 3})).status == 200
    assert net.modems[1].machine.registration == 3
    assert (await http.post("/modems/0/sim-lock", json={"pin": "9999"})).status == 200
    assert net.modems[0].machine.sim.state.value == "SIM PIN"
    reply = await http.post("/modems/0/cms-errors", json={"rate": 0.5, "codes": [332, 21]})
    assert reply.status == 200 and net.modems[0].cms_fault.codes == (332, 21)
    assert (await http.post("/modems/0/garbage", json={"count": 16})).status == 200
    assert (await http.post("/modems/1/urc-storm", json={"count": 5})).status == 200
    assert (await http.post("/modems/1/unplug", json={})).status == 200
    assert not net.modems[1].plugged
    assert (await http.post("/modems/1/replug")).status == 200
    assert net.modems[1].plugged
    reply = await http.post("/network/delivery-failures", json={"number": "+447400100001"})
    assert reply.status == 200 and net.delivery_failures == {"+447400100001": 0x41}
    reply = await http.post("/network/submit-rejections", json={"number": "+1", "code": 28})
    assert reply.status == 200 and net.submit_rejections == {"+1": 28}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/modems/0/cms-errors", {"rate": 2, "codes": [1]}),
        ("/modems/0/cms-errors", {"rate": 0.5, "codes": []}),
        ("/modems/0/registration", {"stat": 9}),
        ("/modems/0/registration", {}),
        ("/modems/0/urc-storm", {"count": 0}),
        ("/modems/0/sim-lock", {"pin": "12"}),
        ("/modems/0/garbage", {"hex": "zz"}),
        ("/network/delivery-failures", {"number": "+1", "status": 0}),
    ],
)
async def test_bad_requests_are_400_with_a_reason(control, path, body):
    _net, http = control
    reply = await http.post(path, json=body)
    assert reply.status == 400
    error = (await reply.json())["error"]
    assert error["code"] == "invalid" and error["message"]


async def test_log_route_pages(control):
    net, http = control
    net.log.append({"n": 1})
    net.log.append({"n": 2})
    page = await (await http.get("/log?since=1")).json()
    assert page == {"entries": [{"n": 2}], "next": 2}
    assert (await http.get("/log?since=x")).status == 400
    assert (await (await http.get("/sink")).json()) == {"messages": []}


async def test_inject_through_http(control):
    net, http = control
    text = "".join(f"word{n:03d} " for n in range(40))  # 320 characters: 3 parts
    reply = await http.post(
        "/modems/1/sms",
        json={"text": text, "sender": "MyBank", "order": [2, 3, 1], "omit": [3], "ref": 5},
    )
    assert reply.status == 200
    pdus = (await reply.json())["pdus"]
    assert len(pdus) == 2
    stored = [m.pdu for _, m in net.modems[1].machine.store.items("SM")]
    assert stored == pdus
    reply = await http.post("/modems/1/sms", json={"data_hex": "0102", "encoding": "8bit"})
    assert reply.status == 200 and (await reply.json())["pdus"][0].endswith("020102")
    bad = await http.post("/modems/1/sms", json={"text": "x", "encoding": "latin9"})
    assert bad.status == 400
    bad = await http.post("/modems/1/sms", json={"text": "x", "order": [2]})
    assert bad.status == 400
    assert (await http.post("/modems/7/sms", json={"text": "x"})).status == 404
    assert (await http.post("/modems/1/sms", data="not json")).status == 400
