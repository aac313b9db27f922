"""A bare TE for tests: opens a pty (or its symlink) raw and talks bytes on the event loop.

Deliberately independent of gsmgateway.at / gsmgateway.modem: it reads until a final
result by plain pattern matching, so a simulator test never leans on the code under
test elsewhere.
"""

import asyncio
import os
import re
import termios
import tty

FINAL = re.compile(rb"\r\n(OK|ERROR|COMMAND NOT SUPPORT|\+CM[ES] ERROR: [^\r]*)\r\n|\r\n> $", re.S)


class PtyClient:
    def __init__(self, path):
        self.path = path
        self.buffer = bytearray()
        self._out = bytearray()
        self.closed = False
        self.lost = None
        self._fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(self._fd, termios.TCSANOW)  # TCSAFLUSH would drop what waits
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        self._loop.add_reader(self._fd, self._readable)

    def _readable(self):
        try:
            data = os.read(self._fd, 65536)
        except BlockingIOError:
            return
        except OSError as error:  # EIO: the other side is gone (unplugged)
            self.lost = error
            self._loop.remove_reader(self._fd)
            data = b""
        if not data and self.lost is None:
            self.lost = EOFError("pty closed")
            self._loop.remove_reader(self._fd)
        self.buffer.extend(data)
        self._event.set()

    def send(self, data):
        """Queue bytes for the modem; the loop writes them as the pty takes them."""
        if isinstance(data, str):
            data = data.encode("latin-1")
        if not self._out:
            self._loop.add_writer(self._fd, self._writable)
        self._out.extend(data)

    def _writable(self):
        try:
            written = os.write(self._fd, self._out)
        except BlockingIOError:
            return
        except OSError as error:
            self.lost = error
            written = len(self._out)
        del self._out[:written]
        if not self._out:
            self._loop.remove_writer(self._fd)

    async def wait_for(self, predicate, timeout=5.0):
        """Wait until predicate(buffer) is truthy; returns its value."""
        async with asyncio.timeout(timeout):
            while True:
                result = predicate(bytes(self.buffer))
                if result:
                    return result
                if self.lost is not None:
                    raise ConnectionError(f"{self.path}: {self.lost}")
                self._event.clear()
                await self._event.wait()

    async def expect(self, pattern, timeout=5.0):
        """Wait for a regex in the buffer; consume the buffer up to its end; return the match."""
        regex = re.compile(pattern if isinstance(pattern, bytes) else pattern.encode(), re.S)
        match = await self.wait_for(lambda data: regex.search(data), timeout)
        del self.buffer[: match.end()]
        return match

    async def command(self, line, timeout=5.0):
        """Send ``line`` + CR, return everything up to and including its final result."""
        self.send(line + "\r" if isinstance(line, str) else line + b"\r")
        match = await self.wait_for(lambda data: FINAL.search(data), timeout)
        reply = bytes(self.buffer[: match.end()])
        del self.buffer[: match.end()]
        return reply.decode("latin-1")

    def take(self):
        data = bytes(self.buffer)
        self.buffer.clear()
        return data

    def close(self):
        if not self.closed:
            self.closed = True
            if self.lost is None:
                self._loop.remove_reader(self._fd)
            self._loop.remove_writer(self._fd)
            os.close(self._fd)
