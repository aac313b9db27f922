"""TP-DCS (TS 23.038 clause 4): the character set and message class of a PDU (stub)."""

from __future__ import annotations

import enum


class Encoding(enum.Enum):
    """The alphabet of a PDU's user data."""

    GSM7 = "gsm7"
    DATA8 = "8bit"
    UCS2 = "ucs2"
