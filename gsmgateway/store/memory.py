"""MemoryStore: the ``Store`` interface in process memory, for tests and benchmarks.

Same semantics as ``SqliteStore`` (one contract test suite runs against both), no IO,
nothing survives the process. Claims use per-route heaps so that a queue of many
thousand parts costs O(log n) per claim, like the SQLite indexes.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

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

_FINISHING = TERMINAL_STATES | {PartState.UNKNOWN}


@dataclass
class _PartRecord:
    id: int
    seq: int
    text: str
    state: PartState
    queued_at: float
    updated_at: float
    modem: str | None = None
    sim: str | None = None
    mr: int | None = None
    error: str | None = None
    attempts: int = 0
    claimed_at: float | None = None
    lease_until: float | None = None
    submitted_at: float | None = None
    sent_at: float | None = None
    finished_at: float | None = None

    def view(self) -> Part:
        return Part(
            id=self.id,
            seq=self.seq,
            state=self.state,
            text=self.text,
            modem=self.modem,
            mr=self.mr,
            error=self.error,
            attempts=self.attempts,
            queued_at=self.queued_at,
            updated_at=self.updated_at,
            claimed_at=self.claimed_at,
            lease_until=self.lease_until,
            submitted_at=self.submitted_at,
            sent_at=self.sent_at,
            finished_at=self.finished_at,
        )


@dataclass
class _MessageRecord:
    mid: int
    id: str
    new: NewMessage
    parts: list[_PartRecord]
    status: MessageStatus
    updated_at: float
    finished_at: float | None = None
    concat_ref: int | None = None
    pinned: str | None = None
    not_before: float | None = None
    avoid_modem: str | None = None
    avoid_until: float | None = None
    history: list[HistoryEntry] = field(default_factory=list)

    def queued(self) -> list[_PartRecord]:
        return [part for part in self.parts if part.state is PartState.QUEUED]

    def claimable(self) -> bool:
        states = {part.state for part in self.parts}
        return PartState.QUEUED in states and not states & HELD_STATES


@dataclass
class _InboundRecord:
    key: str
    modem: str
    pdu_hex: str
    sender: str
    text: str
    ref: int | None
    total: int
    seq: int
    ref_bits: int
    scts: float | None
    received_at: float
    inbox_id: str | None = None


@dataclass
class _EventRecord:
    id: int
    endpoint: str
    event: str
    subject: str
    payload: dict[str, Any]
    created_at: float
    next_attempt_at: float
    attempts: int = 0
    last_error: str | None = None
    leased_until: float | None = None
    done: bool = False
    finished_at: float | None = None


class MemoryStore:
    """The store in memory; ``endpoints`` are the webhook endpoints events are queued for."""

    def __init__(self, *, endpoints: Sequence[EndpointSubscription] = ()) -> None:
        self._endpoints = tuple(endpoints)
        self._message_ids = IdGenerator("m_")
        self._inbox_ids = IdGenerator("in_")
        self._mids = itertools.count(1)
        self._part_ids = itertools.count(1)
        self._event_ids = itertools.count(1)
        self._inbound_keys = itertools.count(1)
        self._messages: dict[str, _MessageRecord] = {}
        self._by_mid: dict[int, _MessageRecord] = {}
        self._parts: dict[int, tuple[_MessageRecord, _PartRecord]] = {}
        # Claim candidates: (priority rank, mid) per route for unpinned messages and per
        # modem for pinned ones; stale entries are dropped when met.
        self._ready: dict[str, list[tuple[int, int]]] = {}
        self._pinned: dict[str, list[tuple[int, int]]] = {}
        self._idempotency: dict[str, tuple[str, tuple[str, ...], str, float]] = {}
        self._inbound: dict[tuple[str, str], _InboundRecord] = {}
        self._inbound_by_key: dict[str, _InboundRecord] = {}
        self._inbox: dict[str, InboxMessage] = {}
        self._events: dict[int, _EventRecord] = {}
        self._api_keys: dict[str, str] = {}
        self._notifier = WorkNotifier()
        self._closed = False
        self._requests = 0

    # --- plumbing ------------------------------------------------------------------------

    def _write(self) -> None:
        if self._closed:
            raise StoreUnavailable("the store is closed")
        self._requests += 1

    @property
    def write_stats(self) -> WriteStats:
        """Requests executed; each is its own 'transaction' in memory."""
        return WriteStats(requests=self._requests, transactions=self._requests)

    def work_signal(self) -> WorkSignal:
        """A new subscription to wake-ups after commits that queue parts."""
        return self._notifier.subscribe()

    def _record(self, message_id: str) -> _MessageRecord | None:
        return self._messages.get(message_id)

    def _part(self, part_id: int) -> tuple[_MessageRecord, _PartRecord]:
        try:
            return self._parts[part_id]
        except KeyError:
            raise UnknownPart(f"no part {part_id}") from None

    def _offer(self, message: _MessageRecord) -> None:
        """Make ``message`` a claim candidate if it is one (after any change)."""
        if not message.claimable():
            return
        entry = (message.new.priority.rank, message.mid)
        if message.pinned is not None:
            heapq.heappush(self._pinned.setdefault(message.pinned, []), entry)
        else:
            heapq.heappush(self._ready.setdefault(message.new.route, []), entry)

    def _step(
        self,
        message: _MessageRecord,
        part: _PartRecord,
        target: PartState,
        now: float,
        *,
        modem: str | None = None,
        detail: str | None = None,
    ) -> None:
        message.history.append(HistoryEntry(part.seq, part.state, target, now, modem, detail))
        part.state = target
        part.updated_at = now
        if target in _FINISHING:
            part.finished_at = now
        if target is PartState.QUEUED:
            part.modem = None
            part.lease_until = None

    def _refresh(self, message: _MessageRecord, now: float) -> None:
        """Derive the status after changes; queue a webhook event when it is one to report."""
        states = [part.state for part in message.parts]
        status = derive_status(states)
        message.updated_at = now
        finished = not set(states) & ACTIVE_STATES
        message.finished_at = (message.finished_at or now) if finished else None
        if status is message.status:
            return
        previous, message.status = message.status, status
        if status in NOTIFIED_STATUSES:
            error = next((p.error for p in message.parts if p.state is PartState.FAILED), None)
            payload = rules.status_payload(
                message_id=message.id,
                status=status,
                previous=previous,
                to=message.new.to,
                at=now,
                error=error,
                metadata=message.new.metadata,
            )
            self._add_events(EVENT_MESSAGE_STATUS, message.id, payload, now)

    def _add_events(self, event: str, subject: str, payload: dict[str, Any], now: float) -> None:
        for endpoint in rules.endpoints_for(self._endpoints, event):
            event_id = next(self._event_ids)
            self._events[event_id] = _EventRecord(
                event_id, endpoint, event, subject, payload, now, now
            )

    def _fail_siblings(self, message: _MessageRecord, now: float) -> tuple[int, ...]:
        failed = []
        for part in message.parts:
            if part.state in (PartState.QUEUED, PartState.CLAIMED):
                target = rules.move(part.id, part.state, PartEvent.SIBLING_FAILED)
                part.error = rules.ANOTHER_PART_FAILED
                self._step(message, part, target, now, detail=rules.ANOTHER_PART_FAILED)
                failed.append(part.id)
        return tuple(failed)

    def _view(self, message: _MessageRecord, *, history: bool) -> Message:
        new = message.new
        created = tuple(
            HistoryEntry(part.seq, None, PartState.QUEUED, new.created_at) for part in message.parts
        )
        return Message(
            id=message.id,
            status=message.status,
            to=new.to,
            text=new.text,
            encoding=new.encoding,
            locking=new.locking,
            single=new.single,
            segments=len(message.parts),
            priority=new.priority,
            route=new.route,
            send_at=new.send_at,
            expires_at=new.expires_at,
            validity_minutes=new.validity_minutes,
            status_report=new.status_report,
            flash=new.flash,
            created_at=new.created_at,
            updated_at=message.updated_at,
            metadata=new.metadata,
            concat_ref=message.concat_ref,
            pinned_modem=message.pinned,
            parts=tuple(part.view() for part in message.parts),
            history=(created + tuple(message.history)) if history else (),
        )

    # --- messages ------------------------------------------------------------------------

    async def enqueue(
        self, messages: Sequence[NewMessage], *, idempotency: Idempotency | None = None
    ) -> EnqueueResult:
        """See ``Store.enqueue``."""
        self._write()
        if idempotency is not None:
            stored = self._idempotency.get(idempotency.key)
            if stored is not None:
                body_hash, ids, response, _ = stored
                if body_hash != idempotency.body_hash:
                    raise IdempotencyConflict(idempotency.key)
                return EnqueueResult(ids, response, replayed=True)
        ids = []
        for new in messages:
            mid = next(self._mids)
            message_id = self._message_ids.next_id(new.created_at)
            parts = [
                _PartRecord(
                    next(self._part_ids),
                    seq,
                    text,
                    PartState.QUEUED,
                    new.created_at,
                    new.created_at,
                )
                for seq, text in enumerate(new.segments, start=1)
            ]
            record = _MessageRecord(
                mid, message_id, new, parts, MessageStatus.QUEUED, new.created_at
            )
            self._messages[message_id] = record
            self._by_mid[mid] = record
            for part in parts:
                self._parts[part.id] = (record, part)
            self._offer(record)
            ids.append(message_id)
        response = None
        if idempotency is not None:
            response = idempotency.render(tuple(ids))
            created = messages[0].created_at if messages else 0.0
            self._idempotency[idempotency.key] = (
                idempotency.body_hash,
                tuple(ids),
                response,
                created,
            )
        self._notifier.notify()
        return EnqueueResult(tuple(ids), response)

    async def get_message(self, message_id: str) -> Message | None:
        """See ``Store.get_message``."""
        record = self._record(message_id)
        return None if record is None else self._view(record, history=True)

    async def list_messages(
        self, *, status: MessageStatus | None = None, limit: int = 100, after: str | None = None
    ) -> MessagePage:
        """See ``Store.list_messages``."""
        rules.check_page_limit(limit)
        chosen = []
        for message_id in sorted(self._messages, reverse=True):
            if after is not None and message_id >= after:
                continue
            record = self._messages[message_id]
            if status is not None and record.status is not status:
                continue
            chosen.append(record)
            if len(chosen) > limit:
                break
        more = len(chosen) > limit
        chosen = chosen[:limit]
        views = tuple(self._view(record, history=False) for record in chosen)
        return MessagePage(views, views[-1].id if more else None)

    async def cancel(self, message_id: str, *, now: float) -> CancelResult:
        """See ``Store.cancel``."""
        self._write()
        record = self._record(message_id)
        if record is None:
            return CancelResult(CancelOutcome.NOT_FOUND, None)
        if record.status is MessageStatus.CANCELLED:
            return CancelResult(CancelOutcome.CANCELLED, record.status)
        states = {part.state for part in record.parts}
        cancellable = {PartState.QUEUED, PartState.CLAIMED}
        if not states & cancellable or not states <= cancellable | {PartState.EXPIRED}:
            return CancelResult(CancelOutcome.CONFLICT, record.status)
        for part in record.parts:
            if part.state in cancellable:
                self._step(
                    record, part, PartState.CANCELLED, now, modem=part.modem, detail="cancelled"
                )
        self._refresh(record, now)
        return CancelResult(CancelOutcome.CANCELLED, record.status)

    # --- claims --------------------------------------------------------------------------

    def _candidates(self, heap: list[tuple[int, int]], accept: Any) -> _MessageRecord | None:
        """Pop ``heap`` until ``accept`` takes a message; valid skipped ones go back."""
        skipped: list[tuple[int, int]] = []
        seen: set[int] = set()
        found = None
        while heap:
            entry = heapq.heappop(heap)
            if entry[1] in seen:
                continue
            seen.add(entry[1])
            verdict = accept(self._by_mid.get(entry[1]))
            if verdict is None:
                continue
            if verdict:
                found = self._by_mid[entry[1]]
                break
            skipped.append(entry)
        for entry in skipped:
            heapq.heappush(heap, entry)
        return found

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
        self._write()

        def accept(record: _MessageRecord | None, pinned: str | None, route: str | None) -> Any:
            if record is None or not record.claimable() or record.pinned != pinned:
                return None
            if route is not None and record.new.route != route:
                return None
            verdict = rules.claim_verdict(
                modem_id=modem_id,
                now=now,
                eligible=rules.eligible_at(record.new.send_at, record.not_before),
                expires_at=record.new.expires_at,
                avoid_modem=record.avoid_modem,
                avoid_until=record.avoid_until,
                queued_parts=len(record.queued()),
                max_segments=max_segments,
            )
            if verdict is rules.ClaimVerdict.EXPIRE:
                self._expire(record, now)
                return None
            return verdict is rules.ClaimVerdict.TAKE

        found = self._candidates(
            self._pinned.get(modem_id, []), lambda r: accept(r, modem_id, None)
        )
        if found is None:
            best: tuple[int, int] | None = None
            for route in dict.fromkeys(routes):
                candidate = self._candidates(
                    self._ready.get(route, []), lambda r, route=route: accept(r, None, route)
                )
                if candidate is None:
                    continue
                key = (candidate.new.priority.rank, candidate.mid)
                if best is None or key < best:
                    if best is not None:
                        self._offer(self._by_mid[best[1]])
                    best, found = key, candidate
                else:
                    self._offer(candidate)
        if found is None:
            return None
        lease_until = now + lease_seconds
        parts = found.queued()
        for part in parts:
            self._step(found, part, PartState.CLAIMED, now, modem=modem_id)
            part.modem = modem_id
            part.claimed_at = now
            part.lease_until = lease_until
        self._refresh(found, now)
        new = found.new
        return Claim(
            message_id=found.id,
            modem_id=modem_id,
            lease_until=lease_until,
            to=new.to,
            encoding=new.encoding,
            locking=new.locking,
            single=new.single,
            total=len(found.parts),
            concat_ref=found.concat_ref,
            concat_ref_bits=new.concat_ref_bits,
            status_report=new.status_report,
            flash=new.flash,
            validity_minutes=new.validity_minutes,
            expires_at=new.expires_at,
            priority=new.priority,
            route=new.route,
            parts=tuple(ClaimedPart(part.id, part.seq, part.text) for part in parts),
        )

    def _held_by(self, message_id: str, modem_id: str) -> tuple[_MessageRecord | None, list]:
        record = self._record(message_id)
        if record is None:
            return None, []
        held = [
            part
            for part in record.parts
            if part.state is PartState.CLAIMED and part.modem == modem_id
        ]
        return record, held

    async def renew_lease(
        self, message_id: str, modem_id: str, *, now: float, lease_seconds: float
    ) -> bool:
        """See ``Store.renew_lease``."""
        self._write()
        _, held = self._held_by(message_id, modem_id)
        for part in held:
            part.lease_until = now + lease_seconds
        return bool(held)

    async def release(self, message_id: str, modem_id: str, *, now: float) -> int:
        """See ``Store.release``."""
        self._write()
        record, held = self._held_by(message_id, modem_id)
        if record is None or not held:
            return 0
        for part in held:
            self._step(record, part, PartState.QUEUED, now, modem=modem_id, detail="released")
        self._refresh(record, now)
        self._offer(record)
        self._notifier.notify()
        return len(held)

    async def reclaim_expired_leases(self, *, now: float) -> int:
        """See ``Store.reclaim_expired_leases``."""
        self._write()
        count = 0
        touched: dict[int, _MessageRecord] = {}
        for record, part in list(self._parts.values()):
            if (
                part.state is PartState.CLAIMED
                and part.lease_until is not None
                and part.lease_until < now
            ):
                self._step(
                    record, part, PartState.QUEUED, now, modem=part.modem, detail="lease expired"
                )
                touched[record.mid] = record
                count += 1
        for record in touched.values():
            self._refresh(record, now)
            self._offer(record)
        if count:
            self._notifier.notify()
        return count

    async def unpin(self, message_id: str, *, now: float) -> bool:
        """See ``Store.unpin``."""
        self._write()
        record = self._record(message_id)
        if record is None or record.pinned is None:
            return False
        record.pinned = None
        record.concat_ref = None
        record.updated_at = now
        self._offer(record)
        self._notifier.notify()
        return True

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
        self._write()
        record, part = self._part(part_id)
        target = rules.holder_move(part.id, part.state, part.modem, modem_id, PartEvent.SUBMIT)
        if record.concat_ref is not None and concat_ref != record.concat_ref:
            raise ValueError(
                f"concat_ref {concat_ref} differs from the message's stored {record.concat_ref}"
            )
        self._step(record, part, target, now, modem=modem_id)
        part.submitted_at = now
        part.sim = sim_id
        part.mr = None
        part.sent_at = None
        part.lease_until = None
        record.pinned = modem_id
        record.concat_ref = concat_ref
        self._refresh(record, now)

    async def mark_sent(self, part_id: int, modem_id: str, *, mr: int, now: float) -> None:
        """See ``Store.mark_sent``."""
        rules.check_mr(mr)
        self._write()
        record, part = self._part(part_id)
        target = rules.holder_move(part.id, part.state, part.modem, modem_id, PartEvent.ACCEPT)
        self._step(record, part, target, now, modem=modem_id, detail=f"mr={mr}")
        part.mr = mr
        part.sent_at = now
        part.error = None
        self._refresh(record, now)

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
        self._write()
        record, part = self._part(part_id)
        event = PartEvent.TEMPORARY_ERROR
        target = rules.holder_move(part.id, part.state, part.modem, modem_id, event)
        self._step(record, part, target, now, modem=modem_id, detail=error)
        part.attempts += 1
        part.error = error
        if not_before is not None:
            record.not_before = max(record.not_before or 0.0, not_before)
        if avoid_until is not None:
            record.avoid_modem, record.avoid_until = modem_id, avoid_until
        if not any(p.state in PINNING_STATES for p in record.parts):
            record.pinned = None
            record.concat_ref = None
        self._refresh(record, now)
        self._offer(record)
        self._notifier.notify()
        return part.attempts

    async def mark_failed(
        self, part_id: int, modem_id: str, *, error: str, now: float
    ) -> tuple[int, ...]:
        """See ``Store.mark_failed``."""
        self._write()
        record, part = self._part(part_id)
        event = PartEvent.PERMANENT_ERROR
        target = rules.holder_move(part.id, part.state, part.modem, modem_id, event)
        self._step(record, part, target, now, modem=modem_id, detail=error)
        part.error = error
        siblings = self._fail_siblings(record, now)
        self._refresh(record, now)
        return siblings

    async def mark_unknown(self, part_id: int, modem_id: str, *, error: str, now: float) -> None:
        """See ``Store.mark_unknown``."""
        self._write()
        record, part = self._part(part_id)
        target = rules.holder_move(part.id, part.state, part.modem, modem_id, PartEvent.AMBIGUOUS)
        self._step(record, part, target, now, modem=modem_id, detail=error)
        part.error = error
        self._refresh(record, now)

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
        self._write()
        match: tuple[_MessageRecord, _PartRecord] | None = None
        for record, part in self._parts.values():
            if part.modem == modem_id and part.mr == mr and part.sent_at is not None:
                key = (part.sent_at, part.id)
                if match is None or key > (match[1].sent_at, match[1].id):
                    match = (record, part)
        if match is None:
            return None
        record, part = match
        if part.state is not PartState.SENT:
            return part.view()
        target = rules.move(part.id, part.state, event)
        text = detail or ReportOutcome(outcome).value
        self._step(record, part, target, now, modem=modem_id, detail=f"status report: {text}")
        if target is PartState.FAILED:
            part.error = f"status report: {text}"
            self._fail_siblings(record, now)
        self._refresh(record, now)
        return part.view()

    async def recover_at_start(
        self, *, now: float, resend_unknown: bool, modems: Sequence[str] | None = None
    ) -> RecoveryReport:
        """See ``Store.recover_at_start``."""
        self._write()
        released = unknown = requeued = 0
        touched: dict[int, _MessageRecord] = {}
        for record, part in list(self._parts.values()):
            if part.state not in HELD_STATES or (modems is not None and part.modem not in modems):
                continue
            modem = part.modem
            target = rules.move(part.id, part.state, PartEvent.RESTART)
            if target is PartState.QUEUED:
                self._step(record, part, target, now, modem=modem, detail="restart")
                released += 1
            else:
                part.error = "interrupted while submitting"
                self._step(record, part, target, now, modem=modem, detail=part.error)
                unknown += 1
                if resend_unknown:
                    self._step(
                        record, part, PartState.QUEUED, now, modem=modem, detail="resend_unknown"
                    )
                    requeued += 1
            touched[record.mid] = record
        for record in touched.values():
            self._refresh(record, now)
            self._offer(record)
        if released or requeued:
            self._notifier.notify()
        return RecoveryReport(released, unknown, requeued)

    def _expire(self, record: _MessageRecord, now: float) -> None:
        for part in record.queued():
            self._step(record, part, PartState.EXPIRED, now, detail="validity passed")
        self._refresh(record, now)

    async def expire_due(self, *, now: float) -> int:
        """See ``Store.expire_due``."""
        self._write()
        count = 0
        for record in self._messages.values():
            expires = record.new.expires_at
            if expires is not None and expires <= now and record.queued():
                self._expire(record, now)
                count += 1
        return count

    async def next_eligible_at(self, routes: Sequence[str], *, now: float) -> float | None:
        """See ``Store.next_eligible_at``."""
        wanted = set(routes)
        times = [
            rules.eligible_at(record.new.send_at, record.not_before)
            for record in self._messages.values()
            if record.new.route in wanted and record.claimable()
        ]
        later = [at for at in times if at > now]
        return min(later) if later else None

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
        self._write()
        identity = (modem_id, pdu_hex.upper())
        existing = self._inbound.get(identity)
        if existing is not None:
            return InboundPartAdded(existing.key, True, existing.inbox_id)
        key = str(next(self._inbound_keys))
        record = _InboundRecord(
            key, modem_id, identity[1], sender, text, ref, total, seq, ref_bits, scts, now
        )
        self._inbound[identity] = record
        self._inbound_by_key[key] = record
        return InboundPartAdded(key, False)

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
        self._write()
        if not part_keys:
            raise ValueError("part_keys: at least one part")
        records = []
        for key in part_keys:
            record = self._inbound_by_key.get(key)
            if record is None:
                raise UnknownPart(f"no inbound part {key!r}")
            records.append(record)
        done = {record.inbox_id for record in records}
        if done != {None}:
            if len(done) == 1:
                return done.pop()  # type: ignore[return-value]
            raise InboundConflict("some of these parts belong to another inbox message")
        inbox_id = self._inbox_ids.next_id(now)
        message = InboxMessage(
            id=inbox_id,
            modem=records[0].modem,
            sender=sender,
            text=text,
            parts=len(records),
            partial=partial,
            received_at=now,
            scts=records[0].scts,
        )
        self._inbox[inbox_id] = message
        for record in records:
            record.inbox_id = inbox_id
        self._add_events(EVENT_MESSAGE_RECEIVED, inbox_id, rules.received_payload(message), now)
        return inbox_id

    async def pending_inbound_parts(self) -> tuple[StoredInboundPart, ...]:
        """See ``Store.pending_inbound_parts``."""
        return tuple(
            StoredInboundPart(
                r.key,
                r.modem,
                r.sender,
                r.text,
                r.ref,
                r.total,
                r.seq,
                r.ref_bits,
                r.scts,
                r.received_at,
            )
            for r in self._inbound_by_key.values()
            if r.inbox_id is None
        )

    async def list_inbox(self, *, after: str | None = None, limit: int = 100) -> InboxPage:
        """See ``Store.list_inbox``."""
        rules.check_page_limit(limit)
        ids = [i for i in sorted(self._inbox) if after is None or i > after][: limit + 1]
        page = tuple(self._inbox[i] for i in ids[:limit])
        return InboxPage(page, page[-1].id if len(ids) > limit else None)

    async def get_inbox_message(self, inbox_id: str) -> InboxMessage | None:
        """See ``Store.get_inbox_message``."""
        return self._inbox.get(inbox_id)

    # --- outbox --------------------------------------------------------------------------

    async def fetch_due_events(
        self, *, now: float, limit: int = 100, lease_seconds: float = 60.0
    ) -> tuple[OutboxEvent, ...]:
        """See ``Store.fetch_due_events``."""
        self._write()
        heads: dict[tuple[str, str], _EventRecord] = {}
        for event_id in sorted(self._events):
            record = self._events[event_id]
            if not record.done:
                heads.setdefault((record.endpoint, record.subject), record)
        due = sorted(
            (
                r
                for r in heads.values()
                if r.next_attempt_at <= now and (r.leased_until is None or r.leased_until <= now)
            ),
            key=lambda r: (r.next_attempt_at, r.id),
        )[:limit]
        out = []
        for record in due:
            out.append(self._event_view(record))
            record.leased_until = now + lease_seconds
        return tuple(out)

    @staticmethod
    def _event_view(record: _EventRecord) -> OutboxEvent:
        return OutboxEvent(
            id=record.id,
            endpoint=record.endpoint,
            event=record.event,
            subject=record.subject,
            payload=dict(record.payload),
            created_at=record.created_at,
            attempts=record.attempts,
            next_attempt_at=record.next_attempt_at,
            last_error=record.last_error,
        )

    def _event(self, event_id: int) -> _EventRecord:
        try:
            return self._events[event_id]
        except KeyError:
            raise UnknownPart(f"no outbox event {event_id}") from None

    async def ack_event(self, event_id: int, *, now: float) -> None:
        """See ``Store.ack_event``."""
        self._write()
        record = self._event(event_id)
        record.attempts += 1
        record.done, record.finished_at, record.leased_until = True, now, None

    async def retry_event(
        self, event_id: int, *, now: float, next_attempt_at: float, error: str
    ) -> None:
        """See ``Store.retry_event``."""
        self._write()
        record = self._event(event_id)
        if record.done:
            return
        record.attempts += 1
        record.last_error = error
        record.next_attempt_at, record.leased_until = next_attempt_at, None

    async def give_up_event(self, event_id: int, *, now: float, reason: str) -> None:
        """See ``Store.give_up_event``."""
        self._write()
        record = self._event(event_id)
        record.done, record.finished_at, record.last_error = True, now, reason
        record.leased_until = None

    async def release_event_leases(self, *, now: float) -> int:
        """See ``Store.release_event_leases``."""
        self._write()
        leased = [r for r in self._events.values() if not r.done and r.leased_until is not None]
        for record in leased:
            record.leased_until = None
        return len(leased)

    # --- keys, quotas, metrics, retention ------------------------------------------------

    async def add_api_key(self, key_hash: str, name: str, *, now: float) -> None:
        """See ``Store.add_api_key``."""
        self._write()
        self._api_keys.setdefault(key_hash, name)

    async def api_key_hashes(self) -> tuple[str, ...]:
        """See ``Store.api_key_hashes``."""
        return tuple(self._api_keys)

    async def segments_sent(
        self, *, since: float, modem: str | None = None, sim: str | None = None
    ) -> int:
        """See ``Store.segments_sent``."""
        if (modem is None) == (sim is None):
            raise ValueError("segments_sent: give exactly one of modem or sim")
        count = 0
        for _, part in self._parts.values():
            if (modem is not None and part.modem != modem) or (sim is not None and part.sim != sim):
                continue
            if part.submitted_at is None or part.submitted_at < since:
                continue
            if part.sent_at is not None or part.state is PartState.UNKNOWN:
                count += 1
        return count

    async def metrics(self) -> StoreMetrics:
        """See ``Store.metrics``."""
        queued = dict.fromkeys(Priority, 0)
        by_state: dict[tuple[PartState, str], int] = {}
        for record, part in self._parts.values():
            if part.state is PartState.QUEUED:
                queued[record.new.priority] += 1
            key = (part.state, part.modem or "")
            by_state[key] = by_state.get(key, 0) + 1
        pending = sum(1 for record in self._events.values() if not record.done)
        return StoreMetrics(queued, by_state, pending)

    async def prune(self, *, before: float, batch_size: int = 500) -> int:
        """See ``Store.prune``."""
        self._write()
        doomed = [
            record
            for record in self._messages.values()
            if record.finished_at is not None and record.finished_at < before
        ]
        for record in doomed:
            del self._messages[record.id]
            del self._by_mid[record.mid]
            for part in record.parts:
                del self._parts[part.id]
        for event_id in [
            i
            for i, r in self._events.items()
            if r.done and r.finished_at is not None and r.finished_at < before
        ]:
            del self._events[event_id]
        for key in [k for k, v in self._idempotency.items() if v[3] < before]:
            del self._idempotency[key]
        for identity, inbound in list(self._inbound.items()):
            if inbound.inbox_id is not None and inbound.received_at < before:
                del self._inbound[identity]
                del self._inbound_by_key[inbound.key]
        return len(doomed)

    async def ping(self, *, now: float) -> None:
        """See ``Store.ping``."""
        self._write()

    async def close(self) -> None:
        """See ``Store.close``."""
        self._closed = True


__all__ = ["MemoryStore"]
