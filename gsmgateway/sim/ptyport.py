"""One simulated modem's serial port: a pty whose slave side a stable symlink names.

Thin IO. The master side is served non-blocking from the event loop (add_reader /
add_writer), so a TE that stops reading stalls nobody: output that does not fit is
held up to a bound and then dropped, as a UART FIFO would. We keep our own slave fd
open so the master never sees a hangup when the TE closes and reopens the port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tty
from collections.abc import Callable
from pathlib import Path

MAX_PENDING_OUTPUT = 256 * 1024
READ_CHUNK = 4096


def replace_symlink(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` atomically (a TE never sees it missing or half made)."""
    temporary = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    os.symlink(target, temporary)
    os.replace(temporary, link)


class PtyPort:
    """An open pty pair and its symlink; ``on_data`` gets what the TE writes."""

    def __init__(
        self,
        link: Path,
        on_data: Callable[[bytes], None],
        on_lost: Callable[[OSError], None],
    ) -> None:
        self.link = link
        self._on_data = on_data
        self._on_lost = on_lost
        self._loop = asyncio.get_running_loop()
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master: int | None = master
        self._slave: int | None = slave
        self.path = os.ttyname(slave)
        self._pending = bytearray()
        self.dropped = 0
        self._loop.add_reader(master, self._readable)
        replace_symlink(link, self.path)

    @property
    def is_open(self) -> bool:
        """True until ``close``."""
        return self._master is not None

    def write(self, data: bytes) -> None:
        """Queue bytes for the TE; never blocks."""
        if self._master is None:
            return
        if self._pending:
            self._hold(data)
            return
        try:
            written = os.write(self._master, data)
        except BlockingIOError:
            written = 0
        except OSError as error:
            self._lost(error)
            return
        if written < len(data):
            self._hold(data[written:])
            self._loop.add_writer(self._master, self._writable)

    def _hold(self, data: bytes) -> None:
        room = MAX_PENDING_OUTPUT - len(self._pending)
        self._pending.extend(data[:room])
        self.dropped += max(0, len(data) - room)

    def _writable(self) -> None:
        if self._master is None:
            return
        try:
            written = os.write(self._master, self._pending)
        except BlockingIOError:
            return
        except OSError as error:
            self._lost(error)
            return
        del self._pending[:written]
        if not self._pending:
            self._loop.remove_writer(self._master)

    def _readable(self) -> None:
        if self._master is None:
            return
        try:
            data = os.read(self._master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError as error:
            self._lost(error)
            return
        if data:
            self._on_data(data)

    def _lost(self, error: OSError) -> None:
        self.close()
        self._on_lost(error)

    def close(self, *, remove_link: bool = True) -> None:
        """Close both sides (the TE's reads then fail, as on a USB unplug) and the link."""
        if self._master is None:
            return
        self._loop.remove_reader(self._master)
        self._loop.remove_writer(self._master)
        os.close(self._master)
        self._master = None
        if self._slave is not None:
            os.close(self._slave)
            self._slave = None
        if remove_link:
            with contextlib.suppress(FileNotFoundError):
                if os.readlink(self.link) == self.path:
                    self.link.unlink()
