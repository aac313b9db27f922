"""The simulator's HTTP control API (aiohttp, JSON, loopback only): faults, injection, log.

Routes (``K`` is a modem index):

- ``GET  /modems``: every modem: index, imei, imsi, iccid, number, profile, link, pty
- ``GET  /modems/K``: one modem
- ``POST /modems/K/sms``: inject an inbound SMS: ``{"text", "sender"?, "encoding"?:
  auto|gsm7|ucs2|8bit, "data_hex"?, "order"?: [seq..], "omit"?: [seq..], "ref"?,
  "ref_bits"?: 8|16, "flash"?}`` -> ``{"pdus": [...]}`` (the parts delivered)
- ``POST /modems/K/unplug``: ``{"replug_after"?: seconds}``; ``POST /modems/K/replug``
- ``POST /modems/K/hang``; ``POST /modems/K/resume``
- ``POST /modems/K/cms-errors``: ``{"rate": 0..1, "codes": [..]}`` (rate 0 clears)
- ``POST /modems/K/registration``: ``{"stat": 0|1|2|3|5}``
- ``POST /modems/K/garbage``: ``{"hex"}`` or ``{"count"}`` (random bytes)
- ``POST /modems/K/urc-storm``: ``{"count", "line"?}``
- ``POST /modems/K/sim-lock``: ``{"pin"?, "puk"?}``
- ``POST /network/delivery-failures``: ``{"number", "status"?}`` (status null clears)
- ``POST /network/submit-rejections``: ``{"number", "code"?}`` (code null clears)
- ``GET  /log?since=N``: ``{"entries": [...], "next": M}``; ``GET /sink``

Errors are ``{"error": {"code", "message"}}`` with 400 (bad request) or 404 (no modem).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from gsmgateway.sim.errors import InvalidRequest, SimError, UnknownModem
from gsmgateway.sim.network import SimNetwork

NETWORK_KEY = web.AppKey("network", SimNetwork)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except UnknownModem as error:
        return _error(404, "unknown_modem", str(error))
    except (InvalidRequest, ValueError, TypeError, KeyError) as error:
        return _error(400, "invalid", str(error) or type(error).__name__)
    except SimError as error:
        return _error(400, "invalid", str(error))


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except json.JSONDecodeError as error:
        raise InvalidRequest(f"body is not JSON: {error}") from error
    if not isinstance(body, dict):
        raise InvalidRequest("body must be a JSON object")
    return body


def _network(request: web.Request) -> SimNetwork:
    return request.app[NETWORK_KEY]


def _index(request: web.Request) -> int:
    text = request.match_info["index"]
    if not text.isdigit():
        raise UnknownModem(f"no modem {text!r}")
    return int(text)


def _ok(**extra: Any) -> web.Response:
    return web.json_response({"ok": True, **extra})


async def list_modems(request: web.Request) -> web.Response:
    return web.json_response({"modems": _network(request).describe()})


async def get_modem(request: web.Request) -> web.Response:
    return web.json_response(_network(request).modem(_index(request)).describe())


async def inject_sms(request: web.Request) -> web.Response:
    body = await _body(request)
    data_hex = body.get("data_hex")
    pdus = _network(request).inject_sms(
        _index(request),
        text=str(body.get("text", "")),
        sender=str(body.get("sender", "+447400199999")),
        encoding=str(body.get("encoding", "auto")),
        data=bytes.fromhex(data_hex) if data_hex is not None else None,
        order=body.get("order"),
        omit=body.get("omit", ()),
        ref=body.get("ref"),
        ref_bits=int(body.get("ref_bits", 8)),
        flash=bool(body.get("flash", False)),
    )
    return web.json_response({"pdus": pdus})


async def unplug(request: web.Request) -> web.Response:
    body = await _body(request)
    after = body.get("replug_after")
    _network(request).modem(_index(request)).unplug(float(after) if after is not None else None)
    return _ok()


async def replug(request: web.Request) -> web.Response:
    _network(request).modem(_index(request)).plug()
    return _ok()


async def hang(request: web.Request) -> web.Response:
    _network(request).modem(_index(request)).hang()
    return _ok()


async def resume(request: web.Request) -> web.Response:
    _network(request).modem(_index(request)).resume()
    return _ok()


async def cms_errors(request: web.Request) -> web.Response:
    body = await _body(request)
    codes = [int(code) for code in body.get("codes", [])]
    _network(request).modem(_index(request)).set_cms_errors(float(body["rate"]), codes)
    return _ok()


async def registration(request: web.Request) -> web.Response:
    body = await _body(request)
    _network(request).modem(_index(request)).set_registration(int(body["stat"]))
    return _ok()


async def garbage(request: web.Request) -> web.Response:
    body = await _body(request)
    modem = _network(request).modem(_index(request))
    if "hex" in body:
        data = bytes.fromhex(body["hex"])
    else:
        count = int(body.get("count", 64))
        if not 0 < count <= 65536:
            raise InvalidRequest("count is 1..65536")
        data = bytes(modem.random.randrange(256) for _ in range(count))
    modem.send_garbage(data)
    return _ok(bytes=len(data))


async def urc_storm(request: web.Request) -> web.Response:
    body = await _body(request)
    modem = _network(request).modem(_index(request))
    modem.urc_storm(int(body["count"]), str(body.get("line", "+CREG: 1")))
    return _ok()


async def sim_lock(request: web.Request) -> web.Response:
    body = await _body(request)
    modem = _network(request).modem(_index(request))
    modem.lock_sim(str(body.get("pin", "1234")), str(body.get("puk", "12345678")))
    return _ok()


async def delivery_failures(request: web.Request) -> web.Response:
    body = await _body(request)
    status = body.get("status", 0x41)
    _network(request).fail_delivery(str(body["number"]), None if status is None else int(status))
    return _ok()


async def submit_rejections(request: web.Request) -> web.Response:
    body = await _body(request)
    code = body.get("code", 21)
    _network(request).reject_submissions(str(body["number"]), None if code is None else int(code))
    return _ok()


async def read_log(request: web.Request) -> web.Response:
    since_text = request.query.get("since", "0")
    if not since_text.isdigit():
        raise InvalidRequest("since is a non-negative integer")
    since = int(since_text)
    entries = _network(request).log.since(since)
    return web.json_response({"entries": entries, "next": since + len(entries)})


async def read_sink(request: web.Request) -> web.Response:
    sink = _network(request).sink
    rows = [{"time": m.time, "modem": m.modem, "to": m.to, "pdu": m.pdu} for m in sink]
    return web.json_response({"messages": rows})


def make_app(network: SimNetwork) -> web.Application:
    """The control application for ``network``."""
    app = web.Application(middlewares=[_errors])
    app[NETWORK_KEY] = network
    app.add_routes(
        [
            web.get("/modems", list_modems),
            web.get("/modems/{index}", get_modem),
            web.post("/modems/{index}/sms", inject_sms),
            web.post("/modems/{index}/unplug", unplug),
            web.post("/modems/{index}/replug", replug),
            web.post("/modems/{index}/hang", hang),
            web.post("/modems/{index}/resume", resume),
            web.post("/modems/{index}/cms-errors", cms_errors),
            web.post("/modems/{index}/registration", registration),
            web.post("/modems/{index}/garbage", garbage),
            web.post("/modems/{index}/urc-storm", urc_storm),
            web.post("/modems/{index}/sim-lock", sim_lock),
            web.post("/network/delivery-failures", delivery_failures),
            web.post("/network/submit-rejections", submit_rejections),
            web.get("/log", read_log),
            web.get("/sink", read_sink),
        ]
    )
    return app


async def start_control(network: SimNetwork, host: str, port: int) -> web.AppRunner:
    """Serve the control API on ``host:port`` (loopback); returns the runner to clean up."""
    runner = web.AppRunner(make_app(network), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner
