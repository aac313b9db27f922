"""``gsmgateway sim`` as a user runs it: prints its modems, serves, cleans up on SIGTERM."""

import asyncio
import os
import re
import signal
import sys

import aiohttp
import pytest

from tests.helpers.pty_client import PtyClient


async def read_line(stream, timeout=20):
    line = await asyncio.wait_for(stream.readline(), timeout)
    assert line, "gsmgateway sim ended early"
    return line.decode()


async def test_sim_command_runs_until_sigterm_and_cleans_up(tmp_path):
    log = tmp_path / "sim.jsonl"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gsmgateway", "sim", "--count", "2", "--profile", "mixed",
        "--control", "127.0.0.1:0", "--log", str(log),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        header = await read_line(proc.stdout)
        directory = re.match(r"gsmgateway sim: 2 modems in (\S+)", header).group(1)
        modems = [await read_line(proc.stdout) for _ in range(2)]
        control = await read_line(proc.stdout)
        url = re.search(r"http://\S+", control).group(0)
        assert "IMEI 352099000000006" in modems[0] and "profile huawei" in modems[1]
        link = modems[0].split(" -> ")[0]
        assert link == os.path.join(directory, "modem0") and os.path.islink(link)
        async with aiohttp.ClientSession() as session, session.get(f"{url}/modems") as reply:
            listed = (await reply.json())["modems"]
        assert [m["link"] for m in listed] == [link, os.path.join(directory, "modem1")]
        client = PtyClient(link)
        try:
            assert await client.command("AT") == "AT\r\r\nOK\r\n"
        finally:
            client.close()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
        assert not os.path.exists(directory)  # its own temp dir: removed with the links
        assert log.exists()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


@pytest.mark.parametrize(
    "args",
    [["--count", "0"], ["--profile", "nokia"], ["--control", "192.0.2.1:80"], ["--latency", "-1"]],
)
async def test_bad_arguments_exit_2_with_a_reason(args):
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gsmgateway", "sim", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert err.decode().startswith("gsmgateway sim: ")
