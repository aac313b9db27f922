"""Who holds a port open: the processes whose ``/proc/PID/fd`` links lead to it.

Thin IO over procfs (its root injectable, so tests build a fake one). Another user's
file descriptors are unreadable without root: the scan then says it is incomplete.
ModemManager is looked for by name (``/proc/PID/comm`` is readable by everyone),
because it is what holds a new modem's ports on most desktops and many servers.

A process that holds a pty's master side (``/dev/ptmx``, its ``fdinfo`` naming the
``tty-index``) is that pty's other end, the device itself (a simulated modem keeps
its slave open too, so the master never sees a hangup): it is not counted as a holder.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field

from gsmgateway.probe.report import MODEM_MANAGER, Holder

# Bytes of /proc/PID/cmdline kept (enough to tell "gsmgateway serve" from an editor).
COMMAND_KEPT = 160


@dataclass(frozen=True)
class HolderScan:
    """Holders per device, running ModemManager processes, and whether all was readable."""

    holders: dict[str, tuple[Holder, ...]] = field(default_factory=dict)
    modem_manager: tuple[int, ...] = ()
    complete: bool = True


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as file:
            return file.read(COMMAND_KEPT).decode("utf-8", "replace")
    except OSError:
        return None


def _open_devices(process: str, fds: list[str], wanted: set[str]) -> tuple[set[str], set[str]]:
    """The wanted devices a process has open, and the ptys whose master side it holds."""
    held: set[str] = set()
    mastered: set[str] = set()
    for fd in fds:
        try:
            target = os.readlink(os.path.join(process, "fd", fd))
        except OSError:
            continue
        if target in wanted:
            held.add(target)
        elif os.path.basename(target) == "ptmx":
            index = _tty_index(_read(os.path.join(process, "fdinfo", fd)) or "")
            if index is not None:
                mastered.add(f"/dev/pts/{index}")
    return held, mastered


def _tty_index(fdinfo: str) -> int | None:
    for line in fdinfo.splitlines():
        key, _, value = line.partition(":")
        if key == "tty-index" and value.strip().isdigit():
            return int(value)
    return None


def scan_holders(devices: Collection[str], proc: str = "/proc") -> HolderScan:
    """Which processes hold each of ``devices`` (resolved paths) open."""
    wanted = set(devices)
    found: dict[str, list[Holder]] = {}
    managers: list[int] = []
    complete = True
    own = os.getpid()
    try:
        entries = [entry.name for entry in os.scandir(proc) if entry.name.isdigit()]
    except OSError:
        return HolderScan(complete=False)
    for name in sorted(entries, key=int):
        pid = int(name)
        comm = _read(os.path.join(proc, name, "comm"))
        if comm is None:
            continue  # gone since the listing
        comm = comm.strip()
        if comm == MODEM_MANAGER:
            managers.append(pid)
        if not wanted:
            continue
        fd_dir = os.path.join(proc, name, "fd")
        try:
            fds = os.listdir(fd_dir)
        except PermissionError:
            complete = False
            continue
        except OSError:
            continue
        held, mastered = _open_devices(os.path.join(proc, name), fds, wanted)
        held -= mastered
        if not held:
            continue
        command = (_read(os.path.join(proc, name, "cmdline")) or "").replace("\0", " ")
        holder = Holder(pid, comm, command.strip(), this_process=pid == own)
        for device in held:
            found.setdefault(device, []).append(holder)
    return HolderScan(
        {device: tuple(holders) for device, holders in found.items()},
        tuple(managers),
        complete,
    )
