"""A pty whose far end answers each command line with canned bytes: silent ports,
ports that send garbage, and tiny scripted modems the simulator does not offer.

Independent of gsmgateway: it splits what the TE writes at CR and asks ``answer`` for
each line (ESC and blanks stripped), writing back whatever bytes it returns.
"""

import asyncio
import os
import tty

OK = b"\r\nOK\r\n"


def reply(*lines, final=b"OK"):
    """``\\r\\n<line>\\r\\n`` for each line, then the final result."""
    body = b"".join(b"\r\n" + line + b"\r\n" for line in lines)
    return body + b"\r\n" + final + b"\r\n"


class ScriptedPort:
    """``port = ScriptedPort(answer)``; ``port.path`` is the tty to probe; ``close()`` after."""

    def __init__(self, answer):
        self.answer = answer
        self.lines = []  # every command line received
        self._buffer = b""
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self.path = os.ttyname(slave)
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(master, self._readable)

    def _readable(self):
        try:
            data = os.read(self._master, 4096)
        except (BlockingIOError, OSError):
            return
        self._buffer += data
        while b"\r" in self._buffer:
            line, self._buffer = self._buffer.split(b"\r", 1)
            line = line.strip(b"\x1b\x1a\n ")
            if not line:
                continue
            self.lines.append(line.decode("latin-1"))
            out = self.answer(line.decode("latin-1"))
            if out:
                os.write(self._master, out)

    def close(self):
        if self._master is not None:
            self._loop.remove_reader(self._master)
            os.close(self._master)
            os.close(self._slave)
            self._master = None


def silent(_line):
    """A port that never answers (a dongle's diagnostic tty)."""
    return b""


def binary_garbage(_line):
    """A port that answers everything with bytes that are not AT (a DIAG/QCDM port)."""
    return bytes(range(0x80, 0xA0)) + b"\x7e"


def nmea(_line):
    """A GPS port: NMEA sentences whatever it is sent."""
    return b"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n"


def modem_without_sim(line):
    """A modem with no SIM: AT+CPIN? answers +CME ERROR: 10 (TS 27.007 9.2.1)."""
    answers = {
        "AT": OK,
        "ATE0": OK,
        "AT+CMEE=1": OK,
        "AT+CGSN": reply(b"490154203237518"),
        "AT+CGMI": reply(b"Acme"),
        "AT+CGMM": reply(b"Stick 1"),
        "AT+CGMR": reply(b"1.2.3"),
        "AT+CPIN?": b"\r\n+CME ERROR: 10\r\n",
        "AT+CSQ": reply(b"+CSQ: 99,99"),
    }
    return answers.get(line.upper(), b"\r\n+CME ERROR: 10\r\n")


def answers_at_without_imei(line):
    """Something that says OK to everything but has no IMEI to give."""
    return b"\r\nERROR\r\n" if "GSN" in line.upper() else OK
