"""The crash test of issue 5: ``gsmgateway serve`` SIGKILLed at random moments while a
client POSTs a 2,000-message run, and restarted, at least 20 rounds, against
``gsmgateway sim`` in its own process; then the last incarnation finishes the queue
and stops cleanly (SIGTERM).

Kills land on start-up (store recovery, modem probing), on bursts of POSTs (some 202s
of this incarnation answered and more in flight), right after the network took a part
(the sim logged it, the gateway has not yet recorded ``+CMGS``), and at random moments.

What must hold afterwards:
- every message answered 202 exists exactly once, and is delivered, failed, unknown,
  or sent when its status report fell due while the gateway was down (a ``+CDS`` the
  dead process could not read is lost, by design: the part stays ``sent``). Such a
  part must have been sent moments before a kill; the test cannot tell a report lost
  in the dead time from one the gateway dropped in those moments (a report held at the
  "> " prompt and given after the next start's ESC was such a drop: its regression
  test is in tests/pool/test_inbound.py);
- a POST whose connection died before its answer exists at most once (keyed ones are
  retried with their ``Idempotency-Key`` until answered, and exist exactly once);
- the sim log shows no part taken by the network twice, unless it went ``unknown`` at
  a restart and ``resend_unknown`` is on, and then once more per such restart at most;
  and never more sends of a part than ``submitting`` entries in its history (the
  gateway commits ``submitting`` before every Ctrl-Z);
- every message's final status reached the webhook receiver at least once, signed.

The seed is printed, and a line per round (what its start recovered, how and when it
was killed, what was answered and sent by then); ``GSMGATEWAY_CRASH_SEED=N`` repeats a
run's random choices (the messages, the requests, the kinds and delays of kills; not
the machine's timing), and ``GSMGATEWAY_CRASH_KEEP=DIR`` keeps the run's files there
(database, sim log, outputs).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import enum
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.test_service import free_port
from tests.helpers.crash_rig import (
    GatewayProcess,
    HookReceiver,
    Incarnation,
    SimLog,
    SimProcess,
)
from tests.helpers.waiting import wait_for

KEY = "crash-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
SECRET = "crash-webhook-secret-0123456789"
MODEMS = 4
# A part sent this long or less before a kill may stay "sent": its status report (due
# 20 ms after the submission) may have come while no gateway was reading. (Measured: at
# most 0.1 s, on a loaded machine too; the margin is for a slower one.)
REPORT_GRACE = 2.0
# After the queue drained, every webhook is posted within this (generous for a loaded
# machine, and shorter than a lease, so a lease waited out fails the run).
WEBHOOKS_AFTER_DRAIN = 25.0
# The [[webhook]] timeout of the in-flight test: its lease is this + 30 s.
HELD_HOOK_TIMEOUT = 30.0
FINAL_STATUSES = {"delivered", "failed", "unknown", "sent"}
KILL_MODES = ("startup", "burst", "send", "uptime")
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]
CYRILLIC = ["привет", "заказ", "доставка", "код", "время", "адрес", "курьер", "оплата"]


class Fate(enum.Enum):
    """What the simulated network does with a message's recipient."""

    DELIVER = "deliver"
    REJECT = "reject"  # every submission answered +CMS ERROR: 1 (unassigned number)
    UNDELIVERABLE = "undeliverable"  # taken, then a status report saying it failed


@dataclass(frozen=True)
class Planned:
    index: int
    to: str
    text: str
    fate: Fate


@dataclass(frozen=True)
class Request:
    messages: tuple[Planned, ...]
    key: str | None  # Idempotency-Key: retried until answered; None: given up when lost

    @property
    def batch(self) -> bool:
        return len(self.messages) > 1

    def body(self) -> dict:
        items = [{"to": m.to, "text": m.text, "status_report": True} for m in self.messages]
        return {"messages": items} if self.batch else items[0]


def _text(rng: random.Random, index: int) -> str:
    """A text unique to its message: GSM 7-bit or UCS-2, one to three segments."""
    kind = rng.choices(("gsm7", "gsm7-long", "ucs2", "ucs2-long"), (55, 25, 10, 10))[0]
    low, high = {"gsm7": (20, 150), "gsm7-long": (170, 440)}.get(kind, (15, 60))
    if kind == "ucs2-long":
        low, high = 75, 125
    words = CYRILLIC if kind.startswith("ucs2") else WORDS
    target = rng.randint(low, high)
    text = f"#{index:04d}"
    while len(text) < target:
        text += " " + rng.choice(words)
    return text


def plan_run(rng: random.Random, count: int, seed: int) -> list[Request]:
    """``count`` messages to distinct numbers, in single POSTs (half of them keyed) and
    in keyed batches of 10 to 40."""
    messages = []
    for index in range(count):
        fate = rng.choices(list(Fate), (94, 3, 3))[0]
        messages.append(Planned(index, f"+447911{100000 + index}", _text(rng, index), fate))
    requests, position = [], 0
    while position < count:
        if rng.random() < 0.04:
            size = rng.randint(10, 40)
            chunk = tuple(messages[position : position + size])
            requests.append(Request(chunk, f"crash-{seed}-batch-{position}"))
        else:
            chunk = (messages[position],)
            keyed = rng.random() < 0.5
            requests.append(Request(chunk, f"crash-{seed}-{position}" if keyed else None))
        position += len(chunk)
    return requests


@dataclass
class Client:
    """POSTs the run in bursts, keeping every id answered 202 and every lost answer."""

    url: str
    requests: list[Request]
    rng: random.Random
    accepted: dict[int, str] = field(default_factory=dict)  # message index -> id
    segments: dict[int, int] = field(default_factory=dict)
    uncertain: set[int] = field(default_factory=set)  # unkeyed, answer lost: 0 or 1 copies
    unexpected: list[str] = field(default_factory=list)
    in_flight: int = 0
    answered: int = 0
    lost_answers: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, session: aiohttp.ClientSession, deadline: float) -> None:
        slots = asyncio.Semaphore(8)

        async def post(request: Request) -> None:
            async with slots:
                await self._post(session, request, deadline)

        position = 0
        try:
            while position < len(self.requests):
                burst = self.requests[position : position + self.rng.randint(5, 40)]
                position += len(burst)
                await asyncio.gather(*(post(request) for request in burst))
                # Pacing the load so that POSTs go on through most rounds (not a wait on
                # a condition).
                await asyncio.sleep(self.rng.uniform(0.1, 0.6))
        finally:
            self.done.set()

    async def _post(self, session, request: Request, deadline: float) -> None:
        headers = {**AUTH, **({"Idempotency-Key": request.key} if request.key else {})}
        path = "/v1/messages/batch" if request.batch else "/v1/messages"
        while time.monotonic() < deadline:
            try:
                status, answer = await self._exchange(session, path, request, headers)
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.05)  # the gateway is down: nothing was sent; again
                continue
            except (aiohttp.ClientError, TimeoutError):
                self.lost_answers += 1
                if request.key is None:
                    self.uncertain.update(m.index for m in request.messages)
                    return
                await asyncio.sleep(0.05)
                continue
            if status == 202:
                self._accept(request, answer)
                return
            if status in (429, 503):
                await asyncio.sleep(0.05)
                continue
            self.unexpected.append(f"{path} {request.key}: {status} {answer}")
            return
        self.unexpected.append(f"{path} {request.key}: no answer before the deadline")

    async def _exchange(self, session, path, request, headers):
        self.in_flight += 1
        try:
            async with session.post(self.url + path, json=request.body(), headers=headers) as r:
                return r.status, await r.json()
        finally:
            self.in_flight -= 1

    def _accept(self, request: Request, answer: dict) -> None:
        results = answer["results"] if request.batch else [answer]
        for message, result in zip(request.messages, results, strict=True):
            if "id" not in result:
                self.unexpected.append(f"message {message.index} refused: {result}")
                continue
            self.accepted[message.index] = result["id"]
            self.segments[message.index] = result.get("segments")
            self.uncertain.discard(message.index)
        self.answered += 1


def _epoch(text: str | None) -> float | None:
    return None if text is None else datetime.fromisoformat(text).timestamp()


async def _get(session, url):
    async with session.get(url, headers=AUTH) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def list_messages(session, base, status=None) -> list[dict]:
    """Every message (newest first), following the cursor."""
    out, after = [], None
    while True:
        query = "limit=1000" + (f"&status={status}" if status else "")
        query += f"&after={after}" if after else ""
        page = await _get(session, f"{base}/v1/messages?{query}")
        out.extend(page["messages"])
        after = page["next"]
        if after is None:
            return out


@dataclass(frozen=True)
class Variant:
    """How a crash run goes: its size, its rounds, its policy and how kills are chosen."""

    messages: int
    min_rounds: int
    max_rounds: int  # while the client is still posting, at most this many kills
    resend_unknown: bool = False
    kill_weights: tuple[float, ...] = (0.15, 0.3, 0.3, 0.25)  # of KILL_MODES
    min_requeued: int = 0  # rounds go on (up to max_rounds) until this many unknown re-queued


@dataclass
class Run:
    """What one crash run produced, for the checks."""

    plan: dict[int, Planned]
    client: Client
    incarnations: list[Incarnation]
    kills: collections.Counter
    messages: list[dict]  # with history
    sim_entries: list[dict]
    events: list[dict]
    bad_signatures: list[bytes]
    recovery_lines: list[str]
    phases: dict[str, float]  # seconds: kill rounds, drain, webhooks, in all


async def _kill_moment(mode, rng, gateway, session, client, sim_log, start_up) -> str:
    """Wait for the moment ``mode`` names; the mode that moment really had. ``start_up``:
    how long the latest start-up took (seconds), so that start-up kills land in it on a
    fast machine and on a slow one."""
    if mode == "startup":
        await asyncio.sleep(rng.uniform(0.05, 1.0) * start_up)  # a random moment of it
        return mode
    await gateway.wait_ready(session, MODEMS)
    if mode == "burst" and not client.done.is_set():
        seen = client.answered
        if await _within(lambda: client.in_flight and client.answered > seen, 5.0):
            await asyncio.sleep(rng.uniform(0.0, 0.05))
            return mode
        mode = "uptime"
    elif mode in ("burst", "send"):
        sim_log.read()
        if await _within(lambda: any(e["error"] is None for e in sim_log.read()), 3.0):
            await asyncio.sleep(rng.uniform(0.0, 0.005))
            return "send"
        mode = "uptime"
    await asyncio.sleep(rng.uniform(0.1, 2.0))  # a random moment of service
    return mode


async def _wait_listing(
    predicate, what: str, waiting_on: list[str], timeout: float = 120.0
) -> None:
    """``wait_for(predicate)`` for up to ``timeout``; a failure lists what it still waited on."""
    try:
        await wait_for(predicate, timeout, what, interval=0.25)
    except AssertionError as error:
        raise AssertionError(f"{error}; still: {waiting_on[:10]}") from None


async def _within(predicate, timeout) -> bool:
    try:
        await wait_for(predicate, timeout, "")
    except AssertionError:
        return False
    return True


def _config(
    path: Path, sim: SimProcess, hook_url: str, resend_unknown: bool, hook_timeout: float = 5.0
) -> None:
    ports = ", ".join(f'"{port}"' for port in sim.ports)
    path.write_text(
        "[storage]\n"
        f"resend_unknown = {'true' if resend_unknown else 'false'}\n"
        "[modems]\n"
        f"ports = [{ports}]\n"
        "scan_interval_seconds = 0.5\n"
        "command_timeout_seconds = 5.0\n"
        "send_timeout_seconds = 10.0\n"
        "[[webhook]]\n"
        f'url = "{hook_url}"\n'
        f'secret = "{SECRET}"\n'
        'events = ["message.status"]\n'
        f"timeout_seconds = {hook_timeout}\n"
    )


def _recovery_lines(incarnations: list[Incarnation]) -> list[str]:
    """The start-up lines of ``serve`` saying what the store's recovery found."""
    return [
        line
        for incarnation in incarnations
        if incarnation.output_path.exists()
        for line in incarnation.output_path.read_text(errors="replace").splitlines()
        if "store recovery:" in line
    ]


def _start_up(incarnations: list[Incarnation]) -> float:
    """Seconds the latest start-up that was seen through took, from exec to ready."""
    seen = [i.ready_at - i.started for i in incarnations if i.ready_at is not None]
    return seen[-1] if seen else 1.0


def _requeued(lines: list[str]) -> int:
    return sum(int(line.rsplit(",", 1)[1].split()[0]) for line in lines)


@dataclass
class Progress:
    """One line a round, printed as it ends: what a failed run did, round by round."""

    client: Client
    sim_log: SimLog
    accepted: int = 0
    taken: int = 0

    def line(self, incarnation: Incarnation, mode: str, in_flight: int) -> str:
        self.sim_log.read()
        accepted = len(self.client.accepted)
        taken = sum(1 for entry in self.sim_log.entries if entry["error"] is None)
        started = incarnation.started
        ready = incarnation.ready_at
        killed = incarnation.killed_at
        [recovery] = _recovery_lines([incarnation]) or ["nothing to recover"]
        text = (
            f"round {incarnation.number:02d}: {mode}, "
            + (f"killed after {killed - started:.2f} s" if killed else "serving")
            + (f" (ready after {ready - started:.2f} s)" if ready else " (never ready)")
            + f"; 202s {accepted} (+{accepted - self.accepted}), {in_flight}"
            f" in flight; parts taken by the network {taken} (+{taken - self.taken});"
            f" {recovery.split(': ', 1)[-1]}"
        )
        self.accepted, self.taken = accepted, taken
        return text


async def crash_run(variant: Variant, seed: int) -> Run:
    """The run: sim, receiver, client and the kill loop; every process ended by PID."""
    rng = random.Random(seed)  # the kills; the plan and the client's pacing have their own
    requests = plan_run(random.Random(seed + 1), variant.messages, seed)
    plan = {m.index: m for request in requests for m in request.messages}
    keep = os.environ.get("GSMGATEWAY_CRASH_KEEP")  # a directory to keep the files in
    workdir = Path(tempfile.mkdtemp(prefix="gsmgateway-crash-"))
    started = time.monotonic()
    phases: dict[str, float] = {}
    sim = gateway = None
    receiver = HookReceiver(SECRET)
    incarnations: list[Incarnation] = []
    kills: collections.Counter = collections.Counter()
    client_task = None
    try:
        await receiver.start()
        sim = await SimProcess.start(workdir, MODEMS)
        port = free_port()
        config = workdir / "config.toml"
        _config(config, sim, receiver.url, variant.resend_unknown)
        timeout = aiohttp.ClientTimeout(total=20)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for planned in plan.values():
                if planned.fate is Fate.REJECT:
                    await sim.control(
                        session, "/network/submit-rejections", {"number": planned.to, "code": 1}
                    )
                elif planned.fate is Fate.UNDELIVERABLE:
                    await sim.control(session, "/network/delivery-failures", {"number": planned.to})
            sim_log = SimLog(sim.log_path)
            client = Client(f"http://127.0.0.1:{port}", requests, random.Random(seed + 2))
            client_task = asyncio.create_task(client.run(session, time.monotonic() + 400))

            def more_rounds():
                if len(incarnations) < variant.min_rounds:
                    return True
                if len(incarnations) >= variant.max_rounds:
                    return False
                short = _requeued(_recovery_lines(incarnations)) < variant.min_requeued
                return short or not client.done.is_set()

            progress = Progress(client, sim_log)
            while more_rounds():
                gateway = await GatewayProcess.start(workdir, config, port, KEY, len(incarnations))
                incarnations.append(gateway.incarnation)
                mode = rng.choices(KILL_MODES, variant.kill_weights)[0]
                mode = await _kill_moment(
                    mode, rng, gateway, session, client, sim_log, _start_up(incarnations)
                )
                in_flight = client.in_flight
                await gateway.kill()
                kills[mode] += 1
                print(progress.line(gateway.incarnation, mode, in_flight), flush=True)
            phases["kill rounds"] = time.monotonic() - started
            gateway = await GatewayProcess.start(workdir, config, port, KEY, len(incarnations))
            final = gateway.incarnation
            incarnations.append(final)
            await gateway.wait_ready(session, MODEMS)
            await asyncio.wait_for(client.done.wait(), 300)
            await client_task
            print(progress.line(final, "the last", client.in_flight), flush=True)
            base = gateway.url

            waiting_on: list[str] = []  # what the last look found unfinished, for a failure

            async def settled():
                gateway.check_alive()
                waiting_on.clear()
                for status in ("queued", "sending"):
                    page = await _get(session, f"{base}/v1/messages?status={status}&limit=5")
                    waiting_on.extend(f"{m['id']} {status}" for m in page["messages"])
                # A report for a part the last incarnation sent is still to come.
                for message in await list_messages(session, base, "sent"):
                    waiting_on.extend(
                        f"{message['id']} part {part['seq']} sent at {part['sent_at']}"
                        for part in message["parts"]
                        if part["state"] == "sent" and _epoch(part["sent_at"]) >= final.started
                    )
                return not waiting_on

            what = "the queue to drain and the reports to come"
            await _wait_listing(settled, what, waiting_on)
            phases["drain"] = time.monotonic() - started - phases["kill rounds"]

            async def notified():
                gateway.check_alive()
                reached = {(e["id"], e["status"]) for e in receiver.events}
                waiting_on[:] = [
                    f"{m['id']} {m['status']}"
                    for m in await list_messages(session, base)
                    if (m["id"], m["status"]) not in reached
                ]
                return not waiting_on

            # Events leased by a killed incarnation were released at the last start, and
            # the queue has drained: what is left to post goes out within seconds (a
            # lease, 35 s here, is not waited out).
            what = "every final status to reach the webhook"
            await _wait_listing(notified, what, waiting_on, timeout=WEBHOOKS_AFTER_DRAIN)
            phases["webhooks"] = time.monotonic() - started - sum(phases.values())
            slots = asyncio.Semaphore(8)

            async def detail(message_id):
                async with slots:
                    return await _get(session, f"{base}/v1/messages/{message_id}")

            listed = await list_messages(session, base)
            messages = await asyncio.gather(*(detail(m["id"]) for m in listed))
            stopping = time.monotonic()
            assert await gateway.terminate() == 0, gateway.output()[-4000:]
            assert time.monotonic() - stopping < 10.0
        stopped, sim = sim, None
        assert await stopped.stop() == 0, stopped.output()
        assert not [port for port in stopped.ports if os.path.lexists(port)]
        sim_log.read()
        phases["in all"] = time.monotonic() - started
        return Run(
            plan,
            client,
            incarnations,
            kills,
            messages,
            sim_log.entries,
            list(receiver.events),
            list(receiver.bad_signatures),
            _recovery_lines(incarnations),
            phases,
        )
    except BaseException:
        print(f"crash run failed (seed {seed}); last gateway output:")
        if gateway is not None:
            print(gateway.output()[-6000:])
        raise
    finally:
        if client_task is not None and not client_task.done():
            client_task.cancel()
            with contextlib.suppress(BaseException):
                await client_task
        if gateway is not None:
            await gateway.terminate(timeout=5.0)
        if sim is not None:
            await sim.stop()
        await receiver.stop()
        if keep:
            shutil.copytree(workdir, Path(keep) / workdir.name, dirs_exist_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)


def _seed() -> int:
    return int(os.environ.get("GSMGATEWAY_CRASH_SEED") or random.SystemRandom().randrange(10**9))


def _sim_sends(entries: list[dict]) -> collections.Counter:
    """(recipient, part seq) -> how often the network took that part (no CMS error)."""
    taken: collections.Counter = collections.Counter()
    for entry in entries:
        if entry["error"] is None:
            seq = entry["concat"]["seq"] if entry["concat"] else 1
            taken[entry["to"], seq] += 1
    return taken


def _summary(run: Run) -> str:
    statuses = collections.Counter(m["status"] for m in run.messages)
    parts = collections.Counter(p["state"] for m in run.messages for p in m["parts"])
    taken = _sim_sends(run.sim_entries)
    unknown = collections.Counter(
        "taken" if taken[m["to"], p["seq"]] else "not taken"
        for m in run.messages
        for p in m["parts"]
        if any(e["seq"] == p["seq"] and e["to"] == "unknown" for e in m["history"])
    )
    stored = {m["to"] for m in run.messages}
    lost = [run.plan[i].to in stored for i in run.client.uncertain]
    kill_times = [i.killed_at for i in run.incarnations if i.killed_at is not None]
    gaps = [
        min(k - _epoch(p["sent_at"]) for k in kill_times if k >= _epoch(p["sent_at"]))
        for m in run.messages
        for p in m["parts"]
        if p["state"] == "sent"
    ]
    phases = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in run.phases.items())
    return (
        f"{len(run.incarnations) - 1} kills {dict(run.kills)}; {phases}\n"
        f"{len(run.client.accepted)} answered 202; {run.client.lost_answers} answers lost, "
        f"{len(lost)} of unkeyed POSTs ({sum(lost)} of them stored)\n"
        f"messages {dict(statuses)}; parts {dict(parts)}\n"
        f"parts left sent: the latest {max(gaps, default=0):.2f} s before a kill\n"
        f"parts that went unknown: {dict(unknown)} by the network; "
        f"{_requeued(run.recovery_lines)} re-queued by resend_unknown\n"
        f"{len(run.sim_entries)} sim log lines; {len(run.events)} webhook posts"
    )


def check_run(run: Run, *, resend_unknown: bool) -> None:
    """The properties of the module docstring."""
    client = run.client
    assert not client.unexpected, client.unexpected[:10]
    assert len(run.incarnations) >= 2
    by_to = collections.defaultdict(list)
    for message in run.messages:
        by_to[message["to"]].append(message)
    planned_to = {p.to: p for p in run.plan.values()}

    # Nothing appears that was not posted; nothing exists twice.
    assert set(by_to) <= set(planned_to)
    twice = {to: [m["id"] for m in found] for to, found in by_to.items() if len(found) > 1}
    assert not twice, f"messages stored twice: {twice}"

    # Every 202 exists, as posted, in an end state.
    ids = {m["id"]: m for m in run.messages}
    vanished = sorted(i for i, mid in client.accepted.items() if mid not in ids)
    assert not vanished, f"accepted then lost: {[client.accepted[i] for i in vanished]}"
    for index, message_id in client.accepted.items():
        message, planned = ids[message_id], run.plan[index]
        assert (message["to"], message["text"]) == (planned.to, planned.text)
        assert len(message["parts"]) == client.segments[index] == message["segments"]
    # Lost answers: at most once (checked above); keyed requests were all answered.
    unanswered = {p.index for p in run.plan.values()} - set(client.accepted) - client.uncertain
    assert not unanswered, f"never answered: {sorted(unanswered)[:10]}"

    kill_times = [i.killed_at for i in run.incarnations if i.killed_at is not None]
    taken = _sim_sends(run.sim_entries)
    for message in run.messages:
        planned = planned_to[message["to"]]
        status = message["status"]
        assert status in FINAL_STATUSES, (message["id"], status)
        expected = {
            Fate.DELIVER: {"delivered", "unknown", "sent"},
            Fate.REJECT: {"failed", "unknown"},
            Fate.UNDELIVERABLE: {"failed", "unknown", "sent"},
        }[planned.fate]
        assert status in expected, (message["id"], planned.fate, status)
        history = collections.defaultdict(list)
        for entry in message["history"]:
            history[entry["seq"]].append(entry)
        for part in message["parts"]:
            seq, state = part["seq"], part["state"]
            sends = taken[message["to"], seq]
            submitting = sum(1 for e in history[seq] if e["to"] == "submitting")
            resent = [e for e in history[seq] if e["from"] == "unknown" and e["to"] == "queued"]
            where = (message["id"], seq, state, sends, [e["to"] for e in history[seq]])
            # The gateway commits "submitting" before every Ctrl-Z.
            assert sends <= submitting, where
            if resend_unknown:
                assert sends <= 1 + len(resent), where
                starts = [_epoch(e["at"]) for e in resent]
                assert len(starts) <= len(run.incarnations) - 1, where
                # At most once per restart: each re-queue happened at a different start.
                windows = [_incarnation_at(run.incarnations, at) for at in starts]
                assert len(set(windows)) == len(windows), where
            else:
                assert not resent, where
                assert sends <= 1, f"part sent twice: {where}"
            if part["sent_at"] is not None:
                assert sends >= 1, f"recorded as taken, not in the sim log: {where}"
            if state == "sent":
                # Only a report due while the gateway was down may be missing.
                sent_at = _epoch(part["sent_at"])
                assert any(sent_at <= k <= sent_at + REPORT_GRACE for k in kill_times), where

    # Webhooks: every final status at least once, every post signed.
    assert not run.bad_signatures, run.bad_signatures[:3]
    reached = {(e["id"], e["status"]) for e in run.events if e["event"] == "message.status"}
    missing = [
        (m["id"], m["status"]) for m in run.messages if (m["id"], m["status"]) not in reached
    ]
    assert not missing, f"final statuses never posted: {missing[:10]}"
    assert {e["id"] for e in run.events} <= set(ids)
    # In order per message: an event is first posted only after every earlier one was
    # acknowledged (a repeat of an earlier one may come later: at least once).
    arrivals = collections.defaultdict(list)
    for event in run.events:
        arrivals[event["id"]].append(event["delivery_id"])
    for message_id, deliveries in arrivals.items():
        first = list(dict.fromkeys(deliveries))
        assert first == sorted(first), f"{message_id}: events out of order {deliveries}"


def _incarnation_at(incarnations: list[Incarnation], at: float) -> int:
    """The number of the incarnation running at wall-clock time ``at``."""
    number = 0
    for incarnation in incarnations:
        if incarnation.started <= at:
            number = incarnation.number
    return number


@pytest.mark.slow
@pytest.mark.timeout(420)
async def test_sigkill_rounds_lose_nothing_and_send_nothing_twice():
    seed = _seed()
    print(f"crash test seed {seed} (GSMGATEWAY_CRASH_SEED={seed} repeats its choices)")
    run = await crash_run(Variant(messages=2000, min_rounds=20, max_rounds=40), seed)
    print(_summary(run))
    check_run(run, resend_unknown=False)
    assert len(run.incarnations) - 1 >= 20
    assert run.kills["burst"] and run.kills["send"]


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_with_resend_unknown_a_part_is_sent_again_at_most_once_per_restart():
    seed = _seed()
    print(f"crash test seed {seed} (GSMGATEWAY_CRASH_SEED={seed} repeats its choices)")
    variant = Variant(
        messages=300,
        min_rounds=6,
        max_rounds=20,
        resend_unknown=True,
        kill_weights=(0.05, 0.15, 0.7, 0.1),
        min_requeued=3,
    )
    run = await crash_run(variant, seed)
    print(_summary(run))
    check_run(run, resend_unknown=True)
    assert _requeued(run.recovery_lines) >= 1, "no part was unknown at a restart"


@pytest.mark.slow
@pytest.mark.timeout(180)
async def test_an_event_in_flight_at_a_sigkill_is_posted_at_once_by_the_next_process():
    workdir = Path(tempfile.mkdtemp(prefix="gsmgateway-crash-hook-"))
    receiver = HookReceiver(SECRET, hold=asyncio.Event())
    sim = gateway = None
    try:
        await receiver.start()
        sim = await SimProcess.start(workdir, 1)
        port, config = free_port(), workdir / "config.toml"
        _config(config, sim, receiver.url, False, hook_timeout=HELD_HOOK_TIMEOUT)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
            gateway = await GatewayProcess.start(workdir, config, port, KEY, 0)
            await gateway.wait_ready(session, 1)
            body = {"to": "+447911123456", "text": "in flight at the kill"}
            async with session.post(f"{gateway.url}/v1/messages", json=body, headers=AUTH) as r:
                assert r.status == 202, await r.text()
            # The receiver holds the first status POST unanswered: it is in flight, leased.
            await wait_for(lambda: receiver.events, 60, "the first webhook POST")
            (held,) = receiver.events
            await gateway.kill()
            receiver.hold.set()
            gateway = await GatewayProcess.start(workdir, config, port, KEY, 1)
            restarted = time.monotonic()

            def posted_again():
                return [e for e in receiver.events if e["delivery_id"] == held["delivery_id"]][1:]

            lease = HELD_HOOK_TIMEOUT + 30
            (again,) = await wait_for(posted_again, lease - 10, "the held event posted again")
            delay = time.monotonic() - restarted
            print(f"an event in flight at the SIGKILL posted again {delay:.1f} s after the restart")
            assert again == held
            gateway.check_alive()
            assert "events in flight when the gateway last stopped" in gateway.output()
            assert await gateway.terminate() == 0, gateway.output()[-4000:]
            gateway = None
    finally:
        if gateway is not None:
            await gateway.terminate(timeout=5.0)
        if sim is not None:
            await sim.stop()
        await receiver.stop()
        shutil.rmtree(workdir, ignore_errors=True)
