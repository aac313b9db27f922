"""Concatenation references (TS 23.040 9.2.3.24.1) a modem gives its own long messages.

A phone reassembles a long message by (sender number, reference), and the sender number
is the modem's SIM: so each modem numbers its own messages, and two modems may use the
same reference at once. Pure: the randomness comes in as a seed.

Rules that hold:
- References run through the whole space (8-bit: 0..255, 16-bit: 0..65535) one after
  the other, so one recipient gets the same reference again from this modem only after
  every other value was used.
- The counter starts at a random point (the caller seeds it from ``random`` or from the
  store): a restarted gateway does not begin again at the reference it used for the
  message it sent just before stopping, which the recipient's phone may still be
  assembling.
- A message keeps its reference when its remaining parts are sent later (the caller
  stores it with the message; ``allocate`` is only for a message's first part).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ConcatRefs:
    """The next 8-bit and 16-bit references of one modem."""

    next_8: int = 0
    next_16: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.next_8 <= 0xFF and 0 <= self.next_16 <= 0xFFFF):
            raise ValueError("concatenation references are 8-bit or 16-bit")

    @classmethod
    def seeded(cls, seed: int) -> ConcatRefs:
        """A counter starting at a point derived from ``seed`` (e.g. ``random.getrandbits(32)``)."""
        return cls(seed & 0xFF, (seed >> 8) & 0xFFFF)

    def allocate(self, ref_bits: int) -> tuple[int, ConcatRefs]:
        """A reference of ``ref_bits`` (8 or 16) bits, and the counter after it."""
        if ref_bits == 8:
            return self.next_8, replace(self, next_8=(self.next_8 + 1) & 0xFF)
        if ref_bits == 16:
            return self.next_16, replace(self, next_16=(self.next_16 + 1) & 0xFFFF)
        raise ValueError("ref_bits: 8 or 16")
