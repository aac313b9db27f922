"""Errors of the AT layer, grouped by whose fault they are.

The modem's misbehaviour (garbage, overlong lines, stray results) never raises: the
connection turns it into events. What raises is the caller's misuse of the core
(``LocalProtocolError``), a bad argument to a command builder, and a response that a
parser cannot read or that reports a failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gsmgateway.at.finals import FinalResult


class AtError(Exception):
    """Base of every error the AT layer raises."""


class LocalProtocolError(AtError):
    """The caller used the connection out of turn (our bug, not the modem's); see ``hint``."""

    def __init__(self, message: str, *, hint: str) -> None:
        super().__init__(f"{message} ({hint})")
        self.hint = hint


class CommandArgumentError(AtError, ValueError):
    """A command builder was given a value the command cannot carry."""


class ResponseParseError(AtError):
    """A response line is not in any form the parser knows; ``line`` is the offending line."""

    def __init__(self, message: str, *, line: str | None) -> None:
        shown = f": {line!r}" if line is not None else ""
        super().__init__(f"{message}{shown}")
        self.reason = message
        self.line = line


class CommandFailed(AtError):
    """The modem answered a command with an error result; ``final`` says which."""

    def __init__(self, command_line: str, final: FinalResult) -> None:
        super().__init__(f"{command_line} failed: {final.line}")
        self.command_line = command_line
        self.final = final
