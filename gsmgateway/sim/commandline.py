"""Splitting an AT command line into commands (ITU-T V.250 5.2-5.4) and their parameters.

Rules: the line starts with ``AT`` (any case); basic commands are a letter or ``&``
plus a letter with an optional number (``E0``, ``&F``, ``Z``), ``S<n>=<v>`` / ``S<n>?``
set and read registers, ``D`` takes the rest of the line; extended commands start
with ``+ ^ $ % * #`` and end at ``;`` or the end of the line. Spaces outside quotes
are ignored and names are case-insensitive; quoted strings are kept as typed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gsmgateway.sim.errors import SyntaxFault

EXTENDED_PREFIXES = "+^$%*#"


class Form(enum.Enum):
    """The four forms of an extended command (V.250 5.4.2 / 5.4.3)."""

    EXECUTE = "execute"  # AT+CMD
    SET = "set"  # AT+CMD=...
    READ = "read"  # AT+CMD?
    TEST = "test"  # AT+CMD=?


@dataclass(frozen=True)
class Command:
    """One command: upper-case name (``+CMGS``, ``E``, ``&F``, ``S0``), form, raw args."""

    name: str
    form: Form
    args: str = ""


def _strip_spaces(body: str) -> str:
    out = []
    quoted = False
    for char in body:
        if char == '"':
            quoted = not quoted
        if quoted or char != " ":
            out.append(char)
    if quoted:
        raise SyntaxFault("unterminated quoted string")
    return "".join(out)


def _split_extended(body: str) -> tuple[str, str]:
    """The extended command at the start of ``body`` and the rest after its ``;``."""
    quoted = False
    for position, char in enumerate(body):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            return body[:position], body[position + 1 :]
    return body, ""


def _extended(text: str) -> Command:
    name_end = 1
    while name_end < len(text) and (text[name_end].isalnum() or text[name_end] in "_.-!%"):
        name_end += 1
    name = text[:name_end].upper()
    rest = text[name_end:]
    if name_end == 1:
        raise SyntaxFault(f"no command name in {text!r}")
    if rest == "":
        return Command(name, Form.EXECUTE)
    if rest == "?":
        return Command(name, Form.READ)
    if rest == "=?":
        return Command(name, Form.TEST)
    if rest.startswith("="):
        return Command(name, Form.SET, rest[1:])
    raise SyntaxFault(f"unexpected {rest!r} after {name}")


def parse_line(line: str) -> list[Command]:
    """The commands of one line (without its CR), ``AT`` included; SyntaxFault if malformed."""
    if len(line) < 2 or line[:2].upper() != "AT":
        raise SyntaxFault("a command line starts with AT")
    body = _strip_spaces(line[2:])
    commands: list[Command] = []
    while body:
        head = body[0]
        if head in EXTENDED_PREFIXES:
            text, body = _split_extended(body)
            commands.append(_extended(text))
            continue
        if head == ";":
            body = body[1:]
            continue
        upper = head.upper()
        if upper == "D":
            commands.append(Command("D", Form.SET, body[1:]))
            break
        if upper == "S":
            end = 1
            while end < len(body) and body[end].isdigit():
                end += 1
            if end == 1:
                raise SyntaxFault("S without a register number")
            register = "S" + body[1:end]
            if body[end : end + 1] == "?":
                commands.append(Command(register, Form.READ))
                body = body[end + 1 :]
            elif body[end : end + 1] == "=":
                value_end = end + 1
                while value_end < len(body) and body[value_end].isdigit():
                    value_end += 1
                commands.append(Command(register, Form.SET, body[end + 1 : value_end]))
                body = body[value_end:]
            else:
                raise SyntaxFault(f"{register} needs ? or =")
            continue
        start = 0
        if head == "&":
            start = 1
            if len(body) < 2 or not body[1].isalpha():
                raise SyntaxFault("& without a letter")
        elif not head.isalpha():
            raise SyntaxFault(f"unexpected character {head!r}")
        end = start + 1
        while end < len(body) and body[end].isdigit():
            end += 1
        name = body[: start + 1].upper()
        commands.append(Command(name, Form.SET, body[start + 1 : end]))
        body = body[end:]
    return commands


def split_args(args: str) -> list[str | None]:
    """Comma-separated parameters; quoted ones keep no quotes, empty ones are None."""
    if args == "":
        return []
    values: list[str | None] = []
    current: list[str] = []
    quoted = False
    was_quoted = False
    for char in args:
        if char == '"':
            quoted = not quoted
            was_quoted = True
        elif char == "," and not quoted:
            values.append("".join(current) if current or was_quoted else None)
            current, was_quoted = [], False
        else:
            current.append(char)
    if quoted:
        raise SyntaxFault("unterminated quoted string")
    values.append("".join(current) if current or was_quoted else None)
    return values


def int_arg(values: list[str | None], position: int, default: int | None = None) -> int | None:
    """Parameter ``position`` as a decimal integer (default when absent); SyntaxFault if not."""
    if position >= len(values) or values[position] is None:
        return default
    text = values[position]
    assert text is not None
    if not text.isdigit():
        raise SyntaxFault(f"parameter {position + 1} ({text!r}) is not a number")
    return int(text)
