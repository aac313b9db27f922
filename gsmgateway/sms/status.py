"""What a status report's TP-ST says about delivery (TS 23.040 9.2.3.15).

The spec groups the values by bits 6..5:
  0x00-0x1F short message transaction completed            -> DELIVERED
  0x20-0x3F temporary error, SC still trying to transfer   -> PENDING
  0x40-0x5F permanent error, SC not making more attempts   -> FAILED
  0x60-0x7F temporary error, SC not making more attempts   -> FAILED
Reserved and SC-specific values inside a group take the group's meaning. Values with
bit 7 set are reserved outside every group; they count as FAILED, as Android's
SmsMessage does (any status from 0x40 up is a failure), because a report that does not
say "completed" or "still trying" will not be followed by another.
"""

from __future__ import annotations

import enum


class DeliveryOutcome(enum.Enum):
    """Where a sent part stands after a status report."""

    DELIVERED = "delivered"
    PENDING = "pending"
    FAILED = "failed"


_REASONS: dict[int, str] = {
    0x00: "short message received by the SME",
    0x01: "forwarded by the SC to the SME, but the SC cannot confirm delivery",
    0x02: "short message replaced by the SC",
    0x20: "congestion (SC still trying)",
    0x21: "SME busy (SC still trying)",
    0x22: "no response from SME (SC still trying)",
    0x23: "service rejected (SC still trying)",
    0x24: "quality of service not available (SC still trying)",
    0x25: "error in SME (SC still trying)",
    0x40: "remote procedure error",
    0x41: "incompatible destination",
    0x42: "connection rejected by SME",
    0x43: "not obtainable",
    0x44: "quality of service not available",
    0x45: "no interworking available",
    0x46: "SM validity period expired",
    0x47: "SM deleted by originating SME",
    0x48: "SM deleted by SC administration",
    0x49: "SM does not exist",
    0x60: "congestion (SC stopped trying)",
    0x61: "SME busy (SC stopped trying)",
    0x62: "no response from SME (SC stopped trying)",
    0x63: "service rejected (SC stopped trying)",
    0x64: "quality of service not available (SC stopped trying)",
    0x65: "error in SME (SC stopped trying)",
}

_GROUPS = (
    (DeliveryOutcome.DELIVERED, "transaction completed", 0x10),
    (DeliveryOutcome.PENDING, "temporary error, SC still trying", 0x30),
    (DeliveryOutcome.FAILED, "permanent error", 0x50),
    (DeliveryOutcome.FAILED, "temporary error, SC stopped trying", 0x70),
)


def _check(tp_st: int) -> None:
    if not 0 <= tp_st <= 255:
        raise ValueError(f"TP-ST is one octet, not {tp_st}")


def classify_status(tp_st: int) -> DeliveryOutcome:
    """DELIVERED, PENDING or FAILED for a TP-ST value (0..255)."""
    _check(tp_st)
    if tp_st & 0x80:
        return DeliveryOutcome.FAILED
    return _GROUPS[tp_st >> 5][0]


def describe_status(tp_st: int) -> str:
    """A human reason for a TP-ST value, e.g. ``"SM validity period expired"``."""
    _check(tp_st)
    reason = _REASONS.get(tp_st)
    if reason is not None:
        return reason
    if tp_st & 0x80:
        return f"reserved status {tp_st:#04x}"
    _outcome, group, sc_specific = _GROUPS[tp_st >> 5]
    kind = "SC-specific" if tp_st >= sc_specific else "reserved"
    return f"{kind} status {tp_st:#04x} ({group})"
