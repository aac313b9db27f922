"""Reading the parameter list of an information line (``+CREG: 2,1,"00A1","B2C3"``).

TS 27.007 4.1 / V.250 5.7.2: values are separated by commas; strings are quoted and may
hold commas; test-command ranges sit in parentheses. Real modems add spaces after
commas or colons and drop quotes, so fields are trimmed and quotes are optional.
"""

from __future__ import annotations

import re

from gsmgateway.at.errors import ResponseParseError

# A tagged line starts with a sigil and a name followed by a colon: +CSQ:, ^RSSI:, *PSUTTZ:,
# #SIMDET:, $QCSIMSTAT:, %XSIM:, !GSTATUS:. The colon may be glued to the values.
_TAG = re.compile(r"^([+^*#$%!][A-Za-z0-9_]+):")
_HEX_DIGITS = re.compile(r"^[0-9A-Fa-f]+$")


def tag_of(line: str) -> str | None:
    """The tag of a tagged line (``"+CSQ"`` for ``"+CSQ: 20,99"``), else ``None``."""
    found = _TAG.match(line)
    return found.group(1) if found else None


def payload(line: str, prefix: str) -> str:
    """What follows ``prefix`` in ``line``, trimmed; raises if the prefix is missing."""
    if not line.upper().startswith(prefix.upper()):
        raise ResponseParseError(f"expected a line starting with {prefix}", line=line)
    return line[len(prefix) :].strip()


def split_fields(text: str, *, line: str | None = None) -> tuple[str, ...]:
    """Split on commas outside quotes and parentheses; fields trimmed, quotes kept."""
    fields: list[str] = []
    current: list[str] = []
    in_quotes = False
    depth = 0
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char == "(":
            depth += 1
        elif not in_quotes and char == ")":
            depth -= 1
            if depth < 0:
                raise ResponseParseError("unbalanced parenthesis", line=line or text)
        elif char == "," and not in_quotes and depth == 0:
            fields.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    if in_quotes or depth:
        raise ResponseParseError("unterminated quote or parenthesis", line=line or text)
    fields.append("".join(current).strip())
    return tuple(fields)


def is_number(text: str) -> bool:
    """True for ASCII decimal digits only (``str.isdigit`` also accepts "²" and "٣")."""
    return text.isascii() and text.isdigit()


def is_quoted(field: str) -> bool:
    """True for a field written as a quoted string."""
    return len(field) >= 2 and field[0] == '"' and field[-1] == '"'


def unquote(field: str) -> str:
    """The field without its surrounding quotes (unchanged if unquoted)."""
    return field[1:-1] if is_quoted(field) else field


def to_int(field: str, *, line: str, what: str) -> int:
    """A decimal field as an int; quotes tolerated; raises ResponseParseError otherwise."""
    value = unquote(field).strip()
    if not is_number(value):
        raise ResponseParseError(f"{what} is not a number", line=line)
    return int(value)


def to_optional_int(field: str | None, *, line: str, what: str) -> int | None:
    """Like ``to_int`` but an absent or empty field is ``None``."""
    if field is None or unquote(field).strip() == "":
        return None
    return to_int(field, line=line, what=what)


def to_hex_int(field: str | None, *, line: str, what: str) -> int | None:
    """A hexadecimal string field (``"00A1"``) as an int, ``None`` when absent or empty."""
    if field is None:
        return None
    value = unquote(field).strip()
    if value == "":
        return None
    if not _HEX_DIGITS.match(value):
        raise ResponseParseError(f"{what} is not hexadecimal", line=line)
    return int(value, 16)
