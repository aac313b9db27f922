"""SqliteStore: the ``Store`` interface on one SQLite file (the embedded default).

- WAL and ``synchronous=FULL``: a write's future resolves only after its COMMIT is on disk.
- All writes go through one writer thread with group commit (``sqlite_writer.Writer``);
  reads run on their own connections in a small thread pool, each in a read transaction
  (a consistent snapshot). Nothing blocks the event loop.
- Schema by named migrations (``sqlite_schema``); stdlib ``sqlite3`` on every hot path.
- Two stores (or processes) on one file are safe: writes take the lock with ``BEGIN
  IMMEDIATE`` and claims update parts only ``WHERE state = 'queued'``. Wake-ups reach only
  this process's subscribers; others see new work at their next timeout.
- SQLite's own failures (locked past ``busy_timeout``, disk full, read-only, I/O) are
  ``StoreUnavailable``.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from gsmgateway.sms.dcs import Encoding
from gsmgateway.store import rules
from gsmgateway.store.errors import (
    IdempotencyConflict,
    InboundConflict,
    StoreUnavailable,
    UnknownPart,
)
from gsmgateway.store.ids import IdGenerator
from gsmgateway.store.interface import (
    EVENT_MESSAGE_RECEIVED,
    EVENT_MESSAGE_STATUS,
    CancelOutcome,
    CancelResult,
    Claim,
    ClaimedPart,
    EndpointSubscription,
    EnqueueResult,
    HistoryEntry,
    Idempotency,
    InboundPartAdded,
    InboxMessage,
    InboxPage,
    Message,
    MessagePage,
    NewMessage,
    OutboxEvent,
    Part,
    Priority,
    RecoveryReport,
    ReportOutcome,
    StoredInboundPart,
    StoreMetrics,
    WorkSignal,
    WriteStats,
)
from gsmgateway.store.signals import WorkNotifier
from gsmgateway.store.sqlite_schema import migrate
from gsmgateway.store.sqlite_writer import Writer, unavailable
from gsmgateway.store.states import (
    ACTIVE_STATES,
    HELD_STATES,
    NOTIFIED_STATUSES,
    PINNING_STATES,
    TERMINAL_STATES,
    MessageStatus,
    PartEvent,
    PartState,
    derive_status,
)

T = TypeVar("T")

_FINISHING = TERMINAL_STATES | {PartState.UNKNOWN}
_CLAIM_PAGE = 16
_PROMOTE_LIMIT = 256
_EXPIRE_BATCH = 256
_QUEUED = PartState.QUEUED.value
_CLAIMED = PartState.CLAIMED.value

MESSAGE_COLUMNS = (
    "mid, id, status, to_number, text, encoding, locking, single, segments, priority, route,"
    " send_at, expires_at, validity_minutes, status_report, flash, concat_ref_bits, metadata,"
    " created_at, updated_at, finished_at, concat_ref, pinned_modem, not_before, avoid_modem,"
    " avoid_until"
)
PART_COLUMNS = (
    "id, mid, seq, text, state, modem, mr, error, attempts, queued_at, updated_at, claimed_at,"
    " lease_until, submitted_at, sent_at, finished_at"
)


def _part_view(row: Sequence[Any]) -> Part:
    return Part(
        id=row[0],
        seq=row[2],
        state=PartState(row[4]),
        text=row[3],
        modem=row[5],
        mr=row[6],
        error=row[7],
        attempts=row[8],
        queued_at=row[9],
        updated_at=row[10],
        claimed_at=row[11],
        lease_until=row[12],
        submitted_at=row[13],
        sent_at=row[14],
        finished_at=row[15],
    )


def _message_view(
    row: Sequence[Any], parts: tuple[Part, ...], history: tuple[HistoryEntry, ...]
) -> Message:
    return Message(
        id=row[1],
        status=MessageStatus(row[2]),
        to=row[3],
        text=row[4],
        encoding=Encoding(row[5]),
        locking=row[6],
        single=row[7],
        segments=row[8],
        priority=Priority.from_rank(row[9]),
        route=row[10],
        send_at=row[11],
        expires_at=row[12],
        validity_minutes=row[13],
        status_report=bool(row[14]),
        flash=bool(row[15]),
        created_at=row[18],
        updated_at=row[19],
        metadata=None if row[17] is None else json.loads(row[17]),
        concat_ref=row[21],
        pinned_modem=row[22],
        parts=parts,
        history=history,
    )


def _inbox_view(row: Sequence[Any]) -> InboxMessage:
    return InboxMessage(
        id=row[0],
        modem=row[1],
        sender=row[2],
        text=row[3],
        parts=row[4],
        partial=bool(row[5]),
        received_at=row[6],
        scts=row[7],
    )


def _placeholders(count: int) -> str:
    return ",".join("?" * count)


# New rows are written by multi-row INSERTs, not executemany. Each SQLite call releases
# the GIL and must take it back, which waits while the event loop runs Python (up to
# the interpreter's switch interval): executemany pays that per row, one multi-row
# statement once, and its SQLite work runs beside the loop's Python. A statement holds
# up to _ROW_CHUNK rows; a shorter one is padded to a power of two with rows of zeros,
# which its WHERE drops, so that a dozen statements serve every size.
_ROW_CHUNK = 1024

# The message columns a new message may leave NULL, in the order of ``optional`` in
# ``SqliteStore._insert_messages``. Python's sqlite3 binds None (and bool) through its
# adapter lookup, several times dearer than an int or a str, so NULLs are not bound:
# there is one INSERT per shape (which of these columns have a value).
_OPTIONAL_COLUMNS = (
    "locking", "single", "send_at", "expires_at", "validity_minutes", "metadata"
)  # fmt: skip
_NO_OPTIONAL = (None,) * len(_OPTIONAL_COLUMNS)
_PLAIN_SHAPE = (False,) * len(_OPTIONAL_COLUMNS)
_MESSAGE_WIDTH = 14  # values of a message row before its optional ones
_PART_WIDTH = 4


def _values(width: int, rows: int) -> str:
    row = "(" + ",".join("?" * width) + ")"
    return ",".join([row] * rows)


@functools.lru_cache(maxsize=64)
def _message_insert(shape: tuple[bool, ...], rows: int) -> str:
    """The INSERT of ``rows`` new message rows whose optional columns with a value are
    ``shape`` (row values: see ``_insert_messages``; rows with mid 0 are padding)."""
    given = [name for name, present in zip(_OPTIONAL_COLUMNS, shape, strict=True) if present]
    extra = "".join(f", {name}" for name in given)
    extra_values = "".join(f", column{_MESSAGE_WIDTH + 1 + i}" for i in range(len(given)))
    return (
        "INSERT INTO messages (mid, id, status, to_number, text, encoding, segments, priority,"
        " route, status_report, flash, concat_ref_bits, created_at, updated_at, queue_state,"
        f" eligible_at, queued_parts{extra}) SELECT column1, column2, 'queued', column3,"
        " column4, column5, column6, column7, column8, column9, column10, column11, column12,"
        f" column12, column13, column14, column6{extra_values}"
        f" FROM (VALUES {_values(_MESSAGE_WIDTH + len(given), rows)}) WHERE column1 > 0"
    )


@functools.lru_cache(maxsize=16)
def _part_insert(rows: int) -> str:
    """The INSERT of ``rows`` new queued parts: (mid, seq, text, queued_at) each."""
    return (
        "INSERT INTO parts (mid, seq, text, state, attempts, queued_at, updated_at)"
        " SELECT column1, column2, column3, 'queued', 0, column4, column4"
        f" FROM (VALUES {_values(_PART_WIDTH, rows)}) WHERE column1 > 0"
    )


def _insert_rows(
    conn: sqlite3.Connection,
    statement: Callable[[int], str],
    width: int,
    rows: list[tuple[Any, ...]],
) -> None:
    """Run ``statement(size)`` over ``rows`` (each ``width`` values, the first > 0)."""
    for start in range(0, len(rows), _ROW_CHUNK):
        chunk = rows[start : start + _ROW_CHUNK]
        size = 1 << (len(chunk) - 1).bit_length()
        values = list(itertools.chain.from_iterable(chunk))
        if size > len(chunk):
            values.extend((0,) * (width * (size - len(chunk))))
        conn.execute(statement(size), values)


class _Tx:
    """One write request's view of the connection: part moves, counters, events."""

    def __init__(self, conn: sqlite3.Connection, store: SqliteStore) -> None:
        self.conn = conn
        self.store = store
        self.counts: dict[tuple[str, str, int], int] = {}

    def count(self, state: str, modem: str | None, priority: int, delta: int) -> None:
        key = (state, modem or "", priority)
        self.counts[key] = self.counts.get(key, 0) + delta

    def merge_into(self, group: dict[tuple[str, str, int], int]) -> None:
        """Add this request's counter changes to its commit group's (written once)."""
        for key, delta in self.counts.items():
            group[key] = group.get(key, 0) + delta

    # --- parts ---------------------------------------------------------------------------

    def part(self, part_id: int) -> tuple[Any, ...]:
        """(id, mid, seq, state, modem, priority) of one part."""
        row = self.conn.execute(
            "SELECT p.id, p.mid, p.seq, p.state, p.modem, m.priority"
            " FROM parts p JOIN messages m ON m.mid = p.mid WHERE p.id = ?",
            (part_id,),
        ).fetchone()
        if row is None:
            raise UnknownPart(f"no part {part_id}")
        return row

    def step(
        self,
        part: Sequence[Any],
        target: PartState,
        now: float,
        *,
        modem: str | None = None,
        detail: str | None = None,
        assign: str = "",
        values: Sequence[Any] = (),
        holder: str | None = None,
    ) -> None:
        """Move ``part`` (a row from ``part``) to ``target``: one conditional row change,
        its history row and the counters. ``assign`` adds ``col = ?`` pairs; ``holder``
        sets the part's modem (a claim)."""
        part_id, mid, seq, state, old_modem, priority = part[:6]
        sets = "state = ?, updated_at = ?"
        if target in _FINISHING:
            sets += ", finished_at = ?"
            args: list[Any] = [target.value, now, now]
        else:
            args = [target.value, now]
        new_modem = old_modem
        if target is PartState.QUEUED:
            sets += ", modem = NULL, lease_until = NULL"
            new_modem = None
        if holder is not None:
            sets += ", modem = ?"
            args.append(holder)
            new_modem = holder
        if assign:
            sets += ", " + assign
            args.extend(values)
        changed = self.conn.execute(
            f"UPDATE parts SET {sets} WHERE id = ? AND state = ?", (*args, part_id, state)
        ).rowcount
        if changed != 1:
            raise StoreUnavailable(f"part {part_id} changed under a write transaction")
        self.conn.execute(
            "INSERT INTO history (mid, seq, from_state, to_state, at, modem, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (mid, seq, state, target.value, now, modem, detail),
        )
        self.count(state, old_modem, priority, -1)
        self.count(target.value, new_modem, priority, +1)

    def parts_of(self, mid: int, states: Iterable[PartState]) -> list[tuple[Any, ...]]:
        wanted = [state.value for state in states]
        return self.conn.execute(
            "SELECT p.id, p.mid, p.seq, p.state, p.modem, m.priority, p.text"
            " FROM parts p JOIN messages m ON m.mid = p.mid"
            f" WHERE p.mid = ? AND p.state IN ({_placeholders(len(wanted))}) ORDER BY p.seq",
            (mid, *wanted),
        ).fetchall()

    def fail_siblings(self, mid: int, now: float) -> tuple[int, ...]:
        failed = []
        for part in self.parts_of(mid, (PartState.QUEUED, PartState.CLAIMED)):
            target = rules.move(part[0], PartState(part[3]), PartEvent.SIBLING_FAILED)
            self.step(
                part,
                target,
                now,
                detail=rules.ANOTHER_PART_FAILED,
                assign="error = ?",
                values=(rules.ANOTHER_PART_FAILED,),
            )
            failed.append(part[0])
        return tuple(failed)

    # --- messages ------------------------------------------------------------------------

    def refresh(self, mid: int, now: float) -> None:
        """Re-derive a message's status and queue fields from its parts; queue the event."""
        conn = self.conn
        message = conn.execute(
            "SELECT id, status, to_number, metadata, send_at, not_before, finished_at"
            " FROM messages WHERE mid = ?",
            (mid,),
        ).fetchone()
        rows = conn.execute("SELECT state, error FROM parts WHERE mid = ?", (mid,)).fetchall()
        states = [PartState(row[0]) for row in rows]
        status = derive_status(states)
        present = set(states)
        queued = states.count(PartState.QUEUED)
        eligible = rules.eligible_at(message[4], message[5])
        queue_state: int | None = None
        if queued and not present & HELD_STATES:
            queue_state = 1 if eligible <= now else 0
        finished_at = (message[6] or now) if not present & ACTIVE_STATES else None
        conn.execute(
            "UPDATE messages SET status = ?, updated_at = ?, finished_at = ?, queue_state = ?,"
            " eligible_at = ?, queued_parts = ? WHERE mid = ?",
            (status.value, now, finished_at, queue_state, eligible, queued, mid),
        )
        previous = MessageStatus(message[1])
        if status is not previous and status in NOTIFIED_STATUSES:
            error = next((row[1] for row in rows if row[0] == PartState.FAILED.value), None)
            payload = rules.status_payload(
                message_id=message[0],
                status=status,
                previous=previous,
                to=message[2],
                at=now,
                error=error,
                metadata=None if message[3] is None else json.loads(message[3]),
            )
            self.add_events(EVENT_MESSAGE_STATUS, message[0], payload, now)

    def add_events(self, event: str, subject: str, payload: dict[str, Any], now: float) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        for endpoint in rules.endpoints_for(self.store.endpoints, event):
            blocked = self.conn.execute(
                "SELECT 1 FROM outbox WHERE state = 'pending' AND endpoint = ? AND subject = ?"
                " LIMIT 1",
                (endpoint, subject),
            ).fetchone()
            self.conn.execute(
                "INSERT INTO outbox (endpoint, event, subject, payload, created_at,"
                " next_attempt_at, attempts, state, blocked)"
                " VALUES (?, ?, ?, ?, ?, ?, 0, 'pending', ?)",
                (endpoint, event, subject, text, now, now, 1 if blocked else 0),
            )

    def expire_message(self, mid: int, now: float) -> None:
        for part in self.parts_of(mid, (PartState.QUEUED,)):
            self.step(part, PartState.EXPIRED, now, detail="validity passed")
        self.refresh(mid, now)

    def message_mid(self, message_id: str) -> int | None:
        row = self.conn.execute("SELECT mid FROM messages WHERE id = ?", (message_id,)).fetchone()
        return None if row is None else row[0]


# Due (read along outbox_due) and not in flight: the few events under a live lease are
# skipped, those whose lease ran out are due again.
DUE_EVENTS_SQL = (
    "SELECT id, endpoint, event, subject, payload, created_at, attempts,"
    " next_attempt_at, last_error FROM outbox"
    " WHERE state = 'pending' AND blocked = 0 AND next_attempt_at <= ?"
    " AND (leased_until IS NULL OR leased_until <= ?)"
    " ORDER BY next_attempt_at, id LIMIT ?"
)


class SqliteStore:
    """The store on a SQLite file; open it with ``await SqliteStore.open(path)``."""

    def __init__(self) -> None:
        raise TypeError("use 'await SqliteStore.open(path)'")

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        *,
        endpoints: Sequence[EndpointSubscription] = (),
        busy_timeout: float = 5.0,
        readers: int = 2,
        cache_mb: int = 64,
    ) -> SqliteStore:
        """Open (creating and migrating as needed) the database at ``path``.

        ``endpoints`` are the webhook endpoints events are queued for; ``busy_timeout``
        is how long a write waits for another process's lock before StoreUnavailable.
        """
        self = object.__new__(cls)
        self._path = os.fspath(path)
        self.endpoints = tuple(endpoints)
        self._busy_ms = int(busy_timeout * 1000)
        self._cache_kib = cache_mb * 1024
        self._message_ids = IdGenerator("m_")
        self._inbox_ids = IdGenerator("in_")
        self._notifier = WorkNotifier()
        # Part counter changes of the requests of one commit group (writer thread only):
        # one upsert per key per transaction instead of one per request.
        self._group_counts: dict[tuple[str, str, int], int] = {}
        self._local = threading.local()
        self._reader_connections: list[sqlite3.Connection] = []
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="gsmgateway-store-read")
        self._closed = False
        loop = asyncio.get_running_loop()
        try:
            self._writer = await loop.run_in_executor(
                None,
                lambda: Writer(
                    self._connect_writer,
                    before_commit=self._write_counts,
                    on_abort=self._group_counts.clear,
                ),
            )
        except sqlite3.Error as error:
            self._readers.shutdown(wait=False)
            raise unavailable(error) from None
        return self

    # --- connections ---------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
        conn.execute(f"PRAGMA cache_size = -{self._cache_kib}")
        return conn

    def _connect_writer(self) -> sqlite3.Connection:
        conn = self._connect()
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreUnavailable(f"{self._path}: WAL mode unavailable (got {mode})")
        # FULL: in WAL mode every COMMIT is fsynced, so an acknowledged write survives a
        # power cut (NORMAL would only survive a process crash).
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = OFF")
        # The only clock read of the store: the time a migration was applied, for the record.
        migrate(conn, time.time())
        return conn

    def _write_counts(self, conn: sqlite3.Connection) -> None:
        changes = [(s, m, p, n) for (s, m, p), n in self._group_counts.items() if n]
        self._group_counts.clear()
        if changes:
            conn.executemany(
                "INSERT INTO part_counts (state, modem, priority, n) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (state, modem, priority) DO UPDATE SET n = n + excluded.n",
                changes,
            )

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            conn.execute("PRAGMA query_only = 1")
            self._local.conn = conn
            self._reader_connections.append(conn)
        return conn

    async def _read(self, function: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise StoreUnavailable("the store is closed")

        def run() -> T:
            conn = self._reader()
            try:
                conn.execute("BEGIN")
                try:
                    return function(conn)
                finally:
                    conn.execute("COMMIT")
            except sqlite3.Error as error:
                raise unavailable(error) from None

        return await asyncio.get_running_loop().run_in_executor(self._readers, run)

    async def _write(self, body: Callable[[_Tx], T]) -> T:
        def run(conn: sqlite3.Connection) -> T:
            tx = _Tx(conn, self)
            result = body(tx)
            tx.merge_into(self._group_counts)
            return result

        return await self._writer.submit(run)

    @property
    def write_stats(self) -> WriteStats:
        """Requests run and transactions committed by the writer (group commit ratio)."""
        return self._writer.stats

    def work_signal(self) -> WorkSignal:
        """A new subscription to wake-ups after commits of this process that queue parts."""
        return self._notifier.subscribe()

    # --- messages ------------------------------------------------------------------------

    def _insert_messages(self, tx: _Tx, messages: Sequence[NewMessage]) -> list[str]:
        """Insert queued messages and their parts; their new ids, in order."""
        conn = tx.conn
        # Within BEGIN IMMEDIATE nobody else inserts, so mids can be assigned here and
        # both tables written with a few multi-row INSERTs (one per shape of message row).
        (mid,) = conn.execute("SELECT coalesce(max(mid), 0) FROM messages").fetchone()
        next_id = self._message_ids.next_id
        ids = []
        rows_by_shape: dict[tuple[bool, ...], list[tuple[Any, ...]]] = {}
        plain_rows = rows_by_shape[_PLAIN_SHAPE] = []
        part_rows = []
        per_rank: dict[int, int] = {}
        for new in messages:
            mid += 1
            message_id = next_id(new.created_at)
            created = new.created_at
            send_at = new.send_at
            eligible = send_at if send_at is not None and send_at > 0 else 0.0
            rank = new.priority.rank
            segments = new.segments
            count = len(segments)
            metadata = new.metadata
            row = (
                mid,
                message_id,
                new.to,
                new.text,
                new.encoding.value,
                count,
                rank,
                new.route,
                1 if new.status_report else 0,
                1 if new.flash else 0,
                new.concat_ref_bits,
                created,
                1 if eligible <= created else 0,
                eligible,
            )
            optional = (
                new.locking,
                new.single,
                send_at,
                new.expires_at,
                new.validity_minutes,
                None if metadata is None else json.dumps(metadata),
            )
            if optional == _NO_OPTIONAL:
                plain_rows.append(row)
            else:
                shape = tuple(value is not None for value in optional)
                rows_by_shape.setdefault(shape, []).append(
                    row + tuple(value for value in optional if value is not None)
                )
            if count == 1:
                part_rows.append((mid, 1, segments[0], created))
            else:
                for seq, text in enumerate(segments, start=1):
                    part_rows.append((mid, seq, text, created))
            per_rank[rank] = per_rank.get(rank, 0) + count
            ids.append(message_id)
        for shape, rows in rows_by_shape.items():
            if rows:
                width = _MESSAGE_WIDTH + sum(shape)
                _insert_rows(conn, functools.partial(_message_insert, shape), width, rows)
        _insert_rows(conn, _part_insert, _PART_WIDTH, part_rows)
        for rank, count in per_rank.items():
            tx.count(_QUEUED, None, rank, count)
        return ids

    def _enqueue_combined(
        self, conn: sqlite3.Connection, payloads: list[tuple[NewMessage, ...]]
    ) -> list[EnqueueResult]:
        """Plain enqueues of one commit group, inserted together (``_insert_messages``)."""
        tx = _Tx(conn, self)
        ids = self._insert_messages(tx, [new for payload in payloads for new in payload])
        tx.merge_into(self._group_counts)
        results, start = [], 0
        for payload in payloads:
            results.append(EnqueueResult(tuple(ids[start : start + len(payload)])))
            start += len(payload)
        return results

    async def enqueue(
        self, messages: Sequence[NewMessage], *, idempotency: Idempotency | None = None
    ) -> EnqueueResult:
        """See ``Store.enqueue``."""
        messages = tuple(messages)
        if idempotency is None:
            result = await self._writer.submit_combined(self._enqueue_combined, messages)
            self._notifier.notify()
            return result

        def body(tx: _Tx) -> EnqueueResult:
            conn = tx.conn
            row = conn.execute(
                "SELECT body_hash, ids, response FROM idempotency WHERE key = ?",
                (idempotency.key,),
            ).fetchone()
            if row is not None:
                if row[0] != idempotency.body_hash:
                    raise IdempotencyConflict(idempotency.key)
                return EnqueueResult(tuple(json.loads(row[1])), row[2], replayed=True)
            ids = self._insert_messages(tx, messages)
            response = idempotency.render(tuple(ids))
            conn.execute(
                "INSERT INTO idempotency (key, body_hash, ids, response, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    idempotency.key,
                    idempotency.body_hash,
                    json.dumps(ids),
                    response,
                    messages[0].created_at if messages else 0.0,
                ),
            )
            return EnqueueResult(tuple(ids), response)

        result = await self._write(body)
        if not result.replayed:
            self._notifier.notify()
        return result

    def _read_messages(
        self, conn: sqlite3.Connection, rows: list[Any], *, history: bool
    ) -> list[Message]:
        if not rows:
            return []
        mids = [row[0] for row in rows]
        marks = _placeholders(len(mids))
        parts: dict[int, list[Part]] = {mid: [] for mid in mids}
        for part in conn.execute(
            f"SELECT {PART_COLUMNS} FROM parts WHERE mid IN ({marks}) ORDER BY mid, seq", mids
        ):
            parts[part[1]].append(_part_view(part))
        entries: dict[int, list[HistoryEntry]] = {mid: [] for mid in mids}
        if history:
            for entry in conn.execute(
                "SELECT mid, seq, from_state, to_state, at, modem, detail FROM history"
                f" WHERE mid IN ({marks}) ORDER BY id",
                mids,
            ):
                entries[entry[0]].append(
                    HistoryEntry(
                        entry[1],
                        None if entry[2] is None else PartState(entry[2]),
                        PartState(entry[3]),
                        entry[4],
                        entry[5],
                        entry[6],
                    )
                )
        out = []
        for row in rows:
            created = tuple(
                HistoryEntry(part.seq, None, PartState.QUEUED, row[18]) for part in parts[row[0]]
            )
            out.append(
                _message_view(
                    row,
                    tuple(parts[row[0]]),
                    created + tuple(entries[row[0]]) if history else (),
                )
            )
        return out

    async def get_message(self, message_id: str) -> Message | None:
        """See ``Store.get_message``."""

        def read(conn: sqlite3.Connection) -> Message | None:
            rows = conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)
            ).fetchall()
            found = self._read_messages(conn, rows, history=True)
            return found[0] if found else None

        return await self._read(read)

    async def list_messages(
        self, *, status: MessageStatus | None = None, limit: int = 100, after: str | None = None
    ) -> MessagePage:
        """See ``Store.list_messages``."""
        rules.check_page_limit(limit)

        def read(conn: sqlite3.Connection) -> MessagePage:
            where, args = [], []
            if status is not None:
                where.append("status = ?")
                args.append(status.value)
            if after is not None:
                where.append("id < ?")
                args.append(after)
            clause = f"WHERE {' AND '.join(where)}" if where else ""
            rows = conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages {clause} ORDER BY id DESC LIMIT ?",
                (*args, limit + 1),
            ).fetchall()
            more = len(rows) > limit
            found = tuple(self._read_messages(conn, rows[:limit], history=False))
            return MessagePage(found, found[-1].id if more else None)

        return await self._read(read)

    async def cancel(self, message_id: str, *, now: float) -> CancelResult:
        """See ``Store.cancel``."""

        def body(tx: _Tx) -> CancelResult:
            row = tx.conn.execute(
                "SELECT mid, status FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None:
                return CancelResult(CancelOutcome.NOT_FOUND, None)
            mid, status = row[0], MessageStatus(row[1])
            if status is MessageStatus.CANCELLED:
                return CancelResult(CancelOutcome.CANCELLED, status)
            states = {
                PartState(r[0])
                for r in tx.conn.execute("SELECT state FROM parts WHERE mid = ?", (mid,))
            }
            cancellable = {PartState.QUEUED, PartState.CLAIMED}
            if not states & cancellable or not states <= cancellable | {PartState.EXPIRED}:
                return CancelResult(CancelOutcome.CONFLICT, status)
            for part in tx.parts_of(mid, cancellable):
                tx.step(part, PartState.CANCELLED, now, modem=part[4], detail="cancelled")
            tx.refresh(mid, now)
            return CancelResult(CancelOutcome.CANCELLED, MessageStatus.CANCELLED)

        return await self._write(body)

    # --- claims --------------------------------------------------------------------------

    async def claim(
        self,
        modem_id: str,
        routes: Sequence[str],
        *,
        now: float,
        lease_seconds: float,
        max_segments: int | None = None,
    ) -> Claim | None:
        """See ``Store.claim``."""
        routes = tuple(dict.fromkeys(routes))
        return await self._write(
            lambda tx: self._claim(tx, modem_id, routes, now, lease_seconds, max_segments)
        )

    def _claim(
        self,
        tx: _Tx,
        modem_id: str,
        routes: tuple[str, ...],
        now: float,
        lease_seconds: float,
        max_segments: int | None,
    ) -> Claim | None:
        conn = tx.conn
        for route in routes:
            conn.execute(
                # Bounded, so that a schedule of many messages due at the same moment costs
                # several claims a little each rather than one claim a lot.
                "UPDATE messages SET queue_state = 1 WHERE mid IN (SELECT mid FROM messages"
                " WHERE queue_state = 0 AND route = ? AND eligible_at <= ?"
                f" ORDER BY eligible_at LIMIT {_PROMOTE_LIMIT})",
                (route, now),
            )
        columns = "mid, priority, eligible_at, expires_at, avoid_modem, avoid_until, queued_parts"

        def first(where: str, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
            last: tuple[int, int] | None = None
            while True:
                page_where = where + (" AND (priority, mid) > (?, ?)" if last else "")
                rows = conn.execute(
                    f"SELECT {columns} FROM messages WHERE {page_where}"
                    f" ORDER BY priority, mid LIMIT {_CLAIM_PAGE}",
                    (*args, *(last or ())),
                ).fetchall()
                for row in rows:
                    verdict = rules.claim_verdict(
                        modem_id=modem_id,
                        now=now,
                        eligible=row[2],
                        expires_at=row[3],
                        avoid_modem=row[4],
                        avoid_until=row[5],
                        queued_parts=row[6],
                        max_segments=max_segments,
                    )
                    if verdict is rules.ClaimVerdict.TAKE:
                        return row
                    if verdict is rules.ClaimVerdict.EXPIRE:
                        tx.expire_message(row[0], now)
                if len(rows) < _CLAIM_PAGE:
                    return None
                last = (rows[-1][1], rows[-1][0])

        found = first(
            "queue_state = 1 AND pinned_modem = ? AND pinned_modem IS NOT NULL", (modem_id,)
        )
        if found is None:
            candidates = [
                row
                for route in routes
                if (row := first("queue_state = 1 AND pinned_modem IS NULL AND route = ?",
                                 (route,)))
                is not None
            ]  # fmt: skip
            if not candidates:
                return None
            found = min(candidates, key=lambda row: (row[1], row[0]))
        mid = found[0]
        lease_until = now + lease_seconds
        parts = tx.parts_of(mid, (PartState.QUEUED,))
        for part in parts:
            tx.step(
                part,
                PartState.CLAIMED,
                now,
                modem=modem_id,
                holder=modem_id,
                assign="claimed_at = ?, lease_until = ?",
                values=(now, lease_until),
            )
        tx.refresh(mid, now)
        m = conn.execute(
            "SELECT id, to_number, encoding, locking, single, segments, concat_ref,"
            " concat_ref_bits, status_report, flash, validity_minutes, expires_at, priority,"
            " route FROM messages WHERE mid = ?",
            (mid,),
        ).fetchone()
        return Claim(
            message_id=m[0],
            modem_id=modem_id,
            lease_until=lease_until,
            to=m[1],
            encoding=Encoding(m[2]),
            locking=m[3],
            single=m[4],
            total=m[5],
            concat_ref=m[6],
            concat_ref_bits=m[7],
            status_report=bool(m[8]),
            flash=bool(m[9]),
            validity_minutes=m[10],
            expires_at=m[11],
            priority=Priority.from_rank(m[12]),
            route=m[13],
            parts=tuple(ClaimedPart(part[0], part[2], part[6]) for part in parts),
        )

    def _held(self, tx: _Tx, message_id: str, modem_id: str) -> tuple[int | None, list]:
        mid = tx.message_mid(message_id)
        if mid is None:
            return None, []
        held = [p for p in tx.parts_of(mid, (PartState.CLAIMED,)) if p[4] == modem_id]
        return mid, held

    async def renew_lease(
        self, message_id: str, modem_id: str, *, now: float, lease_seconds: float
    ) -> bool:
        """See ``Store.renew_lease``."""

        def body(tx: _Tx) -> bool:
            mid = tx.message_mid(message_id)
            if mid is None:
                return False
            changed = tx.conn.execute(
                "UPDATE parts SET lease_until = ? WHERE mid = ? AND state = 'claimed'"
                " AND modem = ?",
                (now + lease_seconds, mid, modem_id),
            ).rowcount
            return changed > 0

        return await self._write(body)

    async def release(self, message_id: str, modem_id: str, *, now: float) -> int:
        """See ``Store.release``."""

        def body(tx: _Tx) -> int:
            mid, held = self._held(tx, message_id, modem_id)
            if mid is None or not held:
                return 0
            for part in held:
                tx.step(part, PartState.QUEUED, now, modem=modem_id, detail="released")
            tx.refresh(mid, now)
            return len(held)

        count = await self._write(body)
        if count:
            self._notifier.notify()
        return count

    async def reclaim_expired_leases(self, *, now: float) -> int:
        """See ``Store.reclaim_expired_leases``."""

        def body(tx: _Tx) -> int:
            rows = tx.conn.execute(
                "SELECT p.id, p.mid, p.seq, p.state, p.modem, m.priority"
                " FROM parts p JOIN messages m ON m.mid = p.mid"
                " WHERE p.state = 'claimed' AND p.lease_until < ?",
                (now,),
            ).fetchall()
            for part in rows:
                tx.step(part, PartState.QUEUED, now, modem=part[4], detail="lease expired")
            for mid in {part[1] for part in rows}:
                tx.refresh(mid, now)
            return len(rows)

        count = await self._write(body)
        if count:
            self._notifier.notify()
        return count

    async def unpin(self, message_id: str, *, now: float) -> bool:
        """See ``Store.unpin``."""

        def body(tx: _Tx) -> bool:
            row = tx.conn.execute(
                "SELECT mid FROM messages WHERE id = ? AND pinned_modem IS NOT NULL",
                (message_id,),
            ).fetchone()
            if row is None:
                return False
            tx.conn.execute(
                "UPDATE messages SET pinned_modem = NULL, concat_ref = NULL WHERE mid = ?",
                (row[0],),
            )
            tx.refresh(row[0], now)
            return True

        done = await self._write(body)
        if done:
            self._notifier.notify()
        return done

    async def mark_submitting(
        self,
        part_id: int,
        modem_id: str,
        *,
        now: float,
        concat_ref: int | None,
        sim_id: str | None = None,
    ) -> None:
        """See ``Store.mark_submitting``."""

        def body(tx: _Tx) -> None:
            part = tx.part(part_id)
            target = rules.holder_move(
                part_id, PartState(part[3]), part[4], modem_id, PartEvent.SUBMIT
            )
            (stored,) = tx.conn.execute(
                "SELECT concat_ref FROM messages WHERE mid = ?", (part[1],)
            ).fetchone()
            if stored is not None and concat_ref != stored:
                raise ValueError(
                    f"concat_ref {concat_ref} differs from the message's stored {stored}"
                )
            tx.step(
                part,
                target,
                now,
                modem=modem_id,
                assign="submitted_at = ?, sim = ?, mr = NULL, sent_at = NULL, lease_until = NULL",
                values=(now, sim_id),
            )
            tx.conn.execute(
                "UPDATE messages SET pinned_modem = ?, concat_ref = ? WHERE mid = ?",
                (modem_id, concat_ref, part[1]),
            )
            tx.refresh(part[1], now)

        await self._write(body)

    async def mark_sent(self, part_id: int, modem_id: str, *, mr: int, now: float) -> None:
        """See ``Store.mark_sent``."""
        rules.check_mr(mr)

        def body(tx: _Tx) -> None:
            part = tx.part(part_id)
            target = rules.holder_move(
                part_id, PartState(part[3]), part[4], modem_id, PartEvent.ACCEPT
            )
            tx.step(
                part,
                target,
                now,
                modem=modem_id,
                detail=f"mr={mr}",
                assign="mr = ?, sent_at = ?, error = NULL",
                values=(mr, now),
            )
            tx.refresh(part[1], now)

        await self._write(body)

    async def requeue(
        self,
        part_id: int,
        modem_id: str,
        *,
        now: float,
        error: str,
        not_before: float | None = None,
        avoid_until: float | None = None,
    ) -> int:
        """See ``Store.requeue``."""

        def body(tx: _Tx) -> int:
            conn = tx.conn
            part = tx.part(part_id)
            event = PartEvent.TEMPORARY_ERROR
            target = rules.holder_move(part_id, PartState(part[3]), part[4], modem_id, event)
            tx.step(
                part,
                target,
                now,
                modem=modem_id,
                detail=error,
                assign="attempts = attempts + 1, error = ?",
                values=(error,),
            )
            mid = part[1]
            if not_before is not None:
                conn.execute(
                    "UPDATE messages SET not_before = max(coalesce(not_before, 0), ?)"
                    " WHERE mid = ?",
                    (not_before, mid),
                )
            if avoid_until is not None:
                conn.execute(
                    "UPDATE messages SET avoid_modem = ?, avoid_until = ? WHERE mid = ?",
                    (modem_id, avoid_until, mid),
                )
            if not tx.parts_of(mid, PINNING_STATES):
                conn.execute(
                    "UPDATE messages SET pinned_modem = NULL, concat_ref = NULL WHERE mid = ?",
                    (mid,),
                )
            tx.refresh(mid, now)
            (attempts,) = conn.execute(
                "SELECT attempts FROM parts WHERE id = ?", (part_id,)
            ).fetchone()
            return attempts

        attempts = await self._write(body)
        self._notifier.notify()
        return attempts

    async def mark_failed(
        self, part_id: int, modem_id: str, *, error: str, now: float
    ) -> tuple[int, ...]:
        """See ``Store.mark_failed``."""

        def body(tx: _Tx) -> tuple[int, ...]:
            part = tx.part(part_id)
            event = PartEvent.PERMANENT_ERROR
            target = rules.holder_move(part_id, PartState(part[3]), part[4], modem_id, event)
            tx.step(part, target, now, modem=modem_id, detail=error, assign="error = ?",
                    values=(error,))  # fmt: skip
            siblings = tx.fail_siblings(part[1], now)
            tx.refresh(part[1], now)
            return siblings

        return await self._write(body)

    async def mark_unknown(self, part_id: int, modem_id: str, *, error: str, now: float) -> None:
        """See ``Store.mark_unknown``."""

        def body(tx: _Tx) -> None:
            part = tx.part(part_id)
            event = PartEvent.AMBIGUOUS
            target = rules.holder_move(part_id, PartState(part[3]), part[4], modem_id, event)
            tx.step(part, target, now, modem=modem_id, detail=error, assign="error = ?",
                    values=(error,))  # fmt: skip
            tx.refresh(part[1], now)

        await self._write(body)

    async def apply_status_report(
        self,
        modem_id: str,
        mr: int,
        outcome: ReportOutcome | str,
        *,
        now: float,
        detail: str | None = None,
    ) -> Part | None:
        """See ``Store.apply_status_report``."""
        rules.check_mr(mr)
        event = rules.report_event(outcome)
        text = detail or ReportOutcome(outcome).value

        def body(tx: _Tx) -> Part | None:
            row = tx.conn.execute(
                "SELECT id FROM parts WHERE modem = ? AND mr = ? AND mr IS NOT NULL"
                " AND sent_at IS NOT NULL ORDER BY sent_at DESC, id DESC LIMIT 1",
                (modem_id, mr),
            ).fetchone()
            if row is None:
                return None
            part = tx.part(row[0])
            if part[3] == PartState.SENT.value:
                target = rules.move(part[0], PartState.SENT, event)
                note = f"status report: {text}"
                if target is PartState.FAILED:
                    tx.step(part, target, now, modem=modem_id, detail=note, assign="error = ?",
                            values=(note,))  # fmt: skip
                    tx.fail_siblings(part[1], now)
                else:
                    tx.step(part, target, now, modem=modem_id, detail=note)
                tx.refresh(part[1], now)
            found = tx.conn.execute(
                f"SELECT {PART_COLUMNS} FROM parts WHERE id = ?", (row[0],)
            ).fetchone()
            return _part_view(found)

        return await self._write(body)

    async def recover_at_start(
        self, *, now: float, resend_unknown: bool, modems: Sequence[str] | None = None
    ) -> RecoveryReport:
        """See ``Store.recover_at_start``."""

        def body(tx: _Tx) -> RecoveryReport:
            rows = tx.conn.execute(
                "SELECT p.id, p.mid, p.seq, p.state, p.modem, m.priority"
                " FROM parts p JOIN messages m ON m.mid = p.mid"
                " WHERE p.state IN ('claimed', 'submitting') ORDER BY p.id"
            ).fetchall()
            released = unknown = requeued = 0
            touched = set()
            for part in rows:
                if modems is not None and part[4] not in modems:
                    continue
                modem = part[4]
                target = rules.move(part[0], PartState(part[3]), PartEvent.RESTART)
                if target is PartState.QUEUED:
                    tx.step(part, target, now, modem=modem, detail="restart")
                    released += 1
                else:
                    reason = "interrupted while submitting"
                    tx.step(part, target, now, modem=modem, detail=reason, assign="error = ?",
                            values=(reason,))  # fmt: skip
                    unknown += 1
                    if resend_unknown:
                        moved = (*part[:3], target.value, modem, part[5])
                        tx.step(moved, PartState.QUEUED, now, modem=modem, detail="resend_unknown")
                        requeued += 1
                touched.add(part[1])
            for mid in touched:
                tx.refresh(mid, now)
            return RecoveryReport(released, unknown, requeued)

        report = await self._write(body)
        if report.released or report.requeued:
            self._notifier.notify()
        return report

    async def expire_due(self, *, now: float) -> int:
        """See ``Store.expire_due``."""

        def body(tx: _Tx) -> int:
            mids = [
                row[0]
                for row in tx.conn.execute(
                    "SELECT mid FROM messages WHERE queued_parts > 0 AND expires_at IS NOT NULL"
                    f" AND expires_at <= ? LIMIT {_EXPIRE_BATCH}",
                    (now,),
                ).fetchall()
            ]
            for mid in mids:
                tx.expire_message(mid, now)
            return len(mids)

        # In bounded transactions, so that sends queued behind are not held up.
        total = 0
        while True:
            count = await self._write(body)
            total += count
            if count < _EXPIRE_BATCH:
                return total

    async def next_eligible_at(self, routes: Sequence[str], *, now: float) -> float | None:
        """See ``Store.next_eligible_at``."""

        def read(conn: sqlite3.Connection) -> float | None:
            times = []
            for route in dict.fromkeys(routes):
                row = conn.execute(
                    "SELECT min(eligible_at) FROM messages"
                    " WHERE queue_state = 0 AND route = ? AND eligible_at > ?",
                    (route, now),
                ).fetchone()
                if row[0] is not None:
                    times.append(row[0])
            return min(times) if times else None

        return await self._read(read)

    # --- inbox ---------------------------------------------------------------------------

    async def add_inbound_part(
        self,
        modem_id: str,
        *,
        pdu_hex: str,
        sender: str,
        text: str,
        now: float,
        ref: int | None = None,
        total: int = 1,
        seq: int = 1,
        ref_bits: int = 8,
        scts: float | None = None,
    ) -> InboundPartAdded:
        """See ``Store.add_inbound_part``."""
        pdu = pdu_hex.upper()

        def body(tx: _Tx) -> InboundPartAdded:
            row = tx.conn.execute(
                "SELECT id, inbox_id FROM inbound_parts WHERE modem = ? AND pdu_hex = ?",
                (modem_id, pdu),
            ).fetchone()
            if row is not None:
                return InboundPartAdded(str(row[0]), True, row[1])
            key = tx.conn.execute(
                "INSERT INTO inbound_parts (modem, pdu_hex, sender, text, ref, total, seq,"
                " ref_bits, scts, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (modem_id, pdu, sender, text, ref, total, seq, ref_bits, scts, now),
            ).lastrowid
            return InboundPartAdded(str(key), False)

        return await self._write(body)

    async def complete_inbound(
        self,
        part_keys: Sequence[str],
        *,
        sender: str,
        text: str,
        partial: bool,
        now: float,
    ) -> str:
        """See ``Store.complete_inbound``."""
        if not part_keys:
            raise ValueError("part_keys: at least one part")
        keys = []
        for key in part_keys:
            if not key.isdigit():
                raise UnknownPart(f"no inbound part {key!r}")
            keys.append(int(key))

        def body(tx: _Tx) -> str:
            rows = {
                row[0]: row
                for row in tx.conn.execute(
                    "SELECT id, modem, scts, inbox_id FROM inbound_parts"
                    f" WHERE id IN ({_placeholders(len(keys))})",
                    keys,
                )
            }
            missing = [key for key in keys if key not in rows]
            if missing:
                raise UnknownPart(f"no inbound part {missing[0]!r}")
            done = {row[3] for row in rows.values()}
            if done != {None}:
                if len(done) == 1:
                    return done.pop()
                raise InboundConflict("some of these parts belong to another inbox message")
            first = rows[keys[0]]
            message = InboxMessage(
                id=self._inbox_ids.next_id(now),
                modem=first[1],
                sender=sender,
                text=text,
                parts=len(keys),
                partial=partial,
                received_at=now,
                scts=first[2],
            )
            tx.conn.execute(
                "INSERT INTO inbox (id, modem, sender, text, parts, partial, received_at, scts)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (message.id, message.modem, sender, text, message.parts, int(partial), now,
                 message.scts),
            )  # fmt: skip
            tx.conn.executemany(
                "UPDATE inbound_parts SET inbox_id = ? WHERE id = ?",
                [(message.id, key) for key in keys],
            )
            tx.add_events(EVENT_MESSAGE_RECEIVED, message.id, rules.received_payload(message), now)
            return message.id

        return await self._write(body)

    async def pending_inbound_parts(self) -> tuple[StoredInboundPart, ...]:
        """See ``Store.pending_inbound_parts``."""

        def read(conn: sqlite3.Connection) -> tuple[StoredInboundPart, ...]:
            return tuple(
                StoredInboundPart(str(r[0]), *r[1:])
                for r in conn.execute(
                    "SELECT id, modem, sender, text, ref, total, seq, ref_bits, scts, received_at"
                    " FROM inbound_parts WHERE inbox_id IS NULL ORDER BY id"
                )
            )

        return await self._read(read)

    _INBOX_COLUMNS = "id, modem, sender, text, parts, partial, received_at, scts"

    async def list_inbox(self, *, after: str | None = None, limit: int = 100) -> InboxPage:
        """See ``Store.list_inbox``."""
        rules.check_page_limit(limit)

        def read(conn: sqlite3.Connection) -> InboxPage:
            rows = conn.execute(
                f"SELECT {self._INBOX_COLUMNS} FROM inbox WHERE id > ? ORDER BY id LIMIT ?",
                (after or "", limit + 1),
            ).fetchall()
            page = tuple(_inbox_view(row) for row in rows[:limit])
            return InboxPage(page, page[-1].id if len(rows) > limit else None)

        return await self._read(read)

    async def get_inbox_message(self, inbox_id: str) -> InboxMessage | None:
        """See ``Store.get_inbox_message``."""

        def read(conn: sqlite3.Connection) -> InboxMessage | None:
            row = conn.execute(
                f"SELECT {self._INBOX_COLUMNS} FROM inbox WHERE id = ?", (inbox_id,)
            ).fetchone()
            return None if row is None else _inbox_view(row)

        return await self._read(read)

    # --- outbox --------------------------------------------------------------------------

    async def fetch_due_events(
        self, *, now: float, limit: int = 100, lease_seconds: float = 60.0
    ) -> tuple[OutboxEvent, ...]:
        """See ``Store.fetch_due_events``."""

        def body(tx: _Tx) -> tuple[OutboxEvent, ...]:
            rows = tx.conn.execute(DUE_EVENTS_SQL, (now, now, limit)).fetchall()
            tx.conn.executemany(
                "UPDATE outbox SET leased_until = ? WHERE id = ?",
                [(now + lease_seconds, row[0]) for row in rows],
            )
            return tuple(
                OutboxEvent(
                    id=row[0],
                    endpoint=row[1],
                    event=row[2],
                    subject=row[3],
                    payload=json.loads(row[4]),
                    created_at=row[5],
                    attempts=row[6],
                    next_attempt_at=row[7],
                    last_error=row[8],
                )
                for row in rows
            )

        return await self._write(body)

    def _finish_event(
        self, tx: _Tx, event_id: int, state: str, now: float, note: str | None
    ) -> None:
        row = tx.conn.execute(
            "SELECT endpoint, subject, state FROM outbox WHERE id = ?", (event_id,)
        ).fetchone()
        if row is None:
            raise UnknownPart(f"no outbox event {event_id}")
        if row[2] != "pending":
            return
        tx.conn.execute(
            "UPDATE outbox SET state = ?, finished_at = ?, attempts = attempts + ?,"
            " last_error = coalesce(?, last_error), leased_until = NULL WHERE id = ?",
            (state, now, 1 if state == "delivered" else 0, note, event_id),
        )
        tx.conn.execute(
            "UPDATE outbox SET blocked = 0 WHERE id = (SELECT id FROM outbox"
            " WHERE state = 'pending' AND endpoint = ? AND subject = ? ORDER BY id LIMIT 1)",
            (row[0], row[1]),
        )

    async def ack_event(self, event_id: int, *, now: float) -> None:
        """See ``Store.ack_event``."""
        await self._write(lambda tx: self._finish_event(tx, event_id, "delivered", now, None))

    async def retry_event(
        self, event_id: int, *, now: float, next_attempt_at: float, error: str
    ) -> None:
        """See ``Store.retry_event``."""

        def body(tx: _Tx) -> None:
            changed = tx.conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
                " leased_until = NULL WHERE id = ? AND state = 'pending'",
                (error, next_attempt_at, event_id),
            ).rowcount
            if (
                not changed
                and not tx.conn.execute("SELECT 1 FROM outbox WHERE id = ?", (event_id,)).fetchone()
            ):
                raise UnknownPart(f"no outbox event {event_id}")

        await self._write(body)

    async def give_up_event(self, event_id: int, *, now: float, reason: str) -> None:
        """See ``Store.give_up_event``."""
        await self._write(lambda tx: self._finish_event(tx, event_id, "given_up", now, reason))

    async def release_event_leases(self, *, now: float) -> int:
        """See ``Store.release_event_leases``."""

        def body(tx: _Tx) -> int:
            # Only a pending event holds a lease (finishing one ends it): outbox_leased.
            return tx.conn.execute(
                "UPDATE outbox SET leased_until = NULL WHERE leased_until IS NOT NULL"
            ).rowcount

        return await self._write(body)

    # --- keys, quotas, metrics, retention ------------------------------------------------

    async def add_api_key(self, key_hash: str, name: str, *, now: float) -> None:
        """See ``Store.add_api_key``."""

        def body(tx: _Tx) -> None:
            tx.conn.execute(
                "INSERT OR IGNORE INTO api_keys (key_hash, name, created_at) VALUES (?, ?, ?)",
                (key_hash, name, now),
            )

        await self._write(body)

    async def api_key_hashes(self) -> tuple[str, ...]:
        """See ``Store.api_key_hashes``."""
        return await self._read(
            lambda conn: tuple(r[0] for r in conn.execute("SELECT key_hash FROM api_keys"))
        )

    async def segments_sent(
        self, *, since: float, modem: str | None = None, sim: str | None = None
    ) -> int:
        """See ``Store.segments_sent``."""
        if (modem is None) == (sim is None):
            raise ValueError("segments_sent: give exactly one of modem or sim")
        column, value = ("modem", modem) if modem is not None else ("sim", sim)

        def read(conn: sqlite3.Connection) -> int:
            (count,) = conn.execute(
                f"SELECT count(*) FROM parts WHERE {column} = ? AND {column} IS NOT NULL"
                " AND submitted_at IS NOT NULL AND submitted_at >= ?"
                " AND (sent_at IS NOT NULL OR state = 'unknown')",
                (value, since),
            ).fetchone()
            return count

        return await self._read(read)

    async def metrics(self) -> StoreMetrics:
        """See ``Store.metrics``."""

        def read(conn: sqlite3.Connection) -> StoreMetrics:
            queued = dict.fromkeys(Priority, 0)
            by_state: dict[tuple[PartState, str], int] = {}
            for state, modem, priority, n in conn.execute(
                "SELECT state, modem, priority, n FROM part_counts WHERE n != 0"
            ):
                if state == _QUEUED:
                    queued[Priority.from_rank(priority)] += n
                key = (PartState(state), modem)
                by_state[key] = by_state.get(key, 0) + n
            (pending,) = conn.execute(
                "SELECT count(*) FROM outbox WHERE state = 'pending'"
            ).fetchone()
            return StoreMetrics(queued, by_state, pending)

        return await self._read(read)

    async def prune(self, *, before: float, batch_size: int = 500) -> int:
        """See ``Store.prune``."""
        if batch_size < 1:
            raise ValueError("batch_size: at least 1")

        def messages(tx: _Tx) -> int:
            mids = [
                row[0]
                for row in tx.conn.execute(
                    "SELECT mid FROM messages WHERE finished_at IS NOT NULL AND finished_at < ?"
                    " LIMIT ?",
                    (before, batch_size),
                )
            ]
            if not mids:
                return 0
            marks = _placeholders(len(mids))
            for state, modem, priority, n in tx.conn.execute(
                "SELECT p.state, p.modem, m.priority, count(*) FROM parts p"
                f" JOIN messages m ON m.mid = p.mid WHERE p.mid IN ({marks})"
                " GROUP BY p.state, p.modem, m.priority",
                mids,
            ).fetchall():
                tx.count(state, modem, priority, -n)
            for table in ("history", "parts", "messages"):
                tx.conn.execute(f"DELETE FROM {table} WHERE mid IN ({marks})", mids)
            return len(mids)

        def others(tx: _Tx) -> int:
            deleted = 0
            for sql in (
                "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state != 'pending'"
                " AND finished_at < ? LIMIT ?)",
                "DELETE FROM idempotency WHERE key IN (SELECT key FROM idempotency"
                " WHERE created_at < ? LIMIT ?)",
                "DELETE FROM inbound_parts WHERE id IN (SELECT id FROM inbound_parts"
                " WHERE inbox_id IS NOT NULL AND received_at < ? LIMIT ?)",
            ):
                deleted += tx.conn.execute(sql, (before, batch_size)).rowcount
            return deleted

        total = 0
        while True:
            count = await self._write(messages)
            total += count
            if count < batch_size:
                break
        while await self._write(others) > 0:
            pass
        return total

    async def ping(self, *, now: float) -> None:
        """See ``Store.ping``."""

        def body(tx: _Tx) -> None:
            tx.conn.execute(
                "INSERT INTO meta (key, value) VALUES ('ping', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(now),),
            )

        await self._write(body)

    async def close(self) -> None:
        """See ``Store.close``."""
        if self._closed:
            return
        self._closed = True
        await self._writer.close()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, lambda: self._readers.shutdown(wait=True))
        for conn in self._reader_connections:
            conn.close()


__all__ = ["SqliteStore"]
