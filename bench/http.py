"""HTTP API throughput, latency and memory of a real ``gsmgateway serve`` on loopback.

The gateway runs in its own process (the real ``serve`` wiring: SqliteStore on a
temporary file with WAL and synchronous=FULL, webhooks, pruning; no modems, so nothing
is sent). The load comes from another process: ``wrk`` (Debian's, if installed; a Lua
script varies the recipient) for single-message POSTs over 64 keep-alive connections,
else an aiohttp client; an aiohttp client process for batches of 1,000 and for the
fixed rate of 1,000 requests/s (open loop: latency counted from each request's
scheduled time, so a stall is not hidden). Measured in order on one server: RSS idle;
100 batches of 1,000 (100,000 queued parts) and RSS after; single-message POSTs for
10 s; 10 s at 1,000/s. Enqueue and claim cost at 1,000 vs 1,000,000 queued parts come
from bench/store.py's ``scale`` (the store's own benchmark).

On this shared 2-core machine the server and the load generator compete for the cores:
the figures are pessimistic. ``--profile FILE`` writes a cProfile of the server's event
loop thread. Last line: one JSON object with the figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named http.py: its own directory must not be on the import path, where it
# would stand in for the standard library's http package (aiohttp, urllib need it).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

KEY = "bench-key-0123456789abcdef"
CONNECTIONS = 64
SINGLE_SECONDS = 10
RATE = 1000
RATE_SECONDS = 10
BATCHES = 100
BATCH = 1000
BATCH_CONNECTIONS = 4

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"to":"+4479111%%05d","text":"Your code is %%06d"}',
                             counter %% 100000, counter %% 1000000)
  return wrk.format(nil, nil, nil, body)
end
"""


def single_body(i: int) -> bytes:
    return b'{"to":"+4479111%05d","text":"Your code is %06d"}' % (i % 100000, i % 1000000)


def batch_body(start: int) -> bytes:
    items = [
        {"to": f"+4479112{(start + i) % 100000:05d}", "text": f"Campaign message {start + i}"}
        for i in range(BATCH)
    ]
    return json.dumps({"messages": items}).encode()


# --- the server process -------------------------------------------------------------


class IdlePool:
    """No modems: the gateway accepts and queues, nothing is sent."""

    from gsmgateway.api.pool_view import EmptyHistogram

    latency = EmptyHistogram()

    def modems(self):
        return ()

    @property
    def ready(self):
        return False

    async def start(self):
        pass

    async def stop(self, grace):
        pass


def run_server(port: int, database: str, profile: str | None) -> None:
    import logging

    from gsmgateway.service import ServeOptions, serve

    logging.basicConfig(level=logging.WARNING)
    options = ServeOptions(listen=f"127.0.0.1:{port}", db=database)

    def main() -> int:
        return asyncio.run(serve(options, pool_factory=lambda *args: IdlePool()))

    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.runcall(main)
        profiler.dump_stats(profile)
    else:
        main()


# --- the load generator process ------------------------------------------------------


async def load_batches(url: str) -> dict:
    import aiohttp

    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    bodies = [batch_body(n * BATCH) for n in range(BATCHES)]
    accepted = 0
    queue = list(range(BATCHES))
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=BATCH_CONNECTIONS)
    ) as session:

        async def worker() -> None:
            nonlocal accepted
            while queue:
                body = bodies[queue.pop()]
                async with session.post(
                    f"{url}/v1/messages/batch", data=body, headers=headers
                ) as r:
                    answer = await r.json()
                    accepted += sum(1 for item in answer["results"] if "id" in item)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(BATCH_CONNECTIONS)))
        seconds = time.perf_counter() - start
    return {"accepted": accepted, "seconds": seconds}


async def load_single(url: str, seconds: float) -> dict:
    import aiohttp

    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    accepted = other = 0
    counter = 0
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONNECTIONS)) as session:

        async def worker() -> None:
            nonlocal accepted, other, counter
            while time.perf_counter() < deadline:
                counter += 1
                async with session.post(
                    f"{url}/v1/messages", data=single_body(counter), headers=headers
                ) as r:
                    await r.read()
                    if r.status == 202:
                        accepted += 1
                    else:
                        other += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
        elapsed = time.perf_counter() - start
    return {"accepted_per_s": accepted / elapsed, "errors": other, "requests": accepted + other}


async def load_rate(url: str, rate: int, seconds: float) -> dict:
    import aiohttp

    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    latencies: list[float] = []
    errors = 0
    total = int(rate * seconds)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONNECTIONS)) as session:

        async def one(i: int, scheduled: float) -> None:
            nonlocal errors
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            async with session.post(
                f"{url}/v1/messages", data=single_body(500_000 + i), headers=headers
            ) as r:
                await r.read()
                if r.status != 202:
                    errors += 1
            latencies.append(time.perf_counter() - scheduled)

        start = time.perf_counter() + 0.2
        await asyncio.gather(*(one(i, start + i / rate) for i in range(total)))
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies) * 1e3,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1e3,
        "max_ms": latencies[-1] * 1e3,
        "errors": errors,
    }


def run_load(mode: str, url: str) -> None:
    if mode == "batches":
        result = asyncio.run(load_batches(url))
    elif mode == "single":
        result = asyncio.run(load_single(url, SINGLE_SECONDS))
    else:
        result = asyncio.run(load_rate(url, RATE, RATE_SECONDS))
    print(json.dumps(result))


# --- the conductor ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the gateway exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"{url}/openapi.json", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the gateway did not start serving")


def generator(mode: str, url: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--load", mode, url], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def wrk_single(url: str, directory: Path) -> dict:
    script = directory / "post.lua"
    script.write_text(WRK_SCRIPT % KEY)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{SINGLE_SECONDS}s",
            "--latency",
            "-s",
            str(script),
            f"{url}/v1/messages",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    text = out.stdout
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    elapsed = float(re.search(r"requests in ([\d.]+)s", text).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = int(bad.group(1)) if bad else 0
    return {
        "accepted_per_s": (requests - errors) / elapsed,
        "errors": errors,
        "requests": requests,
    }


def store_scaling() -> tuple[float, float, dict]:
    spec = importlib.util.spec_from_file_location(
        "bench_store", Path(__file__).with_name("store.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    async def measure() -> dict[str, float]:
        with tempfile.TemporaryDirectory(prefix="gsmgateway-bench-scale-") as tmp:
            return await module.scale(Path(tmp))

    medians = asyncio.run(measure())
    small_enqueue, big_enqueue = medians["enqueue_1k"], medians["enqueue_1m"]
    small_claim, big_claim = medians["claim_1k"], medians["claim_1m"]
    detail = {
        "enqueue_ms_1k": small_enqueue * 1e3,
        "enqueue_ms_1m": big_enqueue * 1e3,
        "claim_ms_1k": small_claim * 1e3,
        "claim_ms_1m": big_claim * 1e3,
    }
    return big_enqueue / small_enqueue, big_claim / small_claim, detail


def conduct(profile: str | None, skip_scaling: bool) -> None:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="gsmgateway-bench-http-") as tmp:
        directory = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, __file__, "--serve", str(port), str(directory / "gateway.db")]
        if profile:
            command += ["--profile", profile]
        env = {**os.environ, "GSMGATEWAY_API_KEY": KEY}
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            wait_until_serving(url, server)
            time.sleep(1.0)
            figures["rss_idle_mb"] = rss_mb(server.pid)
            cpu = cpu_seconds(server.pid)
            batches = generator("batches", url)
            batch_cpu_us = (cpu_seconds(server.pid) - cpu) / batches["accepted"] * 1e6
            figures["batch_accepted_per_s"] = batches["accepted"] / batches["seconds"]
            figures["rss_100k_mb"] = rss_mb(server.pid)
            cpu = cpu_seconds(server.pid)
            if shutil.which("wrk"):
                single = wrk_single(url, directory)
                generator_name = "wrk -t1 -c64 (Lua body per request)"
            else:
                single = generator("single", url)
                generator_name = "aiohttp client process, 64 connections"
            figures["accepted_per_s"] = single["accepted_per_s"]
            single_cpu_us = (cpu_seconds(server.pid) - cpu) / single["requests"] * 1e6
            rate = generator("rate", url)
            figures["p50_ms_at_1000"] = rate["p50_ms"]
            figures["p99_ms_at_1000"] = rate["p99_ms"]
            figures["rss_end_mb"] = rss_mb(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    cpus = os.cpu_count()
    print(f"gsmgateway serve on loopback, SqliteStore durable commits, {cpus} CPUs")
    print("  (shared with the load generator and other work: pessimistic figures)")
    print(f"  RSS idle: {figures['rss_idle_mb']:.1f} MB")
    print(
        f"  batches of {BATCH} over {BATCH_CONNECTIONS} connections: "
        f"{figures['batch_accepted_per_s']:,.0f} messages/s "
        f"({batches['accepted']} accepted)"
    )
    print(f"    server CPU {batch_cpu_us:.0f} us per message")
    print(f"  RSS after {BATCHES * BATCH:,} queued parts: {figures['rss_100k_mb']:.1f} MB")
    print(
        f"  single-message POSTs, {generator_name}, {SINGLE_SECONDS} s: "
        f"{figures['accepted_per_s']:,.0f} accepted/s ({single['errors']} not 202)"
    )
    print(f"    server CPU {single_cpu_us:.0f} us per request (event loop and store writer)")
    print(
        f"  fixed rate {RATE}/s for {RATE_SECONDS} s (aiohttp client, open loop): "
        f"p50 {rate['p50_ms']:.1f} ms, p99 {rate['p99_ms']:.1f} ms, max {rate['max_ms']:.1f} ms, "
        f"{rate['errors']} not 202"
    )
    print(f"  RSS at the end: {figures['rss_end_mb']:.1f} MB")
    if not skip_scaling:
        enqueue_ratio, claim_ratio, detail = store_scaling()
        figures["enqueue_ratio_1m_vs_1k"] = enqueue_ratio
        figures["claim_ratio_1m_vs_1k"] = claim_ratio
        print("  store (bench/store.py scale), median of one call at 1k vs 1M queued:")
        print(
            f"    enqueue {detail['enqueue_ms_1k']:.2f} ms vs {detail['enqueue_ms_1m']:.2f} ms"
            f" (ratio {enqueue_ratio:.2f})"
        )
        print(
            f"    claim {detail['claim_ms_1k']:.2f} ms vs {detail['claim_ms_1m']:.2f} ms"
            f" (ratio {claim_ratio:.2f})"
        )
    keys = [
        "accepted_per_s",
        "batch_accepted_per_s",
        "p50_ms_at_1000",
        "p99_ms_at_1000",
        "rss_idle_mb",
        "rss_100k_mb",
        "enqueue_ratio_1m_vs_1k",
        "claim_ratio_1m_vs_1k",
    ]
    print(json.dumps({key: round(figures[key], 2) for key in keys if key in figures}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--load", nargs=2, metavar=("MODE", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--profile", help="write a cProfile of the server's loop thread here")
    parser.add_argument(
        "--skip-scaling", action="store_true", help="leave out the 1M-part store scaling"
    )
    args = parser.parse_args()
    if args.serve:
        run_server(int(args.serve[0]), args.serve[1], args.profile)
    elif args.load:
        run_load(*args.load)
    else:
        conduct(os.path.abspath(args.profile) if args.profile else None, args.skip_scaling)


if __name__ == "__main__":
    main()
