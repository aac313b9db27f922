"""Reassembly of inbound concatenated SMS (TS 23.040 9.2.3.24.1) as a pure object.

Time comes from the caller (``now``, seconds); nothing here reads a clock.

Rules that hold:
- A set of parts is keyed by (sender, ref, ref_bits, total): the same reference with
  another total, or as an 8-bit and a 16-bit reference, is another message.
- Parts arrive in any order; a part whose sequence number is already present is a
  duplicate and ignored (the first copy is kept). A completed set is remembered until
  ``expire`` passes its completion time, so a copy that arrives after the message was
  assembled (an SMSC retransmission) is ignored too; a part with the same key but
  another text is a new message reusing the reference, and starts a new set.
- A part without concatenation (``ref`` None or ``total`` 1) is a whole message at once.
- ``expire(before)`` gives up on every set whose first part arrived before ``before``
  and returns it as a partial message, its parts in sequence order.
- At most ``max_pending`` sets wait at once: adding one more sets the oldest aside, and
  the next ``expire`` returns it (partial) whatever its age, so nothing is dropped.
- Joined texts are re-read as UTF-16, so a surrogate pair that a sender split across
  two parts becomes its character again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_MAX_PENDING = 4096


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

    def __post_init__(self) -> None:
        if self.ref_bits not in (8, 16):
            raise ValueError(f"ref_bits is 8 or 16, not {self.ref_bits}")
        if self.ref is not None and not 0 <= self.ref < 1 << self.ref_bits:
            raise ValueError(f"ref {self.ref} does not fit in {self.ref_bits} bits")
        if not 1 <= self.seq <= self.total <= 255:
            raise ValueError(f"part {self.seq} of {self.total}: need 1 <= seq <= total <= 255")


@dataclass(frozen=True)
class AssembledMessage:
    """A whole (or, after a timeout, partial) inbound message; ``keys`` name its parts."""

    sender: str
    text: str
    total: int
    received: tuple[int, ...]  # the sequence numbers present
    partial: bool
    keys: tuple[str, ...]


_SetKey = tuple[str, int, int, int]


@dataclass
class _PartSet:
    first_seen: float
    parts: dict[int, InboundPart] = field(default_factory=dict)


def _join(texts: list[str]) -> str:
    text = "".join(texts)
    if text.isascii():
        return text
    # Parts decoded from UCS-2 keep unpaired surrogates; pair them up across parts.
    return text.encode("utf-16-be", "surrogatepass").decode("utf-16-be", "surrogatepass")


def _message(
    sender: str, total: int, parts: dict[int, InboundPart], partial: bool
) -> AssembledMessage:
    ordered = [parts[seq] for seq in sorted(parts)]
    return AssembledMessage(
        sender=sender,
        text=_join([part.text for part in ordered]),
        total=total,
        received=tuple(part.seq for part in ordered),
        partial=partial,
        keys=tuple(part.key for part in ordered),
    )


class Reassembler:
    """Collects parts; a set is keyed by (sender, ref, ref_bits, total)."""

    def __init__(self, *, max_pending: int = DEFAULT_MAX_PENDING) -> None:
        if max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        self._max_pending = max_pending
        self._sets: dict[_SetKey, _PartSet] = {}
        self._set_aside: list[AssembledMessage] = []
        self._completed: dict[_SetKey, tuple[float, dict[int, str]]] = {}

    @property
    def pending(self) -> int:
        """How many incomplete sets are waiting."""
        return len(self._sets)

    def add(self, part: InboundPart, now: float) -> AssembledMessage | None:
        """Add one part; returns the message when this part completes it."""
        if part.ref is None or part.total == 1:
            return _message(part.sender, 1, {1: part}, partial=False)
        key = (part.sender, part.ref, part.ref_bits, part.total)
        entry = self._sets.get(key)
        if entry is None:
            completed = self._completed.get(key)
            if completed is not None and completed[1].get(part.seq) == part.text:
                return None
            if len(self._sets) >= self._max_pending:
                self._set_aside_oldest()
            entry = self._sets[key] = _PartSet(now)
        if part.seq in entry.parts:
            return None
        entry.parts[part.seq] = part
        if len(entry.parts) < part.total:
            return None
        del self._sets[key]
        if len(self._completed) >= self._max_pending:
            del self._completed[min(self._completed, key=lambda k: self._completed[k][0])]
        self._completed[key] = (now, {seq: p.text for seq, p in entry.parts.items()})
        return _message(part.sender, part.total, entry.parts, partial=False)

    def _set_aside_oldest(self) -> None:
        key = min(self._sets, key=lambda k: self._sets[k].first_seen)
        entry = self._sets.pop(key)
        self._set_aside.append(_message(key[0], key[3], entry.parts, partial=True))

    def expire(self, before: float) -> list[AssembledMessage]:
        """Give up on sets whose first part arrived before ``before``: partial messages."""
        out, self._set_aside = self._set_aside, []
        for key in [k for k, (done, _texts) in self._completed.items() if done < before]:
            del self._completed[key]
        stale = sorted(
            (entry.first_seen, key)
            for key, entry in self._sets.items()
            if entry.first_seen < before
        )
        for _first_seen, key in stale:
            entry = self._sets.pop(key)
            out.append(_message(key[0], key[3], entry.parts, partial=True))
        return out
