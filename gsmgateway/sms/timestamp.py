"""Time fields: TP-SCTS / TP-DT time stamps (TS 23.040 9.2.3.11) and TP-VP (9.2.3.12).

A time stamp is seven octets of swapped semi-octets: year, month, day, hour, minute,
second, time zone. The time zone is in quarters of an hour; bit 3 of its octet (the
first semi-octet's high bit) is the sign. Years are 2000 + YY.

A relative validity period (9.2.3.12.1) is one octet:
  0..143   (VP + 1) x 5 minutes      (5 minutes .. 12 hours)
  144..167 12 hours + (VP - 143) x 30 minutes (up to 24 hours)
  168..196 (VP - 166) days           (2 .. 30 days)
  197..255 (VP - 192) weeks          (5 .. 63 weeks)
Encoding rounds a number of minutes up to the next value the table can express, so a
message is never dropped earlier than asked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from gsmgateway.sms.address import SWAP_NIBBLES
from gsmgateway.sms.errors import EncodeError, PduDecodeError

TIMESTAMP_OCTETS = 7
MAX_VALIDITY_MINUTES = 63 * 7 * 24 * 60

_ZONES: dict[int, timezone] = {q: timezone(timedelta(minutes=15 * q)) for q in range(-79, 80)}
_ZONES[0] = UTC


def _bad_digit(hexed: str, offset: int, what: str) -> PduDecodeError:
    index = next(i for i, char in enumerate(hexed) if not char.isdigit())
    return PduDecodeError(
        f"invalid BCD digit {hexed[index].upper()} in {what}", octet=offset + index // 2
    )


def _bcd(octet: int) -> int:
    low, high = octet & 0x0F, octet >> 4  # the first semi-octet is the low nibble
    return low * 10 + high if low <= 9 and high <= 9 else -1


# Swapped-BCD octet -> its value 0..99, or -1 when a semi-octet is not a decimal digit.
_BCD = tuple(_bcd(octet) for octet in range(256))
# Time zone octet -> quarters of an hour (sign in bit 3), or None when not BCD.
_ZONE_QUARTERS: tuple[int | None, ...] = tuple(
    None if octet >> 4 > 9 else (-1 if octet & 0x08 else 1) * ((octet & 0x07) * 10 + (octet >> 4))
    for octet in range(256)
)


def decode_timestamp(data: bytes, offset: int, what: str = "time stamp") -> datetime:
    """The time stamp of seven octets at ``offset``, with its time zone."""
    end = offset + TIMESTAMP_OCTETS
    if end > len(data):
        raise PduDecodeError(f"truncated {what}", octet=offset)
    bcd = _BCD
    year, month, day, hour, minute, second = (bcd[octet] for octet in data[offset : end - 1])
    if -1 in (year, month, day, hour, minute, second):
        hexed = data[offset : end - 1].translate(SWAP_NIBBLES).hex()
        raise _bad_digit(hexed, offset, what)
    quarters = _ZONE_QUARTERS[data[end - 1]]
    if quarters is None:
        raise PduDecodeError(
            f"invalid BCD digit {data[end - 1] >> 4:X} in {what} time zone", octet=end - 1
        )
    try:
        return datetime(2000 + year, month, day, hour, minute, second, tzinfo=_ZONES[quarters])
    except ValueError as error:
        raise PduDecodeError(f"invalid date or time in {what}: {error}", octet=offset) from None


def encode_timestamp(moment: datetime) -> bytes:
    """Seven octets for an aware datetime whose UTC offset is whole quarters of an hour."""
    offset = moment.utcoffset()
    if offset is None:
        raise EncodeError("a time stamp needs a time zone (an aware datetime)")
    seconds = int(offset.total_seconds())
    quarters, rest = divmod(abs(seconds), 900)
    if rest or quarters > 79:
        raise EncodeError(f"time zone offset {offset} is not a whole number of quarter hours")
    if not 2000 <= moment.year <= 2099:
        raise EncodeError(f"year {moment.year} does not fit a time stamp (2000-2099)")
    zone = f"{quarters:02d}"
    if seconds < 0:
        zone = f"{int(zone[0]) | 8:x}{zone[1]}"
    digits = moment.strftime("%y%m%d%H%M%S") + zone
    return bytes.fromhex(digits).translate(SWAP_NIBBLES)


def encode_relative_validity(minutes: int) -> int:
    """TP-VP (relative) for at least ``minutes``: the next step the table can express."""
    if minutes < 1:
        raise EncodeError(f"validity of {minutes} minutes: it must be at least 1 minute")
    if minutes <= 12 * 60:
        return -(-minutes // 5) - 1
    if minutes <= 24 * 60:
        return 143 + -(-(minutes - 12 * 60) // 30)
    if minutes <= 30 * 24 * 60:
        return 166 + -(-minutes // (24 * 60))
    if minutes <= MAX_VALIDITY_MINUTES:
        return 192 + -(-minutes // (7 * 24 * 60))
    raise EncodeError(
        f"validity of {minutes} minutes is more than the maximum of 63 weeks "
        f"({MAX_VALIDITY_MINUTES} minutes)"
    )


def decode_relative_validity(value: int) -> int:
    """Minutes of a relative TP-VP octet."""
    if value <= 143:
        return (value + 1) * 5
    if value <= 167:
        return 12 * 60 + (value - 143) * 30
    if value <= 196:
        return (value - 166) * 24 * 60
    return (value - 192) * 7 * 24 * 60


def decode_enhanced_validity(data: bytes, offset: int) -> int | None:
    """Minutes of an enhanced TP-VP (9.2.3.12.3, seven octets), rounded up; None if absent."""
    indicator = data[offset]
    if indicator & 0x80:
        # An extended functionality indicator: the format is in octets we do not know.
        return None
    form = indicator & 0x07
    if form == 1:
        return decode_relative_validity(data[offset + 1])
    if form == 2:
        return -(-data[offset + 1] // 60) or None
    if form == 3:
        hexed = data[offset + 1 : offset + 4].translate(SWAP_NIBBLES).hex()
        if not hexed.isdigit():
            raise _bad_digit(hexed, offset + 1, "enhanced validity period")
        hours, mins, secs = int(hexed[0:2]), int(hexed[2:4]), int(hexed[4:6])
        return hours * 60 + mins + (1 if secs else 0)
    return None
