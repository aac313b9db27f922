"""Child process for the durability test: enqueue forever, print each id once acknowledged.

Run as ``python -m tests.helpers.store_writer_child DB``; the parent kills it with SIGKILL.
"""

from __future__ import annotations

import asyncio
import sys

from gsmgateway.store.sqlite import SqliteStore
from tests.helpers.store_values import new_message


async def main(path: str) -> None:
    store = await SqliteStore.open(path)

    async def writer(n: int) -> None:
        i = 0
        while True:
            i += 1
            (message_id,) = (await store.enqueue([new_message(f"w{n}-{i}")])).ids
            sys.stdout.write(message_id + "\n")
            sys.stdout.flush()

    await asyncio.gather(*(writer(n) for n in range(8)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
