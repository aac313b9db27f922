"""Webhook signatures, the retry schedule, and one delivery to a real server on loopback."""

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.webhooks import RetryPolicy, post_event, sign, verify


def test_signature_is_hmac_sha256_hex():
    # Same value as: printf '{"a":1}' | openssl dgst -sha256 -hmac s3cret
    expected = "sha256=5910e62016ef5034272c926c27071992a465c2335cecf41851bda071577f4f6d"
    assert sign("s3cret", b'{"a":1}') == expected
    assert verify("s3cret", b'{"a":1}', expected)
    assert not verify("other", b'{"a":1}', sign("s3cret", b'{"a":1}'))
    assert not verify("s3cret", b'{"a":2}', sign("s3cret", b'{"a":1}'))
    assert not verify("s3cret", b"x", None)


@given(st.integers(1, 200), st.floats(0, 1, exclude_max=True))
def test_delays_grow_and_stay_capped(attempts, unit):
    policy = RetryPolicy(first_delay=1, max_delay=60, max_age=10**9, jitter=0.2)
    delay = policy.next_delay(attempts, 0, unit)
    assert 0.8 <= delay <= 60 * 1.2
    if attempts < 5:
        assert delay <= policy.next_delay(attempts + 1, 0, unit)


def test_gives_up_past_max_age():
    policy = RetryPolicy(first_delay=10, max_delay=10, max_age=100, jitter=0)
    assert policy.next_delay(3, 85, 0.5) == 10
    assert policy.next_delay(3, 95, 0.5) is None


@pytest.mark.parametrize("status", [200, 204, 500, 404])
async def test_post_event_reports_acknowledgement(aiohttp_server, status):
    seen = []

    async def hook(request):
        body = await request.read()
        seen.append((body, request.headers))
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = await aiohttp_server(app, host="127.0.0.1")
    async with aiohttp.ClientSession() as session:
        result = await post_event(
            session,
            str(server.make_url("/hook")),
            "k",
            b'{"x":1}',
            event="message.status",
            delivery_id="e1",
        )
    assert result.acknowledged == (200 <= status < 300)
    body, headers = seen[0]
    assert verify("k", body, headers["X-Gsmgateway-Signature"])
    assert headers["X-Gsmgateway-Event"] == "message.status"


async def test_unreachable_receiver_is_a_failed_attempt_not_an_exception(unused_tcp_port):
    async with aiohttp.ClientSession() as session:
        result = await post_event(
            session,
            f"http://127.0.0.1:{unused_tcp_port}/",
            "k",
            b"{}",
            event="e",
            delivery_id="1",
            timeout=2,
        )
    assert not result.acknowledged and result.status is None and result.error
