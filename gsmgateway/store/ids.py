"""Time-ordered opaque ids: a prefix and a ULID (48-bit milliseconds, 80 random bits).

The time comes from the caller (the message's ``created_at``); within one generator ids
are strictly increasing even when the clock stands still or steps back, and the random
part keeps ids of several processes on one database apart.
"""

from __future__ import annotations

import os
import random as _random
from collections.abc import Callable

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Two characters per 10 bits: 5 lookups make the 10 characters of the 48-bit time, 8
# those of the 80 random bits.
_PAIRS = tuple(a + b for a in _CROCKFORD for b in _CROCKFORD)
_RANDOM_BITS = 80
_RANDOM_MAX = (1 << _RANDOM_BITS) - 1


def _default_randbits() -> Callable[[int], int]:
    # Ids are opaque, not secrets (the API key guards access), so a PRNG seeded from the
    # OS is enough; it keeps id generation off a system call per message.
    return _random.Random(os.urandom(32)).getrandbits


def _time_characters(ms: int) -> str:
    """The 10 characters of a 48-bit millisecond count (its top 2 of 50 bits are 0)."""
    return "".join([_PAIRS[(ms >> shift) & 1023] for shift in range(40, -1, -10)])


class IdGenerator:
    """Makes ``prefix`` + 26 Crockford base32 characters that sort by creation time."""

    def __init__(self, prefix: str, randbits: Callable[[int], int] | None = None) -> None:
        self._prefix = prefix
        self._randbits = randbits or _default_randbits()
        self._last_ms = -1
        self._last_random = 0
        self._head = prefix  # the prefix and the time characters of _last_ms

    def next_id(self, now: float) -> str:
        """A new id for an object created at ``now`` (seconds since the epoch)."""
        ms = max(0, int(now * 1000))
        if ms <= self._last_ms:
            ms = self._last_ms
            random = self._last_random + 1
            if random > _RANDOM_MAX:
                ms, random = ms + 1, 0
        else:
            # One bit of headroom so that increments within a millisecond never overflow.
            random = self._randbits(_RANDOM_BITS - 1)
        if ms != self._last_ms:
            # The time characters change once per millisecond, not per id.
            self._head = self._prefix + _time_characters(ms)
        self._last_ms, self._last_random = ms, random
        p = _PAIRS
        return (
            self._head
            + p[random >> 70]
            + p[(random >> 60) & 1023]
            + p[(random >> 50) & 1023]
            + p[(random >> 40) & 1023]
            + p[(random >> 30) & 1023]
            + p[(random >> 20) & 1023]
            + p[(random >> 10) & 1023]
            + p[random & 1023]
        )
