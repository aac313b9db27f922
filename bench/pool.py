"""The pool over 64 simulated modems: throughput, dispatch delay, AT commands per segment.

64 simulated modems on real ptys (in this process), each answering AT+CMGS after a fixed
delay L, driven by the real pool and driver over a MemoryStore. AT commands are counted
on the simulator's side: every command line a simulated modem received.

1. Dispatch delay: with every modem idle, parts become eligible one by one (half queued
   now, half with a ``send_at`` a moment ahead); the delay runs from the moment the
   part is eligible (the commit of its enqueue, or its send_at) to its ``AT+CMGS``
   line reaching a modem.
2. Throughput: 5,000 single-part messages queued at once; the time from the queueing to
   the last ``+CMGS`` gives parts per second, as a fraction of the ideal 64 / L; the AT
   commands the modems received meanwhile, per segment (``AT+CMGS`` alone is 1.0).
3. Idle: with nothing queued, the AT commands per second each modem receives over a
   window several times the default poll interval.

Prints the figures and ends with one JSON line.
"""

import argparse
import asyncio
import json
import statistics
import tempfile
import time

from gsmgateway.config import Config, ModemsConfig
from gsmgateway.pool.pool import Pool
from gsmgateway.sim import SimNetwork, Timing
from gsmgateway.sms.dcs import Encoding
from gsmgateway.store.interface import NewMessage
from gsmgateway.store.memory import MemoryStore

SINK = "+4915112345678"  # a valid number outside the simulated network


class CommandCounter:
    """Counts the command lines each simulated modem receives, and when AT+CMGS came."""

    def __init__(self, network: SimNetwork) -> None:
        self.counts = [0] * len(network.modems)
        self.cmgs_times: list[float] = []
        for index, modem in enumerate(network.modems):
            self._wrap(index, modem.machine)

    def _wrap(self, index: int, machine) -> None:
        original = machine.run_line

        def counted(line: bytes, overflow: bool, now: float) -> None:
            text = line.decode("latin-1").strip().upper()
            if "AT" in text:
                self.counts[index] += 1
                if text.startswith("AT+CMGS="):
                    self.cmgs_times.append(time.monotonic())
            original(line, overflow, now)

        machine.run_line = counted

    @property
    def total(self) -> int:
        return sum(self.counts)


def new_message(send_at: float | None = None) -> NewMessage:
    return NewMessage(
        to=SINK,
        text="benchmark part",
        segments=("benchmark part",),
        created_at=time.time(),
        encoding=Encoding.GSM7,
        send_at=send_at,
        status_report=True,
    )


async def wait_for(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark condition not reached")
        await asyncio.sleep(0.005)


def sent_total(pool: Pool) -> int:
    # The live counters, not pool.modems(): a snapshot per poll would cost the loop time.
    return sum(pool.worker(imei).counters.sent for imei in pool.states())


async def dispatch_phase(pool, store, counter, samples: int) -> list[float]:
    delays = []
    for index in range(samples):
        await wait_for(lambda: any(w.idle for w in map(pool.worker, pool.in_service())), 30)
        seen = len(counter.cmgs_times)
        if index % 2:
            eligible_at = time.time() + 0.05
            await store.enqueue([new_message(send_at=eligible_at)])
            eligible = time.monotonic() + (eligible_at - time.time())
        else:
            await store.enqueue([new_message()])
            eligible = time.monotonic()
        await wait_for(lambda seen=seen: len(counter.cmgs_times) > seen, 30)
        delays.append(counter.cmgs_times[seen] - eligible)
        await asyncio.sleep(0.01)
    return delays


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modems", type=int, default=64)
    parser.add_argument("--parts", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=1.0, help="AT+CMGS delay L, seconds")
    parser.add_argument("--dispatch-samples", type=int, default=200)
    parser.add_argument("--idle-seconds", type=float, default=180.0)
    args = parser.parse_args()

    timing = Timing(cmgs_delay=args.latency, status_report_delay=args.latency)
    with tempfile.TemporaryDirectory() as directory:
        async with SimNetwork.start(args.modems, directory, timing=timing) as network:
            counter = CommandCounter(network)
            store = MemoryStore()
            config = Config(modems=ModemsConfig(ports=tuple(network.ports)))
            pool = Pool(config, store)
            started = time.monotonic()
            await pool.start()
            await wait_for(lambda: len(pool.in_service()) == args.modems, 120)
            init_seconds = time.monotonic() - started
            init_commands = counter.total / args.modems
            try:
                delays = await dispatch_phase(pool, store, counter, args.dispatch_samples)
                await wait_for(lambda: sent_total(pool) >= args.dispatch_samples, 60)

                before_commands = counter.total
                before_sent = sent_total(pool)
                begin = time.monotonic()
                for start in range(0, args.parts, 1000):
                    count = min(1000, args.parts - start)
                    await store.enqueue([new_message() for _ in range(count)])
                target = before_sent + args.parts
                await wait_for(lambda: sent_total(pool) >= target, 40 * args.latency + 600)
                elapsed = time.monotonic() - begin
                load_commands = counter.total - before_commands

                await asyncio.sleep(args.latency + 0.5)  # the last answers and reports
                idle_start_commands = counter.total
                idle_begin = time.monotonic()
                await asyncio.sleep(args.idle_seconds)
                idle_elapsed = time.monotonic() - idle_begin
                idle_commands = counter.total - idle_start_commands
            finally:
                await pool.stop(grace=args.latency + 5)

    ideal = args.modems / args.latency
    throughput = args.parts / elapsed
    efficiency = throughput / ideal
    per_segment = load_commands / args.parts
    idle_rate = idle_commands / (args.modems * idle_elapsed)
    now_ms = sorted(d * 1000 for d in delays[0::2])
    timed_ms = sorted(d * 1000 for d in delays[1::2])
    delays_ms = sorted(d * 1000 for d in delays)
    p50 = statistics.median(delays_ms)
    p99 = delays_ms[min(len(delays_ms) - 1, round(0.99 * (len(delays_ms) - 1)))]
    print(
        f"pool benchmark: {args.modems} simulated modems on ptys, "
        f"AT+CMGS delay L = {args.latency} s"
    )
    print(
        f"  start-up: all in service after {init_seconds:.2f} s, "
        f"{init_commands:.1f} AT commands each"
    )
    print(
        f"  dispatch delay (eligible -> AT+CMGS at an idle modem), {len(delays)} parts: "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {delays_ms[-1]:.2f} ms"
    )
    print(
        f"    queued at once: p50 {statistics.median(now_ms):.2f} ms; "
        f"with a send_at: p50 {statistics.median(timed_ms):.2f} ms"
    )
    print(
        f"  throughput: {args.parts} parts in {elapsed:.2f} s = {throughput:.2f} parts/s "
        f"(ideal {ideal:.2f}/s): efficiency {efficiency:.4f}"
    )
    print(
        f"  AT commands under load: {load_commands} for {args.parts} segments = {per_segment:.4f}"
    )
    print(
        f"  idle: {idle_commands} AT commands over {idle_elapsed:.0f} s x {args.modems} modems "
        f"= {idle_rate:.4f}/s per modem (poll interval {config.modems.poll_interval_seconds:g} s)"
    )
    print(
        json.dumps(
            {
                "modems": args.modems,
                "parts": args.parts,
                "latency_s": args.latency,
                "efficiency": round(efficiency, 4),
                "dispatch_p50_ms": round(p50, 3),
                "dispatch_p99_ms": round(p99, 3),
                "at_commands_per_segment": round(per_segment, 4),
                "idle_commands_per_s": round(idle_rate, 4),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
