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
