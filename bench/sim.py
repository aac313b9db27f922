"""Simulator start-up: 64 modems in one process, until every one answers AT with OK.

The clock runs from before the first pty is made until the last of 64 TEs (one
client fd per modem, opened through its symlink, raw mode) has read ``OK``.
Prints the figures and ends with one JSON line holding ``startup_s_64``.
"""

import asyncio
import json
import os
import tempfile
import time
import tty

from gsmgateway.sim import SimNetwork

COUNT = 64
ROUNDS = 3


async def ask_ok(link: str) -> None:
    loop = asyncio.get_running_loop()
    fd = os.open(link, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    tty.setraw(fd)
    got = bytearray()
    done = loop.create_future()

    def readable() -> None:
        try:
            got.extend(os.read(fd, 4096))
        except BlockingIOError:
            return
        if b"OK\r\n" in got and not done.done():
            done.set_result(None)

    loop.add_reader(fd, readable)
    try:
        os.write(fd, b"AT\r")
        await asyncio.wait_for(done, 10)
    finally:
        loop.remove_reader(fd)
        os.close(fd)


async def one_round() -> float:
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        network = SimNetwork(count=COUNT, directory=directory)
        await network.open()
        try:
            await asyncio.gather(*(ask_ok(link) for link in network.ports))
            return time.perf_counter() - started
        finally:
            await network.close()


async def main() -> None:
    times = [await one_round() for _ in range(ROUNDS)]
    best, worst = min(times), max(times)
    print(f"{COUNT} simulated modems, plugged and each answering AT -> OK through its pty")
    print(f"  rounds: {', '.join(f'{t:.3f} s' for t in times)}")
    print(f"  best {best:.3f} s, worst {worst:.3f} s (target: under 2 s)")
    print(json.dumps({"startup_s_64": round(worst, 4), "startup_s_64_best": round(best, 4)}))


if __name__ == "__main__":
    asyncio.run(main())
