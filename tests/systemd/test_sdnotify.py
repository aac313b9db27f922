"""The sd_notify client against a real AF_UNIX datagram socket, as systemd would listen.

Waiting is always on received datagrams with a timeout. The blocked-loop test blocks the
event loop on a threading.Event that a watcher thread releases only after it has seen the
socket stay quiet for twice the watchdog timeout: long enough for systemd to kill us.
"""

import asyncio
import os
import re
import socket
import tempfile
import threading
import time
import uuid

import pytest

from gsmgateway.sdnotify import NotifyError, SystemdNotifier, parse_watchdog_timeout

WAIT = 20.0  # generous: the machine is small and shared


class NotifyListener:
    """The service manager's end: a bound datagram socket and what arrived on it."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)

    def receive(self, timeout: float = WAIT) -> list[str]:
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096)
        except TimeoutError:
            raise AssertionError(f"no notification within {timeout} s") from None
        return data.decode().split("\n")

    def wait_for(self, assignment: str, timeout: float = WAIT) -> list[str]:
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(max(0.01, deadline - time.monotonic()))
            if assignment in message:
                return message

    def drain(self) -> int:
        self.sock.setblocking(False)
        count = 0
        try:
            while True:
                self.sock.recv(4096)
                count += 1
        except BlockingIOError:
            return count

    def quiet_for(self, seconds: float) -> bool:
        self.sock.settimeout(seconds)
        try:
            self.sock.recv(4096)
        except TimeoutError:
            return True
        return False

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener():
    # A short directory: AF_UNIX paths are limited to 107 bytes.
    with tempfile.TemporaryDirectory(prefix="gsmgw-notify-") as directory:
        peer = NotifyListener(os.path.join(directory, "notify.sock"))
        yield peer
        peer.close()


def test_ready_status_and_stopping_arrive_as_assignments(listener):
    notifier = SystemdNotifier.from_environment({"NOTIFY_SOCKET": listener.address})
    assert notifier.enabled
    assert notifier.ready("serving on 127.0.0.1:8080")
    assert listener.receive() == ["READY=1", "STATUS=serving on 127.0.0.1:8080"]
    assert notifier.status("2 modems\nin service")
    assert listener.receive() == ["STATUS=2 modems in service"]
    assert notifier.extend_timeout(5)
    assert listener.receive() == ["EXTEND_TIMEOUT_USEC=5000000"]
    assert notifier.stopping()
    assert listener.receive() == ["STOPPING=1"]
    notifier.close()


def test_abstract_socket_address():
    name = f"gsmgateway-test-{uuid.uuid4().hex}"
    peer = NotifyListener("\0" + name)
    try:
        notifier = SystemdNotifier.from_environment({"NOTIFY_SOCKET": "@" + name})
        assert notifier.ready()
        assert peer.receive() == ["READY=1"]
        notifier.close()
    finally:
        peer.close()


async def test_no_notify_socket_makes_everything_a_no_op():
    notifier = SystemdNotifier.from_environment({"WATCHDOG_USEC": "30000000"})
    assert not notifier.enabled
    assert notifier.watchdog_timeout is None
    assert notifier.ready() is False
    assert notifier.watchdog() is False
    assert notifier.stopping() is False
    assert notifier.start_watchdog() is None


def test_malformed_environment_is_a_named_error():
    with pytest.raises(NotifyError, match=re.escape("NOTIFY_SOCKET='notify.sock'")):
        SystemdNotifier.from_environment({"NOTIFY_SOCKET": "notify.sock"})
    with pytest.raises(NotifyError, match="WATCHDOG_USEC='30s'"):
        SystemdNotifier.from_environment({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30s"})
    with pytest.raises(NotifyError, match="WATCHDOG_PID='me'"):
        parse_watchdog_timeout({"WATCHDOG_USEC": "1000", "WATCHDOG_PID": "me"}, pid=1)


def test_watchdog_meant_for_another_process_is_not_ours():
    env = {"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "4242"}
    assert SystemdNotifier.from_environment(env, pid=4242).watchdog_timeout == 30.0
    assert SystemdNotifier.from_environment(env, pid=4243).watchdog_timeout is None
    del env["WATCHDOG_PID"]
    assert SystemdNotifier.from_environment(env, pid=4243).watchdog_timeout == 30.0


def test_a_vanished_manager_does_not_raise():
    with tempfile.TemporaryDirectory(prefix="gsmgw-notify-") as directory:
        notifier = SystemdNotifier(os.path.join(directory, "gone.sock"), watchdog_timeout=1.0)
        assert notifier.ready() is False
        assert notifier.watchdog() is False


@pytest.mark.timeout(60)
def test_sending_never_blocks_when_the_manager_stops_reading(listener, caplog):
    # A blocking socket would hang here once the listener's queue is full.
    notifier = SystemdNotifier(listener.address)
    with caplog.at_level("INFO", logger="gsmgateway.sdnotify"):
        results = [notifier.status(f"message {n}") for n in range(5000)]
        assert results[0] is True
        assert False in results
        warnings = [r for r in caplog.records if r.levelname == "WARNING"]
        assert len(warnings) == 1, "a run of failures is logged once, not per message"
        listener.drain()
        assert notifier.status("reading again")
    assert "sd_notify works again" in caplog.text
    notifier.close()


async def test_watchdog_pings_periodically_at_half_the_timeout(listener):
    timeout = 0.2
    notifier = SystemdNotifier.from_environment(
        {"NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": str(int(timeout * 1e6))}
    )
    task = notifier.start_watchdog()
    assert task is not None
    try:
        await asyncio.to_thread(listener.wait_for, "WATCHDOG=1")
        first = time.monotonic()
        await asyncio.to_thread(listener.wait_for, "WATCHDOG=1")
        await asyncio.to_thread(listener.wait_for, "WATCHDOG=1")
        # Two sleeps of timeout/2 separate the first and third pings: never faster.
        assert time.monotonic() - first >= 0.9 * timeout
    finally:
        task.cancel()
        notifier.close()


async def test_a_blocked_event_loop_stops_the_pings_and_they_resume_after(listener):
    timeout = 0.2
    notifier = SystemdNotifier(listener.address, watchdog_timeout=timeout)
    task = notifier.start_watchdog()
    assert task is not None
    loop_blocked = threading.Event()
    release_loop = threading.Event()
    seen = {}

    def watch_while_blocked():
        loop_blocked.wait(WAIT)
        listener.drain()  # pings sent before the block began
        seen["quiet"] = listener.quiet_for(2 * timeout)
        release_loop.set()

    try:
        await asyncio.to_thread(listener.wait_for, "WATCHDOG=1")
        watcher = threading.Thread(target=watch_while_blocked)
        watcher.start()
        loop_blocked.set()
        release_loop.wait(WAIT)  # blocks the event loop itself, as a stuck handler would
        watcher.join(WAIT)
        assert seen["quiet"], "a ping arrived while the event loop was blocked"
        assert await asyncio.to_thread(listener.wait_for, "WATCHDOG=1") == ["WATCHDOG=1"]
    finally:
        task.cancel()
        notifier.close()


async def test_an_unhealthy_gateway_withholds_pings(listener):
    timeout = 0.2
    healthy = True
    checked = threading.Event()

    def is_healthy():
        checked.set()
        return healthy

    notifier = SystemdNotifier(listener.address, watchdog_timeout=timeout)
    task = notifier.start_watchdog(is_healthy)
    assert task is not None
    try:
        await asyncio.to_thread(listener.wait_for, "WATCHDOG=1")
        healthy = False
        checked.clear()
        await asyncio.to_thread(checked.wait, WAIT)  # the check that saw False has run
        await asyncio.to_thread(listener.drain)
        assert await asyncio.to_thread(listener.quiet_for, 2 * timeout)
        healthy = True
        await asyncio.to_thread(listener.wait_for, "WATCHDOG=1")
    finally:
        task.cancel()
        notifier.close()


async def test_the_serve_lifecycle(listener):
    """The calls serve makes, in its order: ready, watchdog task, stopping."""
    notifier = SystemdNotifier.from_environment(
        {"NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "200000"}
    )
    notifier.ready()
    task = notifier.start_watchdog()
    assert await asyncio.to_thread(listener.wait_for, "READY=1") == ["READY=1"]
    await asyncio.to_thread(listener.wait_for, "WATCHDOG=1")
    notifier.stopping()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(listener.wait_for, "STOPPING=1") == ["STOPPING=1"]
    notifier.close()
