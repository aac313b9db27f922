"""A serial port as an asyncio byte stream: open, write, read chunks, close.

Thin IO over pyserial-asyncio-fast (a pty works the same way as a USB tty). It maps
pyserial and OS errors to the modem layer's own at this boundary and keeps a bounded
receive buffer, so a modem spewing garbage cannot grow memory without limit.
"""

from __future__ import annotations

import asyncio
import errno
import os
from collections import deque

import serial
import serial_asyncio_fast

from gsmgateway.modem.errors import PortBusy, PortClosed, PortUnavailable

# Far more than any AT response; past this the oldest bytes are dropped and counted.
MAX_BUFFERED_BYTES = 256 * 1024


class _LinkProtocol(asyncio.Protocol):
    def __init__(self, max_buffered: int) -> None:
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.dropped = 0
        self.max_buffered = max_buffered
        self.readable = asyncio.Event()
        self.lost: BaseException | None = None
        self.is_lost = False

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        while self.buffered > self.max_buffered and self.chunks:
            old = self.chunks.popleft()
            self.buffered -= len(old)
            self.dropped += len(old)
        self.readable.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.is_lost = True
        self.lost = exc
        self.readable.set()


class SerialLink:
    """An open serial port. Create with ``await SerialLink.open(path)``."""

    def __init__(self, path: str, transport: asyncio.Transport, protocol: _LinkProtocol) -> None:
        self.path = path
        self._transport = transport
        self._protocol = protocol

    @classmethod
    async def open(
        cls, path: str, *, baudrate: int = 115200, max_buffered: int = MAX_BUFFERED_BYTES
    ) -> SerialLink:
        """Open ``path`` exclusively; raises PortUnavailable or PortBusy."""
        loop = asyncio.get_running_loop()
        protocol = _LinkProtocol(max_buffered)
        try:
            port = await loop.run_in_executor(None, _open_serial, path, baudrate)
            transport, _ = await serial_asyncio_fast.connection_for_serial(
                loop, lambda: protocol, port
            )
        except PortUnavailable:
            raise
        except (OSError, serial.SerialException, ValueError) as error:
            raise PortUnavailable(f"{path}: {error}") from error
        return cls(path, transport, protocol)

    @property
    def closed(self) -> bool:
        """True once the port is gone or closed."""
        return self._protocol.is_lost or self._transport.is_closing()

    @property
    def dropped_bytes(self) -> int:
        """Bytes dropped because the reader fell too far behind."""
        return self._protocol.dropped

    def write(self, data: bytes) -> None:
        """Queue bytes for the port; raises PortClosed when it is gone."""
        if self.closed:
            raise PortClosed(f"{self.path}: port closed")
        self._transport.write(data)

    async def read(self) -> bytes:
        """The bytes received since the last read (waits for at least one)."""
        protocol = self._protocol
        while not protocol.chunks:
            if protocol.is_lost:
                raise PortClosed(f"{self.path}: port closed ({protocol.lost or 'by us'})")
            protocol.readable.clear()
            await protocol.readable.wait()
        data = b"".join(protocol.chunks)
        protocol.chunks.clear()
        protocol.buffered = 0
        return data

    async def close(self) -> None:
        """Close the port and wait until the transport has let go of it."""
        if not self._protocol.is_lost:
            self._transport.close()
            while not self._protocol.is_lost:
                self._protocol.readable.clear()
                await self._protocol.readable.wait()


def _open_serial(path: str, baudrate: int) -> serial.Serial:
    try:
        # exclusive=True takes an flock, so two gateways never share one modem.
        return serial.Serial(path, baudrate=baudrate, timeout=0, exclusive=True)
    except serial.SerialException as error:
        cause = error.__cause__ if isinstance(error.__cause__, OSError) else None
        code = getattr(error, "errno", None) or (cause.errno if cause else None)
        text = str(error)
        if code in (errno.EBUSY, errno.EWOULDBLOCK) or "lock" in text.lower():
            raise PortBusy(f"{path}: port is in use by another process") from error
        if code == errno.ENOENT or not os.path.exists(path):
            raise PortUnavailable(f"{path}: no such port") from error
        if code == errno.EACCES:
            raise PortUnavailable(
                f"{path}: permission denied (is the user in the dialout group?)"
            ) from error
        raise PortUnavailable(f"{path}: {text}") from error
