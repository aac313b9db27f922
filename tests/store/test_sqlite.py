"""SQLite only: durability across SIGKILL, group commit, isolation of failing requests,
migrations from older schemas, a free event loop, and two stores on one file."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gsmgateway.store import (
    EndpointSubscription,
    Idempotency,
    MessageStatus,
    PartState,
    StoreUnavailable,
    UnknownPart,
)
from gsmgateway.store.sqlite import DUE_EVENTS_SQL, SqliteStore
from gsmgateway.store.sqlite_schema import MIGRATIONS, applied_migrations, migrate
from tests.helpers.store_values import T0, new_message

ROOT = Path(__file__).resolve().parents[2]
M1, M2 = "356938035643809", "356938035643817"
MIGRATION_NAMES = [m.name for m in MIGRATIONS]


@pytest.fixture
async def sqlite_store(tmp_path):
    store = await SqliteStore.open(tmp_path / "gateway.db")
    yield store
    await store.close()


async def test_an_acknowledged_write_survives_sigkill(tmp_path):
    path = tmp_path / "gateway.db"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.store_writer_child", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged = []
    try:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(60):
            while len(acknowledged) < 200:
                line = await loop.run_in_executor(None, child.stdout.readline)
                assert line, "the writer process ended early"
                acknowledged.append(line.strip())
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    store = await SqliteStore.open(path)
    try:
        for message_id in acknowledged:
            message = await store.get_message(message_id)
            assert message is not None and message.status is MessageStatus.QUEUED, message_id
    finally:
        await store.close()


async def test_concurrent_writes_share_transactions(sqlite_store):
    before = sqlite_store.write_stats
    results = await asyncio.gather(
        *(sqlite_store.enqueue([new_message(f"m{i}")]) for i in range(400))
    )
    after = sqlite_store.write_stats
    assert len({r.ids[0] for r in results}) == 400
    requests = after.requests - before.requests
    transactions = after.transactions - before.transactions
    assert requests == 400
    assert transactions < requests / 2, f"{transactions} transactions for {requests} requests"


async def test_a_failing_request_does_not_fail_its_group(sqlite_store):
    def broken_render(ids):
        raise RuntimeError("render failed after the messages were inserted")

    before = sqlite_store.write_stats
    good = [sqlite_store.enqueue([new_message(f"ok{i}")]) for i in range(30)]
    bad = sqlite_store.enqueue(
        [new_message("rolled back")], idempotency=Idempotency("k", "h", broken_render)
    )
    unknown = sqlite_store.mark_sent(10**9, M1, mr=1, now=T0)
    results = await asyncio.gather(*good, bad, unknown, return_exceptions=True)
    assert isinstance(results[-2], RuntimeError) and isinstance(results[-1], UnknownPart)
    assert all(not isinstance(r, BaseException) for r in results[:-2])
    after = sqlite_store.write_stats
    assert after.transactions - before.transactions < 32, "the failures shared a group"
    texts = {m.text for m in (await sqlite_store.list_messages(limit=1000)).messages}
    assert "rolled back" not in texts and len(texts) == 30
    metrics = await sqlite_store.metrics()
    assert sum(metrics.queued_parts_by_priority.values()) == 30


async def test_a_bad_message_among_combined_enqueues_fails_alone(sqlite_store):
    before = sqlite_store.write_stats
    good = [sqlite_store.enqueue([new_message(f"ok{i}")]) for i in range(20)]
    bad = sqlite_store.enqueue([new_message("bad", metadata={"x": object()})])
    results = await asyncio.gather(*good, bad, return_exceptions=True)
    assert isinstance(results[-1], TypeError)
    assert all(not isinstance(r, BaseException) for r in results[:-1])
    assert sqlite_store.write_stats.transactions - before.transactions < 21
    texts = {m.text for m in (await sqlite_store.list_messages(limit=1000)).messages}
    assert texts == {f"ok{i}" for i in range(20)}
    assert sum((await sqlite_store.metrics()).queued_parts_by_priority.values()) == 20


async def test_fresh_and_older_schemas_migrate(tmp_path):
    for applied in range(len(MIGRATIONS) + 1):
        path = tmp_path / f"db{applied}.db"
        conn = sqlite3.connect(path, isolation_level=None)
        migrate(conn, T0, MIGRATIONS[:applied])
        if applied >= 1:
            conn.execute(
                "INSERT INTO messages (id, status, to_number, text, encoding, segments, priority,"
                " route, status_report, flash, concat_ref_bits, created_at, updated_at,"
                " queue_state, eligible_at, queued_parts) VALUES ('m_OLD', 'queued', '+4917012',"
                " 'old', 'gsm7', 1, 1, 'default', 1, 0, 8, ?, ?, 1, 0, 1)",
                (T0, T0),
            )
            conn.execute(
                "INSERT INTO parts (mid, seq, text, state, attempts, queued_at, updated_at)"
                " VALUES (1, 1, 'old', 'queued', 0, ?, ?)",
                (T0, T0),
            )
            conn.execute("INSERT INTO part_counts VALUES ('queued', '', 1, 1)")
        conn.close()
        store = await SqliteStore.open(path)
        try:
            check = sqlite3.connect(path)
            assert applied_migrations(check) == [m.name for m in MIGRATIONS]
            check.close()
            await store.enqueue([new_message("new")])
            if applied >= 1:
                assert (await store.get_message("m_OLD")).text == "old"
                c = await store.claim(M1, ["default"], now=T0 + 1, lease_seconds=60)
                assert c.message_id == "m_OLD"
                await store.mark_submitting(
                    c.parts[0].id, M1, now=T0 + 2, concat_ref=None, sim_id="8931440400012345678"
                )
                assert await store.segments_sent(since=T0, sim="8931440400012345678") == 0
        finally:
            await store.close()
    reopened = await SqliteStore.open(tmp_path / "db0.db")
    await reopened.close()


async def test_events_leased_under_the_old_schema_are_released_after_the_upgrade(tmp_path):
    path = tmp_path / "gateway.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, T0, MIGRATIONS[: MIGRATION_NAMES.index("0004_outbox_lease")])
    # As the old fetch left them: a lease was a next_attempt_at pushed 40 s ahead.
    for subject, next_attempt_at, attempts in (
        ("m_DUE", T0, 0),  # not yet fetched
        ("m_LEASED", T0 + 40, 0),  # in flight at the crash, first attempt
        ("m_RETRIED", T0 + 40, 1),  # a back-off (or the lease of a retry: cannot tell)
    ):
        conn.execute(
            "INSERT INTO outbox (endpoint, event, subject, payload, created_at,"
            " next_attempt_at, attempts, state, blocked) VALUES"
            " ('hook', 'message.status', ?, '{}', ?, ?, ?, 'pending', 0)",
            (subject, T0, next_attempt_at, attempts),
        )
    conn.close()
    store = await SqliteStore.open(path, endpoints=[EndpointSubscription("hook")])
    try:
        (due,) = await store.fetch_due_events(now=T0 + 1)
        assert due.subject == "m_DUE", "m_LEASED is still leased until T0 + 40"
        await store.ack_event(due.id, now=T0 + 1)
        assert await store.release_event_leases(now=T0 + 2) == 1
        (leased,) = await store.fetch_due_events(now=T0 + 2)
        assert (leased.subject, leased.next_attempt_at) == ("m_LEASED", T0)
        assert await store.fetch_due_events(now=T0 + 39) == ()
        (retried,) = await store.fetch_due_events(now=T0 + 40)
        assert retried.subject == "m_RETRIED"
    finally:
        await store.close()


def test_the_due_events_query_reads_an_index_not_the_outbox(tmp_path):
    conn = sqlite3.connect(tmp_path / "gateway.db", isolation_level=None)
    migrate(conn, T0)
    plans = {}
    for name, query in (
        ("fetch", DUE_EVENTS_SQL),
        ("release", "UPDATE outbox SET leased_until = NULL WHERE leased_until IS NOT NULL"),
    ):
        params = (T0,) * query.count("?")
        plans[name] = " ".join(
            row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {query}", params)
        )
    conn.close()
    assert "USING INDEX outbox_due" in plans["fetch"], plans
    assert "USING INDEX outbox_leased" in plans["release"], plans


async def test_the_event_loop_stays_free_during_heavy_writes(sqlite_store):
    lags = []
    done = asyncio.Event()

    async def probe():
        while not done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - start - 0.005)

    async def writes():
        for _ in range(20):
            await sqlite_store.enqueue([new_message(parts=3) for _ in range(500)])
        await sqlite_store.list_messages(limit=1000)
        done.set()

    started = time.perf_counter()
    await asyncio.gather(probe(), writes())
    elapsed = time.perf_counter() - started
    assert len(lags) > 20, "the probe hardly ran while writes were going on"
    assert max(lags) < max(0.25, elapsed / 10), f"loop blocked {max(lags):.3f}s of {elapsed:.1f}s"


async def test_two_stores_on_one_file_never_claim_the_same_part(tmp_path):
    path = tmp_path / "shared.db"
    first = await SqliteStore.open(path)
    second = await SqliteStore.open(path)
    try:
        await first.enqueue([new_message(f"m{i}") for i in range(120)])
        claimed: list[tuple[str, int]] = []

        async def drain(store, modem):
            while True:
                c = await store.claim(modem, ["default"], now=T0 + 1, lease_seconds=60)
                if c is None:
                    return
                claimed.extend((modem, part.id) for part in c.parts)

        await asyncio.gather(
            *(drain(s, f"{m}{n}") for s, m in ((first, M1), (second, M2)) for n in range(3))
        )
        part_ids = [part_id for _, part_id in claimed]
        assert len(part_ids) == len(set(part_ids)) == 120
    finally:
        await first.close()
        await second.close()


async def test_a_lock_held_too_long_is_store_unavailable(tmp_path):
    path = tmp_path / "locked.db"
    store = await SqliteStore.open(path, busy_timeout=0.2)
    try:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreUnavailable):
            await store.enqueue([new_message()])
        holder.execute("ROLLBACK")
        holder.close()
        (message_id,) = (await store.enqueue([new_message()])).ids
        assert (await store.get_message(message_id)).parts[0].state is PartState.QUEUED
    finally:
        await store.close()


async def test_close_drains_the_queued_writes(tmp_path):
    path = tmp_path / "drain.db"
    store = await SqliteStore.open(path)
    pending = [asyncio.ensure_future(store.enqueue([new_message(f"d{i}")])) for i in range(200)]
    await asyncio.sleep(0)
    await store.close()
    ids = [(await task).ids[0] for task in pending]
    with pytest.raises(StoreUnavailable):
        await store.enqueue([new_message()])
    reopened = await SqliteStore.open(path)
    try:
        assert len((await reopened.list_messages(limit=1000)).messages) == len(ids) == 200
    finally:
        await reopened.close()
