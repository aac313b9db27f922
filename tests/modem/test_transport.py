"""The serial transport on a real pty: bytes both ways, unplug, busy and missing ports."""

import asyncio
import os
import tty

import pytest

from gsmgateway.modem.errors import PortBusy, PortClosed, PortUnavailable
from gsmgateway.modem.transport import SerialLink


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    tty.setraw(slave)
    path = os.ttyname(slave)
    state = {"master": master}
    yield path, state
    if state["master"] is not None:
        os.close(state["master"])
    os.close(slave)


async def read_until(link, wanted, timeout=5):
    got = b""
    async with asyncio.timeout(timeout):
        while wanted not in got:
            got += await link.read()
    return got


async def test_bytes_flow_both_ways(pty_pair):
    path, state = pty_pair
    link = await SerialLink.open(path)
    try:
        link.write(b"AT\r")
        loop = asyncio.get_running_loop()
        echoed = await loop.run_in_executor(None, os.read, state["master"], 100)
        assert echoed == b"AT\r"
        os.write(state["master"], b"\r\nOK\r\n")
        assert await read_until(link, b"OK\r\n") == b"\r\nOK\r\n"
    finally:
        await link.close()
    assert link.closed
    with pytest.raises(PortClosed):
        link.write(b"AT\r")


async def test_unplug_raises_port_closed(pty_pair):
    path, state = pty_pair
    link = await SerialLink.open(path)
    os.close(state["master"])
    state["master"] = None
    with pytest.raises(PortClosed):
        async with asyncio.timeout(5):
            while True:
                await link.read()
    await link.close()


async def test_second_open_is_busy(pty_pair):
    path, _ = pty_pair
    link = await SerialLink.open(path)
    try:
        with pytest.raises(PortBusy, match="in use"):
            await SerialLink.open(path)
    finally:
        await link.close()


async def test_missing_port_is_unavailable(tmp_path):
    with pytest.raises(PortUnavailable, match="no such port"):
        await SerialLink.open(str(tmp_path / "ttyUSB9"))


async def test_buffer_is_bounded(pty_pair):
    path, state = pty_pair
    link = await SerialLink.open(path, max_buffered=1024)
    try:
        for _ in range(8):
            os.write(state["master"], b"x" * 512)
        async with asyncio.timeout(5):
            while link.dropped_bytes + link._protocol.buffered < 4096:
                await asyncio.sleep(0)
        assert link.dropped_bytes >= 4096 - 1024 - 512
        assert len(await link.read()) <= 1024 + 512
    finally:
        await link.close()
