"""TP-DCS (TS 23.038 clause 4): the alphabet, message class and indications of a PDU.

Decoding covers every coding group:
- 00xx xxxx general data coding and 01xx xxxx the same with automatic deletion: bit 5
  compressed, bit 4 "bits 1..0 are a message class", bits 3..2 the alphabet;
- 1000..1011 reserved coding groups;
- 1100 / 1101 / 1110 message waiting indication groups (discard / store with GSM 7-bit,
  store with UCS-2): bit 3 indication active, bits 1..0 the kind of message waiting;
- 1111 data coding / message class: bit 2 the alphabet (GSM 7-bit or 8-bit data),
  bits 1..0 the message class.
Clause 4: "any reserved codings shall be assumed to be the GSM 7 bit default alphabet"
by a receiving entity, so the reserved groups and the reserved alphabet 11 decode as
GSM 7-bit. A flash message is message class 0.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Encoding(enum.Enum):
    """The alphabet of a PDU's user data."""

    GSM7 = "gsm7"
    DATA8 = "8bit"
    UCS2 = "ucs2"


class WaitingKind(enum.Enum):
    """What a message waiting indication announces (TS 23.038 clause 4, bits 1..0)."""

    VOICEMAIL = 0
    FAX = 1
    EMAIL = 2
    OTHER = 3


@dataclass(frozen=True)
class MessageWaiting:
    """A message waiting indication carried by the DCS."""

    kind: WaitingKind
    active: bool
    store: bool  # False: the receiver may discard the message after updating the indication


@dataclass(frozen=True)
class DataCoding:
    """One decoded TP-DCS octet."""

    value: int
    encoding: Encoding
    message_class: int | None
    compressed: bool
    auto_delete: bool
    waiting: MessageWaiting | None

    @property
    def flash(self) -> bool:
        """Class 0: shown at once and not stored (TS 23.038 clause 4)."""
        return self.message_class == 0


_GENERAL_ALPHABETS = (Encoding.GSM7, Encoding.DATA8, Encoding.UCS2, Encoding.GSM7)


def _decode(value: int) -> DataCoding:
    group = value >> 4
    if group <= 0x7:
        return DataCoding(
            value,
            _GENERAL_ALPHABETS[(value >> 2) & 3],
            value & 3 if value & 0x10 else None,
            compressed=bool(value & 0x20),
            auto_delete=bool(value & 0x40),
            waiting=None,
        )
    if group <= 0xB:
        return DataCoding(value, Encoding.GSM7, None, False, False, None)
    if group <= 0xE:
        waiting = MessageWaiting(WaitingKind(value & 3), bool(value & 0x08), group != 0xC)
        encoding = Encoding.UCS2 if group == 0xE else Encoding.GSM7
        return DataCoding(value, encoding, None, False, False, waiting)
    encoding = Encoding.DATA8 if value & 0x04 else Encoding.GSM7
    return DataCoding(value, encoding, value & 3, False, False, None)


_TABLE: tuple[DataCoding, ...] = tuple(_decode(value) for value in range(256))


def decode_dcs(value: int) -> DataCoding:
    """The meaning of a TP-DCS octet (0..255); every value has one."""
    return _TABLE[value]


_ALPHABET_BITS = {Encoding.GSM7: 0x00, Encoding.DATA8: 0x04, Encoding.UCS2: 0x08}


def encode_dcs(encoding: Encoding, *, flash: bool = False) -> int:
    """The general data coding DCS of an alphabet; flash sets message class 0."""
    return _ALPHABET_BITS[encoding] | (0x10 if flash else 0)
