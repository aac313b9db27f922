"""Reassembly of inbound concatenated SMS (TS 23.040 9.2.3.24.1) as a pure object.

Interface stub. Time comes from the caller (``now``, seconds); nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InboundPart:
    """One received segment: who sent it, its concatenation fields, and its text."""

    sender: str
    text: str
    ref: int | None = None  # None: not concatenated
    total: int = 1
    seq: int = 1
    ref_bits: int = 8
    key: str = ""  # the caller's handle (for example a storage row id), returned with the message


@dataclass(frozen=True)
class AssembledMessage:
    """A whole (or, after a timeout, partial) inbound message; ``keys`` name its parts."""

    sender: str
    text: str
    total: int
    received: tuple[int, ...]  # the sequence numbers present
    partial: bool
    keys: tuple[str, ...]


class Reassembler:
    """Collects parts; a set is keyed by (sender, ref, ref_bits, total)."""

    def add(self, part: InboundPart, now: float) -> AssembledMessage | None:
        """Add one part; returns the message when this part completes it."""
        raise NotImplementedError

    def expire(self, before: float) -> list[AssembledMessage]:
        """Give up on sets whose first part arrived before ``before``: partial messages."""
        raise NotImplementedError
