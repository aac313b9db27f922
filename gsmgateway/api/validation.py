"""Validation of message request bodies: types, unknown fields, numbers to E.164.

Pure: takes the decoded JSON value and the configured limits, returns a frozen
``MessageRequest`` or raises ``ApiError`` naming the field. Whether the text fits in
the configured number of segments is checked where it is encoded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import phonenumbers

from gsmgateway.api.errors import ApiError, invalid, unsendable
from gsmgateway.api.phone import is_valid_national, is_valid_number, split_international

PRIORITIES = ("high", "normal", "low")
ENCODINGS = ("auto", "gsm7", "ucs2")
MAX_TEXT_CHARS = 10_000
# TS 23.040 9.2.3.12.1: relative validity runs from 5 minutes to 63 weeks.
MAX_VALIDITY_MINUTES = 63 * 7 * 24 * 60
SHORT_CODE_DIGITS = range(3, 9)
IMEI = re.compile(r"[0-9]{14,16}")
NUMBER_CACHE_SIZE = 16384
# What a written phone number holds: digits (any script's: phonenumbers reads them)
# and the spaces and punctuation people write (or paste) between them.
_NOT_IN_A_NUMBER = re.compile(r"[^\d\s+()./-]")

OPTION_FIELDS = frozenset(
    {
        "priority",
        "send_at",
        "status_report",
        "flash",
        "validity_minutes",
        "encoding",
        "smart_encoding",
        "modem",
    }
)
MESSAGE_FIELDS = frozenset(
    {
        "to",
        "text",
        "priority",
        "send_at",
        "status_report",
        "flash",
        "validity_minutes",
        "encoding",
        "smart_encoding",
        "modem",
    }
)


@dataclass(frozen=True)
class NumberPolicy:
    """How destination numbers are read: the region for national numbers, short codes."""

    default_region: str | None = None
    allow_short_codes: bool = False


@dataclass(frozen=True)
class MessageOptions:
    """The optional fields of a message body, validated (None: the config's default).

    One value is shared by every message of a batch that gives the same fields (all of
    a template's recipients; every item that gives only ``to`` and ``text``)."""

    priority: str = "normal"
    send_at: datetime | None = None
    status_report: bool | None = None
    flash: bool = False
    validity_minutes: int | None = None
    encoding: str = "auto"
    smart_encoding: bool | None = None
    modem: str | None = None


DEFAULT_OPTIONS = MessageOptions()


@dataclass(frozen=True)
class MessageRequest:
    """One validated message to send; ``to`` is E.164 (``+`` and digits) or a short code."""

    to: str
    text: str
    options: MessageOptions = DEFAULT_OPTIONS


def normalise_number(raw: str, policy: NumberPolicy, field: str = "to") -> str:
    """E.164 for a valid phone number, the digits for an allowed short code; else 422."""
    # "+" and ASCII digits, the form API clients send, needs no clean-up; pasted numbers
    # carry no-break and thin spaces, which phonenumbers does not read.
    plain = raw[:1] == "+" and raw.isascii() and raw[1:].isdigit()
    text = raw if plain else " ".join(raw.split())
    if not text:
        raise invalid("phone number is empty", field)
    number, problem = _normalised(text, policy.default_region, policy.allow_short_codes)
    if number is None:
        raise unsendable("invalid_number", f"{raw!r} {problem}", field)
    return number


@functools.lru_cache(maxsize=NUMBER_CACHE_SIZE)
def _normalised(text: str, region: str | None, allow_short_codes: bool) -> tuple[str | None, str]:
    """(E.164 or short code, "") or (None, what is wrong); cached: recipients recur, and
    phonenumbers' parsing is the dearest step of a request."""
    digits = text.replace(" ", "")
    stray = _NOT_IN_A_NUMBER.search(text)
    if stray is not None:
        # phonenumbers would read letters as a keypad's (1-800-FLOWERS) or skip them.
        return None, f"is not a phone number ({stray.group()!r} is not a digit)"
    if allow_short_codes and digits.isdigit() and len(digits) in SHORT_CODE_DIGITS:
        return digits, ""
    if not text.startswith("+") and not text.startswith("00") and region is None:
        return None, "is not in international form (+...) and no default_region is configured"
    quick = split_international(text)
    if quick is not None:
        return (text, "") if is_valid_national(*quick) else (None, "is not a valid phone number")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        return None, f"is not a phone number: {error}"
    if not is_valid_number(number):
        hint = " (short codes are not allowed by the config)" if digits.isdigit() else ""
        return None, f"is not a valid phone number{hint}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), ""


def parse_message(
    body: Any, policy: NumberPolicy, *, prefix: str = "", extra_fields: frozenset[str] = frozenset()
) -> MessageRequest:
    """Validate one message body (a decoded JSON object); ``prefix`` names nested fields."""
    if not isinstance(body, dict):
        raise invalid("the message must be a JSON object", prefix.rstrip(".") or None)
    to = body.get("to")
    text = body.get("text")
    if (
        len(body) == 2
        and isinstance(to, str)
        and isinstance(text, str)
        and 0 < len(text) <= MAX_TEXT_CHARS
    ):
        # Only "to" and "text", well formed: every option takes its default (the common,
        # hot case; the checks below would find nothing else to say).
        return MessageRequest(normalise_number(to, policy, prefix + "to"), text)
    for key in body:
        if key not in MESSAGE_FIELDS and key not in extra_fields:
            raise invalid(f"unknown field {key!r}", prefix + str(key))

    def field(name: str) -> str:
        return prefix + name

    if not isinstance(to, str):
        raise invalid("'to' is required and must be a string", field("to"))
    if not isinstance(text, str):
        raise invalid("'text' is required and must be a string", field("text"))
    if not text:
        raise invalid("'text' must not be empty", field("text"))
    if len(text) > MAX_TEXT_CHARS:
        raise unsendable(
            "text_too_long", f"'text' has more than {MAX_TEXT_CHARS} characters", field("text")
        )
    return MessageRequest(
        normalise_number(to, policy, field("to")),
        text,
        parse_options(body, field) if len(body) > 2 else DEFAULT_OPTIONS,
    )


def parse_options(body: dict[str, Any], field: Callable[[str], str]) -> MessageOptions:
    """The optional fields of a message body (all but ``to`` and ``text``), validated.

    ``field`` names a field for errors. A field given as ``null`` is an error (leave it
    out to get the default), as the OpenAPI document says.
    """
    for name, value in body.items():
        if value is None and name in OPTION_FIELDS:
            raise invalid(f"'{name}' must not be null; leave it out for the default", field(name))
    return MessageOptions(
        priority=_choice(body, "priority", PRIORITIES, "normal", field),
        send_at=_send_at(body.get("send_at"), field("send_at")),
        status_report=_optional_bool(body, "status_report", field),
        flash=bool(_optional_bool(body, "flash", field)),
        validity_minutes=_validity(body.get("validity_minutes"), field("validity_minutes")),
        encoding=_choice(body, "encoding", ENCODINGS, "auto", field),
        smart_encoding=_optional_bool(body, "smart_encoding", field),
        modem=_modem(body.get("modem"), field("modem")),
    )


def _choice(
    body: dict[str, Any],
    name: str,
    allowed: tuple[str, ...],
    default: str,
    field: Callable[[str], str],
) -> str:
    value = body.get(name, default)
    if value not in allowed:
        raise invalid(f"'{name}' must be one of {', '.join(allowed)}", field(name))
    return value


def _optional_bool(body: dict[str, Any], name: str, field: Callable[[str], str]) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise invalid(f"'{name}' must be true or false", field(name))
    return value


def _modem(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not IMEI.fullmatch(value):
        raise invalid("'modem' must be a modem's IMEI (14 to 16 digits)", field)
    return value


def _validity(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("'validity_minutes' must be an integer", field)
    if not 5 <= value <= MAX_VALIDITY_MINUTES:
        raise invalid(f"'validity_minutes' must be from 5 to {MAX_VALIDITY_MINUTES}", field)
    return value


def _send_at(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid("'send_at' must be an ISO 8601 date-time string with a time zone", field)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid(f"'send_at' is not an ISO 8601 date-time: {value!r}", field) from None
    if moment.tzinfo is None:
        raise invalid("'send_at' needs a time zone offset (e.g. Z or +02:00)", field)
    return moment.astimezone(UTC)


__all__ = [
    "DEFAULT_OPTIONS",
    "ENCODINGS",
    "MESSAGE_FIELDS",
    "PRIORITIES",
    "ApiError",
    "MessageOptions",
    "MessageRequest",
    "NumberPolicy",
    "normalise_number",
    "parse_message",
    "parse_options",
]
