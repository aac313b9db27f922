"""The SQLite schema as named, ordered migrations, recorded in the table ``_migrations``.

In the sqlite-migrate model: each migration is a function of a ``sqlite_utils.Database``
with a name; ``migrate`` applies, in order, those not yet recorded, each in its own
transaction together with its record, under the write lock (two processes opening one
file at once apply each migration once). Never edit a released migration: add one.

Index design (why claims and enqueues do not slow down with the queue's size):

- ``messages_ready``: claimable, unpinned messages by (route, priority, mid); a claim
  reads the first entries of one route. ``messages_ready_pinned``: the same per modem.
- ``messages_waiting``: messages whose ``send_at`` or retry back-off lies ahead, by
  (route, eligible_at); a claim moves those now due to ready (``queue_state`` 0 -> 1).
- ``outbox_due``: pending, unblocked events by (next_attempt_at, id); a fetch reads the
  due ones and skips those under a live lease (only the events in flight, few).
  ``outbox_leased``: the events under a lease, so that releasing them at start does not
  read the whole outbox.
- Ids and ``mid`` grow with time, so inserts append to every index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class Migration:
    """One named schema step."""

    name: str
    apply: Callable[[sqlite_utils.Database], None]


def _core(db: sqlite_utils.Database) -> None:
    db["messages"].create(
        {
            "mid": int,
            "id": str,
            "status": str,
            "to_number": str,
            "text": str,
            "encoding": str,
            "locking": str,
            "single": str,
            "segments": int,
            "priority": int,
            "route": str,
            "send_at": float,
            "expires_at": float,
            "validity_minutes": int,
            "status_report": int,
            "flash": int,
            "concat_ref_bits": int,
            "metadata": str,
            "created_at": float,
            "updated_at": float,
            "finished_at": float,
            "concat_ref": int,
            "pinned_modem": str,
            "not_before": float,
            "avoid_modem": str,
            "avoid_until": float,
            # NULL: nothing claimable (no queued part, or a modem holds one);
            # 0: waiting for eligible_at; 1: ready to be claimed.
            "queue_state": int,
            "eligible_at": float,
            "queued_parts": int,
        },
        pk="mid",
        not_null={
            "id", "status", "to_number", "text", "encoding", "segments", "priority", "route",
            "status_report", "flash", "concat_ref_bits", "created_at", "updated_at",
            "eligible_at", "queued_parts",
        },
    )  # fmt: skip
    db["parts"].create(
        {
            "id": int,
            "mid": int,
            "seq": int,
            "text": str,
            "state": str,
            "modem": str,
            "mr": int,
            "error": str,
            "attempts": int,
            "queued_at": float,
            "updated_at": float,
            "claimed_at": float,
            "lease_until": float,
            "submitted_at": float,
            "sent_at": float,
            "finished_at": float,
        },
        pk="id",
        not_null={"mid", "seq", "text", "state", "attempts", "queued_at", "updated_at"},
        defaults={"attempts": 0},
    )
    db["history"].create(
        {
            "id": int,
            "mid": int,
            "seq": int,
            "from_state": str,
            "to_state": str,
            "at": float,
            "modem": str,
            "detail": str,
        },
        pk="id",
        not_null={"mid", "seq", "to_state", "at"},
    )
    db["part_counts"].create(
        {"state": str, "modem": str, "priority": int, "n": int},
        pk=("state", "modem", "priority"),
        not_null={"n"},
    )
    db["idempotency"].create(
        {"key": str, "body_hash": str, "ids": str, "response": str, "created_at": float},
        pk="key",
        not_null={"body_hash", "ids", "response", "created_at"},
    )
    db["api_keys"].create({"key_hash": str, "name": str, "created_at": float}, pk="key_hash")
    db["meta"].create({"key": str, "value": str}, pk="key")
    for statement in (
        "CREATE UNIQUE INDEX messages_id ON messages(id)",
        "CREATE INDEX messages_status ON messages(status, id)",
        "CREATE INDEX messages_ready ON messages(route, priority, mid)"
        " WHERE queue_state = 1 AND pinned_modem IS NULL",
        "CREATE INDEX messages_ready_pinned ON messages(pinned_modem, priority, mid)"
        " WHERE queue_state = 1 AND pinned_modem IS NOT NULL",
        "CREATE INDEX messages_waiting ON messages(route, eligible_at) WHERE queue_state = 0",
        "CREATE INDEX messages_expiring ON messages(expires_at)"
        " WHERE queued_parts > 0 AND expires_at IS NOT NULL",
        "CREATE INDEX messages_finished ON messages(finished_at) WHERE finished_at IS NOT NULL",
        "CREATE UNIQUE INDEX parts_message ON parts(mid, seq)",
        "CREATE INDEX parts_lease ON parts(lease_until) WHERE state = 'claimed'",
        "CREATE INDEX parts_held ON parts(modem) WHERE state IN ('claimed', 'submitting')",
        "CREATE INDEX parts_mr ON parts(modem, mr, sent_at) WHERE mr IS NOT NULL",
        "CREATE INDEX parts_submitted ON parts(modem, submitted_at) WHERE submitted_at IS NOT NULL",
        "CREATE INDEX history_message ON history(mid)",
        "CREATE INDEX idempotency_created ON idempotency(created_at)",
    ):
        db.execute(statement)


def _inbox_and_outbox(db: sqlite_utils.Database) -> None:
    db["inbound_parts"].create(
        {
            "id": int,
            "modem": str,
            "pdu_hex": str,
            "sender": str,
            "text": str,
            "ref": int,
            "total": int,
            "seq": int,
            "ref_bits": int,
            "scts": float,
            "received_at": float,
            "inbox_id": str,
        },
        pk="id",
        not_null={"modem", "pdu_hex", "sender", "text", "total", "seq", "ref_bits", "received_at"},
    )
    db["inbox"].create(
        {
            "rid": int,
            "id": str,
            "modem": str,
            "sender": str,
            "text": str,
            "parts": int,
            "partial": int,
            "received_at": float,
            "scts": float,
        },
        pk="rid",
        not_null={"id", "modem", "sender", "text", "parts", "partial", "received_at"},
    )
    db["outbox"].create(
        {
            "id": int,
            "endpoint": str,
            "event": str,
            "subject": str,
            "payload": str,
            "created_at": float,
            "next_attempt_at": float,
            "attempts": int,
            "last_error": str,
            # pending, delivered or given_up
            "state": str,
            # 1 while an earlier event of the same (endpoint, subject) is pending
            "blocked": int,
            "finished_at": float,
        },
        pk="id",
        not_null={
            "endpoint", "event", "subject", "payload", "created_at", "next_attempt_at",
            "attempts", "state", "blocked",
        },
        defaults={"attempts": 0},
    )  # fmt: skip
    for statement in (
        "CREATE UNIQUE INDEX inbound_pdu ON inbound_parts(modem, pdu_hex)",
        "CREATE INDEX inbound_pending ON inbound_parts(id) WHERE inbox_id IS NULL",
        "CREATE INDEX inbound_done ON inbound_parts(received_at) WHERE inbox_id IS NOT NULL",
        "CREATE UNIQUE INDEX inbox_id ON inbox(id)",
        "CREATE INDEX outbox_due ON outbox(next_attempt_at, id)"
        " WHERE state = 'pending' AND blocked = 0",
        "CREATE INDEX outbox_chain ON outbox(endpoint, subject, id) WHERE state = 'pending'",
        "CREATE INDEX outbox_finished ON outbox(finished_at) WHERE state != 'pending'",
    ):
        db.execute(statement)


def _part_sim(db: sqlite_utils.Database) -> None:
    # Quotas are per SIM (ICCID) as well as per modem: a SIM moved to another dongle keeps
    # its count.
    db["parts"].add_column("sim", str)
    db.execute(
        "CREATE INDEX parts_sim ON parts(sim, submitted_at)"
        " WHERE sim IS NOT NULL AND submitted_at IS NOT NULL"
    )


def _outbox_lease(db: sqlite_utils.Database) -> None:
    # A lease (an attempt in flight) is kept apart from the retry schedule, so that a new
    # process can tell the two apart and hand out at once what a dead one had in flight.
    db["outbox"].add_column("leased_until", float)
    # Before, a lease was written into next_attempt_at. Only a lease moves it past
    # created_at while attempts is 0 (a retry counts an attempt), so those events were in
    # flight: record them as leased. A leased event already retried cannot be told from
    # one backing off: it stays as it was (due when that time comes).
    db.execute(
        "UPDATE outbox SET leased_until = next_attempt_at, next_attempt_at = created_at"
        " WHERE state = 'pending' AND attempts = 0 AND next_attempt_at > created_at"
    )
    db.execute("CREATE INDEX outbox_leased ON outbox(id) WHERE leased_until IS NOT NULL")


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_core", _core),
    Migration("0002_inbox_outbox", _inbox_and_outbox),
    Migration("0003_part_sim", _part_sim),
    Migration("0004_outbox_lease", _outbox_lease),
)


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations recorded in the database, in the order applied."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'"
    ).fetchone()
    if not exists:
        return []
    return [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def migrate(
    conn: sqlite3.Connection, now: float, migrations: Sequence[Migration] = MIGRATIONS
) -> list[str]:
    """Apply the migrations not yet recorded, in order; returns the names applied now.

    ``conn`` must be in autocommit mode (``isolation_level=None``); ``now`` is recorded
    with each migration.
    """
    db = sqlite_utils.Database(conn, execute_plugins=False)
    done_now = []
    for migration in migrations:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL)"
            )
            if migration.name in applied_migrations(conn):
                conn.execute("COMMIT")
                continue
            migration.apply(db)
            conn.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (migration.name, now)
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        done_now.append(migration.name)
    return done_now
