"""Hypothesis state machine: random claims, sends, errors, reports, releases, cancels,
expiry and restarts against a store; every change must be one the table allows."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from gsmgateway.store import (
    EndpointSubscription,
    IllegalTransition,
    LeaseLost,
    PartState,
    Priority,
    ReportOutcome,
)
from gsmgateway.store.memory import MemoryStore
from gsmgateway.store.states import TRANSITIONS, PartEvent, derive_status
from tests.helpers.store_values import T0, new_message

MODEMS = ("356938035643809", "356938035643817")
ALLOWED = {(src, dst) for moves in TRANSITIONS.values() for src, dst in moves.items()}
PART_EVENTS = (
    PartEvent.SUBMIT, PartEvent.ACCEPT, PartEvent.TEMPORARY_ERROR, PartEvent.PERMANENT_ERROR,
    PartEvent.AMBIGUOUS,
)  # fmt: skip


class Lifecycle(RuleBasedStateMachine):
    backend = "memory"

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp: str | None = None
        self.now = T0
        self.mr = dict.fromkeys(MODEMS, 0)
        self.sent: list[tuple[str, int]] = []

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    @initialize()
    def open_store(self) -> None:
        endpoints = [EndpointSubscription("hook")]
        if self.backend == "memory":
            self.store = MemoryStore(endpoints=endpoints)
        else:
            from gsmgateway.store.sqlite import SqliteStore

            self.tmp = tempfile.mkdtemp(prefix="gsmgateway-store-")
            self.store = self.run(SqliteStore.open(Path(self.tmp) / "db", endpoints=endpoints))
        messages = [
            new_message("a", parts=1),
            new_message("b", parts=2, priority=Priority.HIGH),
            new_message("c", parts=3, expires_at=T0 + 150),
        ]
        self.ids = self.run(self.store.enqueue(messages)).ids
        self.part_ids = [p.id for i in self.ids for p in self.run(self.store.get_message(i)).parts]

    def teardown(self) -> None:
        if hasattr(self, "store"):
            self.run(self.store.close())
        self.loop.close()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def tick(self) -> float:
        self.now += 1
        return self.now

    def part(self, part_id):
        for message_id in self.ids:
            for part in self.run(self.store.get_message(message_id)).parts:
                if part.id == part_id:
                    return part
        raise AssertionError(part_id)

    @rule(modem=st.sampled_from(MODEMS), quota=st.sampled_from([None, 1, 2]))
    def claim(self, modem, quota) -> None:
        got = self.run(
            self.store.claim(modem, ["default"], now=self.tick(), lease_seconds=15,
                             max_segments=quota)
        )  # fmt: skip
        if got is not None:
            assert quota is None or len(got.parts) <= quota
            for claimed in got.parts:
                assert self.part(claimed.id).state is PartState.CLAIMED

    def held(self):
        return [
            (p.id, p.modem, p.state)
            for message_id in self.ids
            for p in self.run(self.store.get_message(message_id)).parts
            if p.state in (PartState.CLAIMED, PartState.SUBMITTING)
        ]

    @rule(data=st.data())
    def act(self, data) -> None:
        held = self.held()
        if not held:
            # A driver acts on what it claimed: claim first when nothing is held.
            self.claim(data.draw(st.sampled_from(MODEMS)), None)
            held = self.held()
        if held and data.draw(st.integers(0, 3)) < 3:
            # Mostly what a driver would do: the holder, with an event its state accepts.
            part_id, modem, state = data.draw(st.sampled_from(held))
            fitting = [e for e in PART_EVENTS if state in TRANSITIONS[e]]
            event = data.draw(st.sampled_from(fitting))
        else:
            part_id = data.draw(st.sampled_from(self.part_ids))
            modem = data.draw(st.sampled_from(MODEMS))
            event = data.draw(st.sampled_from(PART_EVENTS))
        before = self.part(part_id)
        now = self.tick()
        expected = TRANSITIONS[event].get(before.state) if before.modem == modem else None
        event_note = f"{event.value} {'allowed' if expected else 'refused'}"
        calls = {
            PartEvent.SUBMIT: lambda: self.store.mark_submitting(
                part_id, modem, now=now, concat_ref=self.concat_ref(part_id)
            ),
            PartEvent.ACCEPT: lambda: self.store.mark_sent(
                part_id, modem, mr=self.next_mr(modem), now=now
            ),
            PartEvent.TEMPORARY_ERROR: lambda: self.store.requeue(
                part_id, modem, now=now, error="temp", not_before=now + 2
            ),
            PartEvent.PERMANENT_ERROR: lambda: self.store.mark_failed(
                part_id, modem, error="perm", now=now
            ),
            PartEvent.AMBIGUOUS: lambda: self.store.mark_unknown(
                part_id, modem, error="silence", now=now
            ),
        }
        hypothesis_event(event_note)
        try:
            self.run(calls[event]())
        except (IllegalTransition, LeaseLost):
            assert expected is None, f"{event} from {before.state} by its holder was refused"
            assert self.part(part_id).state is before.state
            return
        assert expected is not None, f"{event} from {before.state} ({before.modem}) allowed"
        assert self.part(part_id).state is expected
        if event is PartEvent.ACCEPT:
            self.sent.append((modem, self.mr[modem]))

    def concat_ref(self, part_id):
        for message_id in self.ids:
            message = self.run(self.store.get_message(message_id))
            if any(p.id == part_id for p in message.parts):
                return message.concat_ref if message.concat_ref is not None else 1
        raise AssertionError(part_id)

    def next_mr(self, modem) -> int:
        self.mr[modem] = (self.mr[modem] + 1) % 256
        return self.mr[modem]

    @rule(data=st.data(), outcome=st.sampled_from(list(ReportOutcome)))
    def report(self, data, outcome) -> None:
        if not self.sent:
            return
        modem, mr = data.draw(st.sampled_from(self.sent))
        part = self.run(self.store.apply_status_report(modem, mr, outcome, now=self.tick()))
        assert part is not None and part.modem == modem and part.mr == mr

    @rule(index=st.integers(0, 2), modem=st.sampled_from(MODEMS))
    def release(self, index, modem) -> None:
        self.run(self.store.release(self.ids[index], modem, now=self.tick()))

    @rule()
    def time_passes(self) -> None:
        self.now += 20
        self.run(self.store.reclaim_expired_leases(now=self.now))
        self.run(self.store.expire_due(now=self.now))

    @rule(index=st.integers(0, 2))
    def cancel(self, index) -> None:
        self.run(self.store.cancel(self.ids[index], now=self.tick()))

    @rule(resend=st.booleans())
    def restart(self, resend) -> None:
        self.run(self.store.recover_at_start(now=self.tick(), resend_unknown=resend))

    @invariant()
    def every_change_is_in_the_table_and_counters_agree(self) -> None:
        if not hasattr(self, "store"):
            return
        recount: dict[tuple[PartState, str], int] = {}
        for message_id in self.ids:
            message = self.run(self.store.get_message(message_id))
            assert message.status is derive_status(p.state for p in message.parts)
            holders = {
                p.modem
                for p in message.parts
                if p.state in (PartState.CLAIMED, PartState.SUBMITTING)
            }
            assert len(holders) <= 1, "two modems hold parts of one message"
            for part in message.parts:
                chain = [h for h in message.history if h.seq == part.seq]
                assert chain[0].from_state is None
                for earlier, later in itertools.pairwise(chain):
                    assert later.from_state is earlier.to_state
                    assert (later.from_state, later.to_state) in ALLOWED
                assert chain[-1].to_state is part.state
                key = (part.state, part.modem or "")
                recount[key] = recount.get(key, 0) + 1
        counted = {k: v for k, v in self.run(self.store.metrics()).parts_by_state_and_modem.items()
                   if v}  # fmt: skip
        assert counted == recount


class SqliteLifecycle(Lifecycle):
    backend = "sqlite"


TestMemoryLifecycle = Lifecycle.TestCase
TestMemoryLifecycle.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip

TestSqliteLifecycle = SqliteLifecycle.TestCase
TestSqliteLifecycle.settings = settings(
    max_examples=15, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
