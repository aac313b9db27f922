"""``gsmgateway serve --simulate`` and ``gsmgateway send`` as a user runs them: real
processes, real ptys, loopback HTTP; SIGTERM stops within 10 s; a restart after SIGKILL
finds every accepted message."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.e2e.test_service import free_port

KEY = "cli-key-0123456789"
SIM_NUMBER_1 = "+447400100001"


class Gateway:
    """One ``gsmgateway serve`` process; its stdout lines are collected."""

    def __init__(self, tmp_path, port, *extra):
        self.url = f"http://127.0.0.1:{port}"
        self.log = tmp_path / f"serve-{port}-{time.monotonic_ns()}.out"
        env = {**os.environ, "GSMGATEWAY_API_KEY": KEY, "PYTHONUNBUFFERED": "1"}
        env.pop("NOTIFY_SOCKET", None)
        self._out = open(self.log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gsmgateway", "serve", "--listen", f"127.0.0.1:{port}",
             "--db", str(tmp_path / "gw.db"), *extra],
            stdout=self._out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip

    def output(self):
        return self.log.read_text()

    def wait_ready(self, modems, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:
                    health = json.loads(response.read())
            except urllib.error.HTTPError as error:  # 503: not ready, but serving
                health = json.loads(error.read())
            except OSError:
                health = None
            if health is not None and health["modems"]["in_service"] >= modems:
                return
            time.sleep(0.1)
        raise AssertionError(f"not ready in time:\n{self.output()}")

    def get(self, path):
        request = urllib.request.Request(
            self.url + path, headers={"Authorization": f"Bearer {KEY}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self, signum=signal.SIGTERM, timeout=15):
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self._out.close()
        return self.process.returncode


def send(url, *args, key=KEY):
    env = {**os.environ}
    env.pop("GSMGATEWAY_API_KEY", None)
    if key:
        env["GSMGATEWAY_API_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "gsmgateway", "send", "--url", url, *args],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip


def wait_status(gateway, message_id, wanted, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = gateway.get(f"/v1/messages/{message_id}")
        if message["status"] in wanted:
            return message
        time.sleep(0.1)
    raise AssertionError(f"{message_id} still {message['status']}")


@pytest.mark.slow
def test_serve_simulate_send_deliver_and_stop(tmp_path):
    sim_log = tmp_path / "sim.jsonl"
    gateway = Gateway(tmp_path, free_port(), "--simulate", "2", "--sim-log", str(sim_log))
    try:
        gateway.wait_ready(2)
        banner = gateway.output()
        assert "2 simulated modems" in banner and f"Bearer {KEY}" in banner
        sent = send(gateway.url, "--to", SIM_NUMBER_1, "--text", "hello from send")
        assert sent.returncode == 0, sent.stderr
        message_id = sent.stdout.strip()
        assert re.fullmatch(r"m_[0-9A-Z]{26}", message_id)
        wait_status(gateway, message_id, {"delivered"})
        inbox = gateway.get("/v1/inbox")["messages"]
        assert [m["text"] for m in inbox] == ["hello from send"]
        lines = [json.loads(line) for line in sim_log.read_text().splitlines()]
        assert [(line["to"], line["text"]) for line in lines] == [(SIM_NUMBER_1, "hello from send")]

        bad = send(gateway.url, "--to", "+1", "--text", "x")
        assert bad.returncode == 2 and "invalid_number" in bad.stderr
        no_key = send(gateway.url, "--to", SIM_NUMBER_1, "--text", "x", key=None)
        assert no_key.returncode == 2 and "GSMGATEWAY_API_KEY" in no_key.stderr
        wrong = send(gateway.url, "--to", SIM_NUMBER_1, "--text", "x", key="wrong")
        assert wrong.returncode == 1 and "401" in wrong.stderr
    finally:
        started = time.monotonic()
        assert gateway.stop() == 0
        assert time.monotonic() - started < 10
    down = send(gateway.url, "--to", SIM_NUMBER_1, "--text", "x")
    assert down.returncode == 1 and "cannot reach the gateway" in down.stderr


@pytest.mark.slow
def test_restart_after_sigkill_keeps_every_accepted_message(tmp_path):
    port = free_port()
    gateway = Gateway(tmp_path, port)  # no modems: everything stays queued
    try:
        gateway.wait_ready(0)
        ids = [
            send(gateway.url, "--to", SIM_NUMBER_1, "--text", f"n{i}").stdout.strip()
            for i in range(5)
        ]
    finally:
        gateway.stop(signal.SIGKILL)
    gateway = Gateway(tmp_path, port, "--simulate", "2")
    try:
        gateway.wait_ready(2)
        for message_id in ids:
            wait_status(gateway, message_id, {"delivered"})
    finally:
        assert gateway.stop() == 0
