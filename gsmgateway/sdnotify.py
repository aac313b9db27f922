"""sd_notify client: tells the service manager on ``$NOTIFY_SOCKET`` what the gateway is doing.

The protocol (sd_notify(3), sd_watchdog_enabled(3)): one AF_UNIX datagram per message,
newline-separated ``KEY=VALUE`` assignments, sent to the path in ``$NOTIFY_SOCKET`` (a
leading ``@`` names a socket in the abstract namespace). ``$WATCHDOG_USEC`` is the watchdog
timeout; ``WATCHDOG=1`` should arrive at least every half of it; when ``$WATCHDOG_PID`` is
set and is not our PID the watchdog is meant for another process.

Rules that hold here:
- With no ``$NOTIFY_SOCKET`` every call is a no-op, so ``serve`` calls them unconditionally.
- Sending never blocks the event loop (non-blocking socket) and never raises: a service
  manager that went away must not take the gateway down. A malformed environment is a
  :class:`NotifyError` at construction, where the operator can see it.
- The watchdog pings come from an asyncio task on the gateway's own loop, so a loop that
  is stuck (a blocking call, an endless callback) stops them and systemd kills and
  restarts the service: the ping proves the loop runs, not merely that a thread lives.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable, Mapping

__all__ = ["NotifyError", "SystemdNotifier", "parse_notify_socket", "parse_watchdog_timeout"]

_log = logging.getLogger(__name__)


class NotifyError(ValueError):
    """``$NOTIFY_SOCKET``, ``$WATCHDOG_USEC`` or ``$WATCHDOG_PID`` holds a malformed value."""


def parse_notify_socket(value: str) -> str:
    """The socket address of a ``$NOTIFY_SOCKET`` value: a path, or ``\\0name`` for ``@name``."""
    if value.startswith("@") and len(value) > 1:
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    raise NotifyError(
        f"NOTIFY_SOCKET={value!r}: expected an absolute socket path or @name "
        "(an abstract socket); the gateway does not speak other transports"
    )


def parse_watchdog_timeout(environ: Mapping[str, str], pid: int) -> float | None:
    """The watchdog timeout in seconds meant for process ``pid``, or None when there is none.

    None when ``$WATCHDOG_USEC`` is unset, or when ``$WATCHDOG_PID`` names another process
    (sd_watchdog_enabled(3): the variables were inherited, not addressed to us).
    """
    raw_usec = environ.get("WATCHDOG_USEC")
    if not raw_usec:
        return None
    raw_pid = environ.get("WATCHDOG_PID")
    if raw_pid:
        if not raw_pid.isdigit() or int(raw_pid) <= 0:
            raise NotifyError(f"WATCHDOG_PID={raw_pid!r}: expected a process id")
        if int(raw_pid) != pid:
            return None
    if not raw_usec.isdigit() or int(raw_usec) <= 0:
        raise NotifyError(f"WATCHDOG_USEC={raw_usec!r}: expected a positive number of microseconds")
    return int(raw_usec) / 1_000_000


def _one_line(text: str) -> str:
    # A newline inside a value would start a new KEY=VALUE assignment of the datagram.
    return " ".join(text.splitlines())


class SystemdNotifier:
    """Sends state changes and watchdog pings to the service manager; inert without one."""

    def __init__(self, address: str | None, watchdog_timeout: float | None = None) -> None:
        self._address = address
        self._watchdog_timeout = watchdog_timeout if address is not None else None
        self._socket: socket.socket | None = None
        self._failing = False

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, pid: int | None = None
    ) -> SystemdNotifier:
        """The notifier the environment asks for (``os.environ`` and our PID by default)."""
        env = os.environ if environ is None else environ
        raw = env.get("NOTIFY_SOCKET")
        address = parse_notify_socket(raw) if raw else None
        timeout = parse_watchdog_timeout(env, os.getpid() if pid is None else pid)
        return cls(address, timeout)

    @property
    def enabled(self) -> bool:
        """Whether a service manager listens (``$NOTIFY_SOCKET`` was set)."""
        return self._address is not None

    @property
    def watchdog_timeout(self) -> float | None:
        """Seconds systemd waits for a ping before it kills the service, or None."""
        return self._watchdog_timeout

    def notify(self, *assignments: str) -> bool:
        """Send ``KEY=VALUE`` assignments in one datagram; whether it left (never raises)."""
        if self._address is None:
            return False
        message = "\n".join(assignments).encode()
        try:
            if self._socket is None:
                self._socket = socket.socket(
                    socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                )
                self._socket.setblocking(False)
            self._socket.sendto(message, self._address)
        except OSError as error:
            # Full receive queue (EAGAIN), manager gone (ECONNREFUSED, ENOENT): the gateway
            # keeps running; a missed ping is what the watchdog is there to notice. Logged
            # once per run of failures, not once per ping.
            if not self._failing:
                _log.warning("sd_notify to %s failed: %s", self._address.lstrip("\0"), error)
            self._failing = True
            return False
        if self._failing:
            _log.info("sd_notify works again")
        self._failing = False
        return True

    def ready(self, status: str | None = None) -> bool:
        """``READY=1``: start-up finished, the gateway serves."""
        return self.notify("READY=1", *self._status(status))

    def stopping(self, status: str | None = None) -> bool:
        """``STOPPING=1``: shutdown began (systemd now waits up to TimeoutStopSec)."""
        return self.notify("STOPPING=1", *self._status(status))

    def status(self, text: str) -> bool:
        """``STATUS=``: one line shown by ``systemctl status``."""
        return self.notify(f"STATUS={_one_line(text)}")

    def watchdog(self) -> bool:
        """``WATCHDOG=1``: one keep-alive ping."""
        return self.notify("WATCHDOG=1")

    def extend_timeout(self, seconds: float) -> bool:
        """``EXTEND_TIMEOUT_USEC=``: ask for ``seconds`` more to finish starting or stopping."""
        return self.notify(f"EXTEND_TIMEOUT_USEC={max(1, round(seconds * 1_000_000))}")

    def start_watchdog(
        self, is_healthy: Callable[[], bool] | None = None
    ) -> asyncio.Task[None] | None:
        """Start pinging from the running loop at half the timeout; None if no watchdog.

        ``is_healthy``, when given, is called before each ping from the loop; a False answer
        skips that ping, so a part of the gateway that is stuck off the loop (the store's
        writer thread, say) can also get the service restarted. Cancel the task to stop.
        """
        if self._watchdog_timeout is None:
            return None
        return asyncio.get_running_loop().create_task(
            self._ping_forever(self._watchdog_timeout / 2, is_healthy), name="sd-watchdog"
        )

    async def _ping_forever(self, every: float, is_healthy: Callable[[], bool] | None) -> None:
        while True:
            if is_healthy is None or is_healthy():
                self.watchdog()
            else:
                _log.warning("watchdog ping withheld: the gateway reports itself unhealthy")
            await asyncio.sleep(every)

    def close(self) -> None:
        """Close the socket (a later call opens a new one)."""
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.close()
            self._socket = None

    @staticmethod
    def _status(status: str | None) -> tuple[str, ...]:
        return () if status is None else (f"STATUS={_one_line(status)}",)
