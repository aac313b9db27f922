"""The store's interface: the values it takes and returns, and the ``Store`` protocol.

Every layer above (api/, pool/, webhooks/, service) talks to the durable state only
through ``Store``; ``MemoryStore`` (tests, benchmarks) and ``SqliteStore`` (the embedded
default) implement it with the same semantics, checked by one contract test suite, and a
PostgreSQL backend can follow (claims with ``FOR UPDATE SKIP LOCKED``, wake-ups with
LISTEN/NOTIFY): nothing here assumes that one process owns the queue.

Conventions:

- Every method is a coroutine. A write returns only after its transaction is committed
  (and, for SQLite, on disk); reads never block the event loop.
- Time is passed in: every ``now`` and timestamp is float seconds since the epoch given
  by the caller. The store reads no clock.
- Message ids are opaque strings, time-ordered (``"m_"`` + 26 base32 characters, a
  ULID made from ``created_at``), so listing newest-first is an index range scan.
- Part ids are integers, unique within a store. A claim takes ONE message's queued
  parts; the holder then moves each part on with the ``mark_*`` calls.
- The part state machine is ``store/states.py``; a call that the table forbids raises
  ``IllegalTransition`` (a bug in the caller). A call on a part whose claim was taken
  away (lease reclaimed, message cancelled or expired) raises ``LeaseLost``.
- ``StoreUnavailable`` means nothing was written; the caller may retry or answer 503.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from gsmgateway.sms.dcs import Encoding
from gsmgateway.sms.reassembly import InboundPart
from gsmgateway.store.states import MessageStatus, PartState

#: Webhook event types the store queues in its outbox.
EVENT_MESSAGE_STATUS = "message.status"
EVENT_MESSAGE_RECEIVED = "message.received"
EVENT_TYPES = (EVENT_MESSAGE_STATUS, EVENT_MESSAGE_RECEIVED)

MAX_PARTS = 255  # TS 23.040 9.2.3.24.1: the concatenation header counts parts in one octet


class Priority(enum.Enum):
    """A message's priority; higher priorities are claimed first."""

    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for high, 1 for normal, 2 for low: the sort key of claims."""
        return _PRIORITY_RANK[self]

    @classmethod
    def from_rank(cls, rank: int) -> Priority:
        """The priority whose ``rank`` is ``rank``."""
        return _PRIORITY_BY_RANK[rank]


_PRIORITY_RANK = {Priority.HIGH: 0, Priority.NORMAL: 1, Priority.LOW: 2}
_PRIORITY_BY_RANK = {rank: priority for priority, rank in _PRIORITY_RANK.items()}


class ReportOutcome(enum.Enum):
    """What a status report says about a sent part (from TP-ST, TS 23.040 9.2.3.15).

    ``gsmgateway.sms`` classifies TP-ST values into these; ``apply_status_report`` also
    accepts the plain strings ``"delivered"``, ``"pending"`` and ``"failed"``.
    """

    DELIVERED = "delivered"  # 0x00-0x1F: short message transaction completed
    PENDING = "pending"  # 0x20-0x3F: temporary error, the SC is still trying
    FAILED = "failed"  # 0x40-0x7F: permanent error, or the SC stopped trying


class CancelOutcome(enum.Enum):
    """The result of ``cancel``: done (also when already cancelled), refused, or no such id."""

    CANCELLED = "cancelled"
    CONFLICT = "conflict"  # some part was already submitted, or the message is finished
    NOT_FOUND = "not_found"


def _check_time(name: str, value: float | None) -> None:
    if value is not None and not (isinstance(value, _NUMBER) and math.isfinite(value)):
        raise ValueError(f"{name}: a finite number of seconds since the epoch")


_NUMBER = (int, float)


@dataclass(frozen=True, init=False)
class NewMessage:
    """One message to queue, as planned by the API (``gsmgateway.sms.plan.plan_text``).

    ``segments`` holds each part's text in order; ``route`` is the routing-group key the
    caller computed ("default", a [[route]] group, or ``"modem:<imei>"`` when the body
    names a modem); ``expires_at`` is when validity passes (None: never); ``metadata``
    is the client's own JSON-serialisable data, returned with the message and in events.
    """

    to: str
    text: str
    segments: tuple[str, ...]
    created_at: float
    encoding: Encoding = Encoding.GSM7
    locking: str | None = None
    single: str | None = None
    priority: Priority = Priority.NORMAL
    route: str = "default"
    send_at: float | None = None
    expires_at: float | None = None
    validity_minutes: int | None = None
    status_report: bool = True
    flash: bool = False
    concat_ref_bits: int = 8
    metadata: Mapping[str, Any] | None = None

    def __init__(
        self,
        to: str,
        text: str,
        segments: tuple[str, ...],
        created_at: float,
        encoding: Encoding = Encoding.GSM7,
        locking: str | None = None,
        single: str | None = None,
        priority: Priority = Priority.NORMAL,
        route: str = "default",
        send_at: float | None = None,
        expires_at: float | None = None,
        validity_minutes: int | None = None,
        status_report: bool = True,
        flash: bool = False,
        concat_ref_bits: int = 8,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        # The API makes one of these per queued message: the instance dict is set in one
        # step, not with a frozen dataclass's setattr per field (a third of the cost of a
        # message in a batch). tests/store/test_interface.py keeps the parameters and the
        # fields the same.
        if not to:
            raise ValueError("to: a destination number is required")
        if not segments or len(segments) > MAX_PARTS:
            raise ValueError(f"segments: 1 to {MAX_PARTS} segment texts")
        if not route:
            raise ValueError("route: a routing group key is required")
        if concat_ref_bits != 8 and concat_ref_bits != 16:
            raise ValueError("concat_ref_bits: 8 or 16")
        if type(created_at) is not float or created_at - created_at != 0.0:
            _check_time("created_at", created_at)
        if send_at is not None:
            _check_time("send_at", send_at)
        if expires_at is not None:
            _check_time("expires_at", expires_at)
        object.__setattr__(
            self,
            "__dict__",
            {
                "to": to,
                "text": text,
                "segments": segments,
                "created_at": created_at,
                "encoding": encoding,
                "locking": locking,
                "single": single,
                "priority": priority,
                "route": route,
                "send_at": send_at,
                "expires_at": expires_at,
                "validity_minutes": validity_minutes,
                "status_report": status_report,
                "flash": flash,
                "concat_ref_bits": concat_ref_bits,
                "metadata": metadata,
            },
        )


@dataclass(frozen=True)
class Idempotency:
    """An ``Idempotency-Key`` with the hash of the request body it came with.

    ``render`` turns the new message ids into the response body (JSON text) that is
    stored with the key in the same transaction; it runs inside the store's write (on
    its writer thread for SQLite), so it must be pure and quick.
    """

    key: str
    body_hash: str
    render: Callable[[tuple[str, ...]], str]

    def __post_init__(self) -> None:
        if not self.key or len(self.key) > 255:
            raise ValueError("Idempotency-Key: 1 to 255 characters")


@dataclass(frozen=True)
class EnqueueResult:
    """What ``enqueue`` did: the ids in order; for an idempotent request, its response."""

    ids: tuple[str, ...]
    response_json: str | None = None
    replayed: bool = False  # True: the key was seen before, nothing new was queued


@dataclass(frozen=True)
class Part:
    """One part (segment) of a message as stored, with the timestamps of its life."""

    id: int
    seq: int  # 1-based position in the message
    state: PartState
    text: str
    modem: str | None  # the modem holding or last having sent it
    mr: int | None  # TP-MR from +CMGS
    error: str | None
    attempts: int  # temporary errors so far
    queued_at: float
    updated_at: float
    claimed_at: float | None = None
    lease_until: float | None = None
    submitted_at: float | None = None
    sent_at: float | None = None
    finished_at: float | None = None  # delivered, failed, cancelled, expired or unknown


@dataclass(frozen=True)
class HistoryEntry:
    """One committed part transition; ``from_state`` None is the part's creation."""

    seq: int
    from_state: PartState | None
    to_state: PartState
    at: float
    modem: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Message:
    """A message with its parts (and, from ``get_message``, its history), for the API."""

    id: str
    status: MessageStatus
    to: str
    text: str
    encoding: Encoding
    locking: str | None
    single: str | None
    segments: int
    priority: Priority
    route: str
    send_at: float | None
    expires_at: float | None
    validity_minutes: int | None
    status_report: bool
    flash: bool
    created_at: float
    updated_at: float
    metadata: Mapping[str, Any] | None
    concat_ref: int | None
    pinned_modem: str | None
    parts: tuple[Part, ...]
    history: tuple[HistoryEntry, ...] = ()


@dataclass(frozen=True)
class MessagePage:
    """One page of ``list_messages``, newest first; ``next`` is the cursor of the next page."""

    messages: tuple[Message, ...]
    next: str | None


@dataclass(frozen=True)
class ClaimedPart:
    """A part handed to a modem: its id for the ``mark_*`` calls, position and text."""

    id: int
    seq: int
    text: str


@dataclass(frozen=True)
class Claim:
    """One message's queued parts, held by ``modem_id`` until ``lease_until``.

    Everything the driver needs to encode the PDUs: ``total`` is the message's part
    count (for the concatenation header); ``concat_ref`` is the reference already used
    for earlier parts of this message (reuse it), or None (allocate one and pass it to
    ``mark_submitting``). ``expires_at`` lets the caller compute the remaining validity.
    """

    message_id: str
    modem_id: str
    lease_until: float
    to: str
    encoding: Encoding
    locking: str | None
    single: str | None
    total: int
    concat_ref: int | None
    concat_ref_bits: int
    status_report: bool
    flash: bool
    validity_minutes: int | None
    expires_at: float | None
    priority: Priority
    route: str
    parts: tuple[ClaimedPart, ...]


@dataclass(frozen=True)
class CancelResult:
    """The outcome of ``cancel`` and the message's status afterwards (None: not found)."""

    outcome: CancelOutcome
    status: MessageStatus | None


@dataclass(frozen=True)
class RecoveryReport:
    """What ``recover_at_start`` did: claims returned, submitting parts made unknown,
    and unknown parts queued again under ``resend_unknown``."""

    released: int
    unknown: int
    requeued: int


@dataclass(frozen=True)
class InboundPartAdded:
    """The result of ``add_inbound_part``.

    ``duplicate`` True: this PDU from this modem is already stored (re-read after a
    crash before the SIM delete); do not feed it to the reassembler again, just delete
    it from the SIM. ``inbox_id`` is set when its message was already completed.
    """

    key: str
    duplicate: bool
    inbox_id: str | None = None


@dataclass(frozen=True)
class StoredInboundPart:
    """An inbound part committed but not yet part of an inbox message (for restart)."""

    key: str
    modem: str
    sender: str
    text: str
    ref: int | None
    total: int
    seq: int
    ref_bits: int
    scts: float | None
    received_at: float

    def as_inbound_part(self) -> InboundPart:
        """The value ``gsmgateway.sms.reassembly.Reassembler.add`` takes."""
        return InboundPart(
            sender=self.sender,
            text=self.text,
            ref=self.ref,
            total=self.total,
            seq=self.seq,
            ref_bits=self.ref_bits,
            key=self.key,
        )


@dataclass(frozen=True)
class InboxMessage:
    """A received message, reassembled from ``parts`` parts (``partial``: some missing)."""

    id: str
    modem: str
    sender: str
    text: str
    parts: int
    partial: bool
    received_at: float
    scts: float | None


@dataclass(frozen=True)
class InboxPage:
    """One page of ``list_inbox``, oldest first after the cursor; ``next`` continues it."""

    messages: tuple[InboxMessage, ...]
    next: str | None


@dataclass(frozen=True)
class OutboxEvent:
    """One webhook event for one endpoint, as queued in the outbox.

    ``subject`` is the message or inbox id the event is about; events of one subject
    and endpoint are handed out strictly in ``id`` order. ``payload`` is the event's
    JSON object (``{"event", "id", "status", "previous_status", "to", "at", ...}`` for
    ``message.status``; ``{"event", "id", "modem", "from", "text", ...}`` for
    ``message.received``); the webhooks layer serialises and signs it.
    """

    id: int
    endpoint: str
    event: str
    subject: str
    payload: Mapping[str, Any]
    created_at: float
    attempts: int
    next_attempt_at: float
    last_error: str | None = None


@dataclass(frozen=True)
class StoreMetrics:
    """Gauges for /metrics: queued parts by priority, parts by (state, modem), outbox."""

    queued_parts_by_priority: Mapping[Priority, int]
    parts_by_state_and_modem: Mapping[tuple[PartState, str], int]  # modem "" when none
    outbox_pending: int


@dataclass(frozen=True)
class WriteStats:
    """Counters of the write path: requests executed and transactions committed."""

    requests: int = 0
    transactions: int = 0
    failed_requests: int = 0


@dataclass(frozen=True)
class EndpointSubscription:
    """A webhook endpoint by name and the event types it receives."""

    name: str
    events: frozenset[str] = field(default_factory=lambda: frozenset(EVENT_TYPES))

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("endpoint name is required")
        unknown = set(self.events) - set(EVENT_TYPES)
        if unknown:
            raise ValueError(f"unknown event types: {', '.join(sorted(unknown))}")


class WorkSignal(Protocol):
    """One subscriber's wake-up: set after a commit that may have made parts claimable.

    Use: ``signal.clear()``, then ``claim``; if it returned None, ``await
    signal.wait(timeout)`` (timeout up to ``next_eligible_at``). Clearing before the
    claim means a commit between the claim and the wait is never missed. Only commits
    of this process (or, with PostgreSQL, NOTIFYs of others) set it: another process on
    the same SQLite file is seen at the next timeout, so keep a fallback timeout.
    """

    def clear(self) -> None:
        """Forget earlier signals."""

    async def wait(self, timeout: float | None) -> bool:
        """True when signalled, False when ``timeout`` seconds passed first."""

    def close(self) -> None:
        """Stop receiving signals."""


@runtime_checkable
class Store(Protocol):
    """The durable state of the gateway. See the module docstring for the conventions."""

    # --- messages: the API's side -------------------------------------------------------

    async def enqueue(
        self, messages: Sequence[NewMessage], *, idempotency: Idempotency | None = None
    ) -> EnqueueResult:
        """Queue all ``messages`` in one transaction (all or none) and return their ids.

        With ``idempotency``: a key seen before with the same ``body_hash`` queues nothing
        and returns the first call's ids and response (``replayed`` True); with another
        hash it raises ``IdempotencyConflict``. The key check and the insert are atomic.
        Parts start ``queued``; a message is claimable from ``send_at`` (None: now).
        """
        ...

    async def get_message(self, message_id: str) -> Message | None:
        """The message with its parts and history, or None if there is no such id."""
        ...

    async def list_messages(
        self, *, status: MessageStatus | None = None, limit: int = 100, after: str | None = None
    ) -> MessagePage:
        """Messages newest first (with parts, without history), optionally of one status.

        ``after`` is the ``next`` cursor of the previous page: messages older than it.
        """
        ...

    async def cancel(self, message_id: str, *, now: float) -> CancelResult:
        """Cancel a message none of whose parts was submitted: its queued and claimed parts
        become ``cancelled`` (a holder then gets ``LeaseLost``). Cancelling a cancelled
        message is CANCELLED again; a message with a submitted part, or already expired,
        is CONFLICT and unchanged; an unknown id is NOT_FOUND."""
        ...

    # --- claims: the pool's side ---------------------------------------------------------

    async def claim(
        self,
        modem_id: str,
        routes: Sequence[str],
        *,
        now: float,
        lease_seconds: float,
        max_segments: int | None = None,
    ) -> Claim | None:
        """Claim all queued parts (in seq order) of ONE message for ``modem_id``, or None.

        Chosen among messages whose route is in ``routes``: messages pinned to this modem
        first (earlier parts went out through it), then by priority, then oldest first.
        Skipped: messages before ``send_at`` or their retry ``not_before``; expired ones
        (expired on the way, with their events); messages held by another modem or pinned
        to another; messages this modem must avoid until ``avoid_until``; messages with
        more queued parts than ``max_segments`` (the caller's remaining quota).
        The parts become ``claimed`` by this modem until ``now + lease_seconds``.
        Safe against concurrent claimers in other processes (conditional update).
        """
        ...

    async def renew_lease(
        self, message_id: str, modem_id: str, *, now: float, lease_seconds: float
    ) -> bool:
        """Extend the lease of the parts of ``message_id`` claimed by ``modem_id``.

        False when this modem holds none of them any more (reclaimed, cancelled).
        """
        ...

    async def release(self, message_id: str, modem_id: str, *, now: float) -> int:
        """Give back (claimed -> queued) the parts of ``message_id`` this modem holds,
        for example on shutdown or when the modem went away before submitting them.
        Returns how many parts were released; attempts are not counted."""
        ...

    async def reclaim_expired_leases(self, *, now: float) -> int:
        """Return claimed parts whose lease ended before ``now`` to the queue; the count."""
        ...

    async def unpin(self, message_id: str, *, now: float) -> bool:
        """Let any modem claim the rest of a message pinned to the modem that sent its first
        parts (failover; the phone will not reassemble the parts as one). Clears the
        stored concatenation reference. False if the message was not pinned."""
        ...

    async def mark_submitting(
        self,
        part_id: int,
        modem_id: str,
        *,
        now: float,
        concat_ref: int | None,
        sim_id: str | None = None,
    ) -> None:
        """claimed -> submitting: committed BEFORE the PDU's Ctrl-Z goes to the modem.

        Pins the message to ``modem_id`` and stores ``concat_ref`` (the concatenation
        reference, None for a single-part message) if the message has none yet; a
        different one than stored is ``ValueError``. ``sim_id`` (ICCID) is kept for
        ``segments_sent``. ``LeaseLost`` if this modem no longer holds the part.
        """
        ...

    async def mark_sent(self, part_id: int, modem_id: str, *, mr: int, now: float) -> None:
        """submitting -> sent: ``+CMGS: <mr>`` came back; TP-MR (0-255) recorded."""
        ...

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
        """claimed or submitting -> queued after a temporary error (a definite ``+CMS
        ERROR``, or a failure before Ctrl-Z). The message is not claimable before
        ``not_before``; with ``avoid_until`` this modem skips it until then (other modems
        preferred). If no part of the message may have reached the network, the pin and
        concatenation reference are dropped. Returns the part's attempts so far (this one
        included) so the caller can ``mark_failed`` past its limit."""
        ...

    async def mark_failed(
        self, part_id: int, modem_id: str, *, error: str, now: float
    ) -> tuple[int, ...]:
        """claimed or submitting -> failed (permanent error, retries exhausted). The
        message's queued and claimed parts fail with it ("another part failed"); their
        ids are returned (a holder must not submit them)."""
        ...

    async def mark_unknown(self, part_id: int, modem_id: str, *, error: str, now: float) -> None:
        """submitting -> unknown: silence after Ctrl-Z (timeout, port gone). Never re-sent
        by the store except by ``recover_at_start(resend_unknown=True)``."""
        ...

    async def apply_status_report(
        self,
        modem_id: str,
        mr: int,
        outcome: ReportOutcome | str,
        *,
        now: float,
        detail: str | None = None,
    ) -> Part | None:
        """Apply a status report to the MOST RECENTLY sent part of ``modem_id`` with TP-MR
        ``mr`` (TP-MR wraps at 255, so older parts with the same reference lose).
        sent -> delivered / failed (the message's unsent parts fail too), or a history
        entry for pending. A report for a part already delivered or failed changes
        nothing. Returns the matched part as it is afterwards, or None if none matched."""
        ...

    async def recover_at_start(
        self, *, now: float, resend_unknown: bool, modems: Sequence[str] | None = None
    ) -> RecoveryReport:
        """At process start: claimed -> queued; submitting -> unknown, and with
        ``resend_unknown`` those same parts -> queued (both steps in history). Other
        parts already unknown are left alone. ``modems`` limits it to parts held by
        those modems (several nodes on one database); None takes every part."""
        ...

    async def expire_due(self, *, now: float) -> int:
        """Queued parts of messages whose ``expires_at`` is at or before ``now`` ->
        expired (events queued). Returns the number of messages expired."""
        ...

    async def next_eligible_at(self, routes: Sequence[str], *, now: float) -> float | None:
        """The earliest time after ``now`` at which a waiting message of ``routes`` (send_at
        or retry back-off in the future) becomes claimable, or None if there is none; the
        pool sleeps until then, until its ``WorkSignal``, or its fallback timeout
        (a message this modem avoids, or too long for its quota, is not counted)."""
        ...

    def work_signal(self) -> WorkSignal:
        """A new subscription to wake-ups after commits that queue parts (enqueue,
        requeue, release, reclaim, recover, unpin)."""
        ...

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
        """Commit one received part; delete it from the SIM only after this returns.

        The same PDU (hex, case-insensitive) from the same modem is stored once: a second
        call returns the first key with ``duplicate`` True.
        """
        ...

    async def complete_inbound(
        self,
        part_keys: Sequence[str],
        *,
        sender: str,
        text: str,
        partial: bool,
        now: float,
    ) -> str:
        """Make one inbox message of these parts (the reassembler's output) and queue its
        ``message.received`` events, atomically; returns the inbox id. Completing the same
        keys again returns the same id; keys of another inbox message: InboundConflict;
        unknown keys: UnknownPart."""
        ...

    async def pending_inbound_parts(self) -> tuple[StoredInboundPart, ...]:
        """Parts committed but not yet completed, oldest first (re-fed to the reassembler
        at start)."""
        ...

    async def list_inbox(self, *, after: str | None = None, limit: int = 100) -> InboxPage:
        """Received messages oldest first, those after the cursor ``after`` (an inbox id)."""
        ...

    async def get_inbox_message(self, inbox_id: str) -> InboxMessage | None:
        """One received message, or None."""
        ...

    # --- webhook outbox ------------------------------------------------------------------

    async def fetch_due_events(
        self, *, now: float, limit: int = 100, lease_seconds: float = 60.0
    ) -> tuple[OutboxEvent, ...]:
        """Due events (``next_attempt_at`` <= now) not under a live lease, at most
        ``limit``, oldest first, none of which has an earlier unfinished event of the same
        subject and endpoint. They are leased, apart from their retry schedule: not handed
        out again before ``now + lease_seconds`` unless retried or released, so two
        deliverers never send one event at once and a crashed one's events come back."""
        ...

    async def ack_event(self, event_id: int, *, now: float) -> None:
        """The endpoint acknowledged the event (2xx): it is done."""
        ...

    async def retry_event(
        self, event_id: int, *, now: float, next_attempt_at: float, error: str
    ) -> None:
        """The attempt failed: count it, record ``error``, end its lease and try again at
        ``next_attempt_at``."""
        ...

    async def give_up_event(self, event_id: int, *, now: float, reason: str) -> None:
        """Stop trying (too old): the event is kept as given up and no longer blocks later
        events of its subject."""
        ...

    async def release_event_leases(self, *, now: float) -> int:
        """End every lease of a pending event (at start, before the first fetch: the
        process that took them is gone); the count. Each is due again as its retry
        schedule says, which is at once for an event leased when due; none is lost."""
        ...

    # --- API keys, quotas, metrics, retention, health ------------------------------------

    async def add_api_key(self, key_hash: str, name: str, *, now: float) -> None:
        """Store an API key's hash (the API hashes and compares); adding it again is a no-op."""
        ...

    async def api_key_hashes(self) -> tuple[str, ...]:
        """Every stored API key hash."""
        ...

    async def segments_sent(
        self, *, since: float, modem: str | None = None, sim: str | None = None
    ) -> int:
        """Parts submitted through ``modem`` (IMEI) or ``sim`` (ICCID) at or after ``since``
        that reached the network or may have (sent, delivered, failed after a report,
        unknown): the seed of daily and monthly quotas at start."""
        ...

    async def metrics(self) -> StoreMetrics:
        """Current gauges; cheap (maintained counters, not a scan of the parts)."""
        ...

    async def prune(self, *, before: float, batch_size: int = 500) -> int:
        """Delete finished messages (no part queued, claimed or submitting: delivered,
        failed, sent, unknown, expired, cancelled) that finished before ``before``, with
        their parts and history, and finished outbox events, idempotency keys and
        completed inbound parts older than it; in transactions of ``batch_size`` so
        sends are never held up. Inbox messages are kept. Returns messages deleted."""
        ...

    async def ping(self, *, now: float) -> None:
        """A tiny committed write: raises ``StoreUnavailable`` when the store cannot write."""
        ...

    async def close(self) -> None:
        """Finish the writes already queued, then close; later calls raise StoreUnavailable."""
        ...


__all__ = [
    "EVENT_MESSAGE_RECEIVED",
    "EVENT_MESSAGE_STATUS",
    "EVENT_TYPES",
    "MAX_PARTS",
    "CancelOutcome",
    "CancelResult",
    "Claim",
    "ClaimedPart",
    "EndpointSubscription",
    "EnqueueResult",
    "HistoryEntry",
    "Idempotency",
    "InboundPartAdded",
    "InboxMessage",
    "InboxPage",
    "Message",
    "MessagePage",
    "NewMessage",
    "OutboxEvent",
    "Part",
    "Priority",
    "RecoveryReport",
    "ReportOutcome",
    "Store",
    "StoreMetrics",
    "StoredInboundPart",
    "WorkSignal",
    "WriteStats",
]
