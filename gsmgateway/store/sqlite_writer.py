"""The single writer thread of a SQLite store, with group commit.

In the datasette model: one thread owns the write connection; a write is a function of
that connection queued to it, and its result comes back as an asyncio future. The thread
takes every request waiting (up to ``max_batch``), runs each inside its own SAVEPOINT of
one ``BEGIN IMMEDIATE`` transaction, and COMMITs once: one fsync for the whole group,
and a request that raises is rolled back to its savepoint without failing the others.
Futures are resolved only after COMMIT returned, so an answer means "on disk".
``close`` lets the thread finish everything queued before it, then closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from gsmgateway.store.errors import StoreUnavailable
from gsmgateway.store.interface import WriteStats

T = TypeVar("T")
WriteFunction = Callable[[sqlite3.Connection], Any]

_STOP = object()


def unavailable(error: sqlite3.Error) -> StoreUnavailable:
    """The public error for a failure of SQLite itself (locked, full, read-only, I/O)."""
    return StoreUnavailable(f"the database cannot be written: {error}")


#: Runs the payloads of several requests of one group at once; one result per payload.
Combiner = Callable[[sqlite3.Connection, list[Any]], list[Any]]


class _Request:
    __slots__ = ("combine", "function", "future", "loop", "payload")

    def __init__(
        self,
        function: WriteFunction | None,
        future: asyncio.Future[Any],
        loop: asyncio.AbstractEventLoop,
        combine: Combiner | None = None,
        payload: Any = None,
    ) -> None:
        self.function = function
        self.future = future
        self.loop = loop
        self.combine = combine
        self.payload = payload


class _GroupAbort(Exception):
    """A savepoint could not be rolled back: the whole group's transaction is lost."""

    def __init__(self, error: sqlite3.Error) -> None:
        super().__init__(str(error))
        self.error = error


class Writer:
    """Owns the write connection made by ``connect`` on its own thread."""

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        *,
        max_batch: int = 1000,
        name: str = "",
        before_commit: Callable[[sqlite3.Connection], None] | None = None,
        on_abort: Callable[[], None] | None = None,
    ) -> None:
        """``before_commit`` runs on the writer thread as the last step of each group's
        transaction (for example to write counters the requests accumulated);
        ``on_abort`` when a group's transaction is rolled back as a whole."""
        self._connect = connect
        self._before_commit = before_commit
        self._on_abort = on_abort
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closing = False
        self._requests = 0
        self._transactions = 0
        self._failed = 0
        self._started = threading.Event()
        self._start_error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"gsmgateway-store-writer{name}", daemon=True
        )
        self._thread.start()
        self._started.wait()
        if self._start_error is not None:
            raise self._start_error

    @property
    def stats(self) -> WriteStats:
        """Requests run, transactions committed, requests that raised."""
        return WriteStats(self._requests, self._transactions, self._failed)

    def submit(self, function: Callable[[sqlite3.Connection], T]) -> asyncio.Future[T]:
        """Queue ``function``; the future resolves after the transaction holding it commits."""
        if self._closing:
            raise StoreUnavailable("the store is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Request(function, future, loop))
        return future

    def submit_combined(self, combine: Combiner, payload: Any) -> asyncio.Future[Any]:
        """Queue ``payload`` for ``combine``, which runs all such payloads of one group in a
        single call (one executemany for many single-message requests). If that call
        raises, each payload is run alone, so only the bad one fails."""
        if self._closing:
            raise StoreUnavailable("the store is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.put(_Request(None, future, loop, combine, payload))
        return future

    async def close(self) -> None:
        """Run what is queued, then stop the thread and close the connection."""
        if self._closing:
            return
        self._closing = True
        self._queue.put(_STOP)
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join)

    # --- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            conn = self._connect()
        except BaseException as error:  # reported to the constructor's caller
            self._start_error = error
            self._started.set()
            return
        self._started.set()
        try:
            stopping = False
            while not stopping:
                first = self._queue.get()
                if first is _STOP:
                    break
                batch = [first]
                while len(batch) < self._max_batch:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is _STOP:
                        stopping = True
                        break
                    batch.append(item)
                self._resolve(batch, self._commit_group(conn, batch))
        finally:
            conn.close()

    def _commit_group(self, conn: sqlite3.Connection, batch: list[_Request]) -> list[Any]:
        """Run ``batch`` in one transaction; per request, its result or its exception."""
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            if self._on_abort is not None:
                self._on_abort()
            return [unavailable(error) for _ in batch]
        try:
            outcomes = self._run_all(conn, batch)
        except _GroupAbort as abort:
            return self._abort(conn, batch, abort.error)
        try:
            if self._before_commit is not None:
                self._before_commit(conn)
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            return self._abort(conn, batch, error)
        self._transactions += 1
        self._requests += len(batch)
        return outcomes

    def _run_all(self, conn: sqlite3.Connection, batch: list[_Request]) -> list[Any]:
        outcomes: list[Any] = [None] * len(batch)
        done = [False] * len(batch)
        for index, request in enumerate(batch):
            if done[index]:
                continue
            combine = request.combine
            if combine is None:
                assert request.function is not None
                outcomes[index] = self._attempt(conn, request.function)
                done[index] = True
                continue
            members = [
                j for j in range(index, len(batch)) if not done[j] and batch[j].combine == combine
            ]
            payloads = [batch[j].payload for j in members]
            together = self._attempt(conn, combine, payloads, count_failure=False)
            if not isinstance(together, BaseException):
                for j, outcome in zip(members, together, strict=True):
                    outcomes[j] = outcome
                    done[j] = True
                continue
            for j in members:
                payload = batch[j].payload
                outcome = self._attempt(conn, combine, [payload])
                outcomes[j] = outcome if isinstance(outcome, BaseException) else outcome[0]
                done[j] = True
        return outcomes

    def _attempt(
        self,
        conn: sqlite3.Connection,
        function: Callable[..., Any],
        *args: Any,
        count_failure: bool = True,
    ) -> Any:
        """Run ``function(conn, *args)`` in a savepoint: its result, or its exception
        (rolled back)."""
        try:
            conn.execute("SAVEPOINT request")
            result = function(conn, *args)
            conn.execute("RELEASE request")
        # A request's own failure (typed store error, bug, constraint) must not fail the
        # other requests of its group: roll it back to its savepoint and report it alone.
        except Exception as error:
            if count_failure:
                self._failed += 1
            try:
                conn.execute("ROLLBACK TO request")
                conn.execute("RELEASE request")
            except sqlite3.Error as rollback_error:
                raise _GroupAbort(rollback_error) from error
            return unavailable(error) if isinstance(error, sqlite3.Error) else error
        return result

    def _abort(self, conn: sqlite3.Connection, batch: list[_Request], error: sqlite3.Error) -> list:
        if self._on_abort is not None:
            self._on_abort()
        if conn.in_transaction:
            # An error may already have ended the transaction; the group fails either way.
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        return [unavailable(error) for _ in batch]

    @staticmethod
    def _resolve(batch: list[_Request], outcomes: list[Any]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any]]] = {}
        for request, outcome in zip(batch, outcomes, strict=True):
            by_loop.setdefault(request.loop, []).append((request.future, outcome))
        for loop, pairs in by_loop.items():
            # A closed event loop has nobody waiting any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, pairs)


def _settle(pairs: list[tuple[asyncio.Future[Any], Any]]) -> None:
    for future, outcome in pairs:
        if future.cancelled():
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
