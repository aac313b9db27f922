"""Errors of the modem layer. Nothing above ``modem/`` sees a pyserial or OSError exception."""

from __future__ import annotations


class ModemError(Exception):
    """Base of every error raised by the modem layer."""


class PortUnavailable(ModemError):
    """The serial port could not be opened (missing, no permission, not a tty)."""


class PortBusy(PortUnavailable):
    """Another process holds the serial port (for example ModemManager)."""


class PortClosed(ModemError):
    """The serial port went away while in use (unplugged, or closed by us)."""


class NotAModem(ModemError):
    """Nothing on the port answered ``AT`` like a modem (silence, garbage, no IMEI)."""


class CommandTimeout(ModemError):
    """An AT command got no final result in time (the modem may be hung)."""


class ModemFault(ModemError):
    """The modem answered in a way that means it is broken (an error of the fault class,
    an answer that makes no sense, a command every modem must accept refused)."""


class SimLocked(ModemError):
    """The SIM needs a PIN or PUK that the configuration does not give (or gave wrong:
    it is never tried twice, so the SIM is not blocked)."""

    def __init__(self, message: str, *, refused_pin: str | None = None) -> None:
        super().__init__(message)
        self.refused_pin = refused_pin


class SimNotReady(ModemError):
    """The SIM is missing or not ready (AT+CPIN? answered an error or NOT READY)."""
