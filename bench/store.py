"""SqliteStore throughput and scaling, on a real file in a temporary directory.

- enqueue: single-message requests from 64 concurrent coroutines (group commit), and
  batches of 1,000 messages; messages per second and CPU time per message (the process's
  CPU, event loop and writer thread together);
- the send path: claim + mark_submitting + mark_sent per part, 16 concurrent modems;
- scaling: the median latency of a single enqueue and of a claim with 1,000 and with
  1,000,000 queued parts (the big queue is built with direct SQL, not through the store);
- RSS of the process at the end.

Every commit is durable (WAL, synchronous=FULL). Prints the figures and ends with one
JSON line. On a shared 2-core machine the figures are pessimistic.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gsmgateway.sms.dcs import Encoding
from gsmgateway.store import NewMessage
from gsmgateway.store.sqlite import SqliteStore

T0 = 1_700_000_000.0
SINGLE_WRITERS = 64
SINGLE_EACH = 150
BATCHES = 30
BATCH = 1000
MODEMS = 16
PARTS_SENT = 3000
SCALE_OPS = 400
BIG = 1_000_000
SMALL = 1_000


def message(i: int) -> NewMessage:
    text = f"Your code is {i:06d}"
    return NewMessage(to="+491701234567", text=text, segments=(text,), created_at=T0 + i * 1e-3,
                      encoding=Encoding.GSM7)  # fmt: skip


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def single_enqueues(store: SqliteStore) -> tuple[float, float, float]:
    counter = iter(range(10**9))

    async def writer() -> None:
        for _ in range(SINGLE_EACH):
            await store.enqueue([message(next(counter))])

    before = store.write_stats
    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(writer() for _ in range(SINGLE_WRITERS)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = store.write_stats
    count = SINGLE_WRITERS * SINGLE_EACH
    per_txn = (after.requests - before.requests) / (after.transactions - before.transactions)
    return count / wall, cpu / count * 1e6, per_txn


async def batch_enqueues(store: SqliteStore) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for b in range(BATCHES):
        await store.enqueue([message(b * BATCH + i) for i in range(BATCH)])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    count = BATCHES * BATCH
    return count / wall, cpu / count * 1e6


async def send_path(store: SqliteStore) -> float:
    remaining = [PARTS_SENT]

    async def modem(n: int) -> None:
        imei = f"35693803564{n:04d}"
        mr = 0
        while remaining[0] > 0:
            claim = await store.claim(imei, ["default"], now=T0 + 10, lease_seconds=60)
            if claim is None:
                return
            for part in claim.parts:
                await store.mark_submitting(part.id, imei, now=T0 + 10, concat_ref=None)
                mr = (mr + 1) % 256
                await store.mark_sent(part.id, imei, mr=mr, now=T0 + 11)
                remaining[0] -= 1

    wall = time.perf_counter()
    await asyncio.gather(*(modem(n) for n in range(MODEMS)))
    return (PARTS_SENT - remaining[0]) / (time.perf_counter() - wall)


def bulk_queue(path: Path, count: int) -> None:
    """``count`` queued single-part messages written directly, older than any other."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO messages (id, status, to_number, text, encoding, segments, priority, route,"
        " status_report, flash, concat_ref_bits, created_at, updated_at, queue_state,"
        " eligible_at, queued_parts)"
        " SELECT printf('m_0%025d', i), 'queued', '+491701234567', 'bulk', 'gsm7', 1, 1,"
        " 'default', 1, 0, 8, ?, ?, 1, 0, 1 FROM n",
        (count, T0, T0),
    )
    conn.execute(
        "INSERT INTO parts (mid, seq, text, state, attempts, queued_at, updated_at)"
        " SELECT mid, 1, 'bulk', 'queued', 0, created_at, created_at FROM messages"
    )
    conn.execute("INSERT INTO part_counts VALUES ('queued', '', 1, ?)", (count,))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


async def open_queue(directory: Path, queued: int) -> SqliteStore:
    """A store whose file holds ``queued`` queued parts, warmed up."""
    path = directory / f"scale-{queued}.db"
    store = await SqliteStore.open(path)
    await store.close()
    bulk_queue(path, queued)
    store = await SqliteStore.open(path)
    for i in range(20):
        await store.enqueue([message(i)])
        await store.claim("356938035640000", ["default"], now=T0 + 10, lease_seconds=60)
    return store


async def scale(directory: Path) -> dict[str, float]:
    """Median seconds of one enqueue and of one claim at 1k and at 1M queued parts.

    The two stores are measured alternately, operation by operation, so that the load
    of a shared machine weighs on both alike.
    """
    small = await open_queue(directory, SMALL)
    big = await open_queue(directory, BIG)
    times: dict[str, list[float]] = {}
    try:
        for i in range(SCALE_OPS):
            for name, store in (("1k", small), ("1m", big)):
                start = time.perf_counter()
                await store.enqueue([message(i)])
                times.setdefault(f"enqueue_{name}", []).append(time.perf_counter() - start)
                start = time.perf_counter()
                claim = await store.claim("356938035640000", ["default"], now=T0 + 10,
                                          lease_seconds=60)  # fmt: skip
                times.setdefault(f"claim_{name}", []).append(time.perf_counter() - start)
                assert claim is not None
    finally:
        await small.close()
        await big.close()
    return {name: statistics.median(values) for name, values in times.items()}


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gsmgateway-bench-store-") as tmp:
        directory = Path(tmp)
        store = await SqliteStore.open(directory / "throughput.db")
        try:
            rss_idle = rss_mb()
            single_rate, single_cpu_us, per_txn = await single_enqueues(store)
            batch_rate, batch_cpu_us = await batch_enqueues(store)
            send_rate = await send_path(store)
        finally:
            await store.close()
        build = time.perf_counter()
        medians = await scale(directory)
        build = time.perf_counter() - build
    small_enqueue, big_enqueue = medians["enqueue_1k"], medians["enqueue_1m"]
    small_claim, big_claim = medians["claim_1k"], medians["claim_1m"]
    figures = {
        "enqueue_single_per_s": round(single_rate),
        "enqueue_single_cpu_us": round(single_cpu_us, 1),
        "enqueue_single_requests_per_commit": round(per_txn, 1),
        "enqueue_batch_per_s": round(batch_rate),
        "enqueue_batch_cpu_us_per_message": round(batch_cpu_us, 1),
        "send_path_parts_per_s": round(send_rate),
        "enqueue_ms_1k": round(small_enqueue * 1e3, 3),
        "enqueue_ms_1m": round(big_enqueue * 1e3, 3),
        "claim_ms_1k": round(small_claim * 1e3, 3),
        "claim_ms_1m": round(big_claim * 1e3, 3),
        "enqueue_ratio_1m_vs_1k": round(big_enqueue / small_enqueue, 3),
        "claim_ratio_1m_vs_1k": round(big_claim / small_claim, 3),
        "rss_idle_mb": round(rss_idle, 1),
        "rss_end_mb": round(rss_mb(), 1),
        "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(f"SqliteStore on a temporary file, durable commits, {os.cpu_count()} CPUs (shared)")
    print(f"  single-message enqueue, {SINGLE_WRITERS} coroutines: "
          f"{single_rate:,.0f}/s, {single_cpu_us:.1f} us CPU each, "
          f"{per_txn:.1f} requests per commit")  # fmt: skip
    print(f"  batches of {BATCH}: {batch_rate:,.0f} messages/s, "
          f"{batch_cpu_us:.1f} us CPU per message")  # fmt: skip
    print(f"  claim + mark_submitting + mark_sent, {MODEMS} modems: {send_rate:,.0f} parts/s")
    for name, small, big in (
        ("enqueue", small_enqueue, big_enqueue),
        ("claim", small_claim, big_claim),
    ):
        print(
            f"  {name} median: {small * 1e3:.2f} ms at 1k queued, {big * 1e3:.2f} ms at 1M"
            f" (ratio {big / small:.2f})"
        )
    print(f"  1k and 1M-part queues built and measured in {build:.1f} s")
    print(f"  RSS: {rss_idle:.1f} MB idle, {figures['rss_end_mb']} MB at the end, "
          f"peak {figures['rss_peak_mb']} MB")  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
