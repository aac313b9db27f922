"""Address fields (TS 23.040 9.1.2.5) and the SMSC address (TS 24.011 8.2.5.1).

An address field is: length, type of address (bit 7 set, TON in bits 6..4, NPI in bits
3..0), then the value. For numbers the length counts useful semi-octets, the digits are
swapped semi-octets (9.1.2.3: 0-9, ``*``, ``#``, a, b, c; ``F`` fills the last octet);
for alphanumeric addresses (TON 5) the value is GSM 7-bit packed default alphabet and the
length counts the semi-octets that carry it. The SMSC address in front of a PDU counts
octets (type of address included) instead.

Decisions for destinations we encode:
- ``+`` and digits: international (TON 1), ISDN/telephone numbering plan (NPI 1).
- digits only, including short codes: TON 0 "unknown", NPI 1. TON 2 "national" would
  forbid the trunk prefix a user types (9.1.2.5: with TON national "prefix or escape
  digits shall not be included"), while "unknown" means the digits follow the network's
  dialling plan, which is how they were typed; gammu sends 0x81 for such numbers too.
- at most 20 digits (10 octets of value); anything else is an InvalidAddress.
Decoding returns ``+`` and digits for TON 1, the text for TON 5, the digits (with
``*#abc``) for every other TON.
"""

from __future__ import annotations

from functools import lru_cache

from gsmgateway.sms.errors import InvalidAddress, PduDecodeError
from gsmgateway.sms.septets import DEFAULT_CODEC, pack_septets, unpack_septets

TOA_INTERNATIONAL = 0x91
TOA_UNKNOWN = 0x81
TOA_ALPHANUMERIC = 0xD0
TON_INTERNATIONAL = 1
TON_ALPHANUMERIC = 5
MAX_DIGITS = 20
MAX_ALPHANUMERIC_SEPTETS = 11  # 10 octets of value
MAX_SMSC_OCTETS = 11  # type of address + 10 octets of digits (TS 24.011 8.2.5.1)

# Octet -> octet with its two semi-octets swapped: ``bytes.fromhex("21").translate`` = 0x12.
SWAP_NIBBLES = bytes(((octet & 0x0F) << 4) | (octet >> 4) for octet in range(256))
# Hex digit (lower case, as bytes.hex() writes) -> semi-octet meaning (TS 23.040 9.1.2.3).
_SEMI_OCTETS = str.maketrans("abcde", "*#abc")
_DIGITS = frozenset("0123456789")


def _semi_octets(digits: str) -> bytes:
    """Digits (already checked) as swapped semi-octets, ``F``-filled."""
    if len(digits) & 1:
        digits += "f"
    return bytes.fromhex(digits).translate(SWAP_NIBBLES)


def _check_digits(digits: str, address: str) -> None:
    if not digits:
        raise InvalidAddress(f"address {address!r} has no digits")
    if not _DIGITS.issuperset(digits):
        bad = next(char for char in digits if char not in _DIGITS)
        raise InvalidAddress(
            f"address {address!r} has {bad!r}: a number is '+' and digits, or digits only"
        )
    if len(digits) > MAX_DIGITS:
        raise InvalidAddress(
            f"address {address!r} has {len(digits)} digits, more than the {MAX_DIGITS} an "
            "address field holds"
        )


@lru_cache(maxsize=4096)
def encode_destination(address: str) -> bytes:
    """TP-DA of an SMS-SUBMIT: ``+`` and digits (international) or digits; no letters."""
    if address.startswith("+"):
        digits, toa = address[1:], TOA_INTERNATIONAL
    else:
        digits, toa = address, TOA_UNKNOWN
    _check_digits(digits, address)
    return bytes((len(digits), toa)) + _semi_octets(digits)


def encode_originator(address: str) -> bytes:
    """TP-OA / TP-RA: a number as for a destination, otherwise an alphanumeric address."""
    if address.startswith("+") and len(address) > 1 and _DIGITS.issuperset(address[1:]):
        return encode_destination(address)
    if address and _DIGITS.issuperset(address):
        return encode_destination(address)
    if not address:
        return bytes((0, TOA_UNKNOWN))
    septets = DEFAULT_CODEC.to_septets(address)
    if septets is None:
        position = next(i for i, c in enumerate(address) if DEFAULT_CODEC.to_septets(c) is None)
        raise InvalidAddress(
            f"alphanumeric address {address!r} has {address[position]!r}, which is not in the "
            "GSM 7-bit default alphabet"
        )
    if len(septets) > MAX_ALPHANUMERIC_SEPTETS:
        raise InvalidAddress(
            f"alphanumeric address {address!r} needs {len(septets)} septets, more than "
            f"{MAX_ALPHANUMERIC_SEPTETS}"
        )
    packed = pack_septets(septets)
    return bytes(((7 * len(septets) + 3) // 4, TOA_ALPHANUMERIC)) + packed


def encode_smsc(address: str | None) -> bytes:
    """The SMSC address in front of a PDU; ``00`` (the modem's default SMSC) for None."""
    if not address:
        return b"\x00"
    if address.startswith("+"):
        digits, toa = address[1:], TOA_INTERNATIONAL
    else:
        digits, toa = address, TOA_UNKNOWN
    _check_digits(digits, address)
    value = _semi_octets(digits)
    return bytes((len(value) + 1, toa)) + value


def _digits_of(value: bytes, count: int, offset: int) -> str:
    """``count`` semi-octets of ``value`` (which starts at octet ``offset``)."""
    hexed = value.translate(SWAP_NIBBLES).hex()
    digits = hexed[:count]
    if digits.isdigit():
        return digits
    # Fillers counted in the length (an encoder's slip seen in the wild) are dropped; a
    # filler followed by a digit is an invalid semi-octet.
    digits = digits.rstrip("f")
    filler = digits.find("f")
    if filler >= 0:
        raise PduDecodeError(
            "invalid semi-octet F (filler) inside an address", octet=offset + filler // 2
        )
    return digits.translate(_SEMI_OCTETS)


# Decoded address fields by their octets (length and type of address included): the
# same SMSC and the same few senders come back in every PDU. Bounded; cleared when full.
_CACHE_SIZE = 4096
_ADDRESSES: dict[bytes, str] = {}
_SMSC_ADDRESSES: dict[bytes, str | None] = {}


def _remember(cache: dict, field: bytes, value: object) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[field] = value


def decode_address(data: bytes, offset: int, what: str) -> tuple[str, int, int]:
    """(address, type of address, next offset) of the address field at ``offset``."""
    if offset + 2 > len(data):
        raise PduDecodeError(f"truncated {what}: no length and type of address", octet=offset)
    length, toa = data[offset], data[offset + 1]
    end = offset + 2 + ((length + 1) >> 1)
    if end > len(data):
        raise PduDecodeError(f"{what} length {length} points past the end of the PDU", octet=offset)
    field = data[offset:end]
    address = _ADDRESSES.get(field)
    if address is None:
        address = _address_value(field, offset, what)
        _remember(_ADDRESSES, field, address)
    return address, toa, end


def _address_value(field: bytes, offset: int, what: str) -> str:
    length, toa, value = field[0], field[1], field[2:]
    if (toa >> 4) & 7 == TON_ALPHANUMERIC:
        return DEFAULT_CODEC.decode(unpack_septets(value, (length * 4) // 7))
    if length > MAX_DIGITS:
        raise PduDecodeError(
            f"{what} length {length} is more than {MAX_DIGITS} semi-octets", octet=offset
        )
    digits = _digits_of(value, length, offset + 2)
    if (toa >> 4) & 7 == TON_INTERNATIONAL:
        return "+" + digits
    return digits


def decode_smsc(data: bytes) -> tuple[str | None, int]:
    """(SMSC address or None, offset of the TPDU) of a PDU that starts with an SMSC field."""
    if not data:
        raise PduDecodeError("empty PDU", octet=0)
    length = data[0]
    if length == 0:
        return None, 1
    if length > MAX_SMSC_OCTETS:
        raise PduDecodeError(
            f"SMSC address length {length} is more than {MAX_SMSC_OCTETS} octets", octet=0
        )
    end = 1 + length
    if end >= len(data):
        raise PduDecodeError("SMSC address length points past the TPDU", octet=0)
    field = data[:end]
    if field in _SMSC_ADDRESSES:
        return _SMSC_ADDRESSES[field], end
    address = _smsc_value(field)
    _remember(_SMSC_ADDRESSES, field, address)
    return address, end


def _smsc_value(field: bytes) -> str | None:
    toa, value = field[1], field[2:]
    if (toa >> 4) & 7 == TON_ALPHANUMERIC:
        return DEFAULT_CODEC.decode(unpack_septets(value, (len(value) * 8) // 7))
    hexed = value.translate(SWAP_NIBBLES).hex().rstrip("f")
    if not hexed:
        return None
    digits = _digits_of(value, len(hexed), 2)
    if (toa >> 4) & 7 == TON_INTERNATIONAL:
        return "+" + digits
    return digits
