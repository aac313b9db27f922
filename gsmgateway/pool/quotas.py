"""Per-SIM sending limits: a rate in parts a minute and daily and monthly quotas in segments.

Pure: ``now`` (seconds since the epoch) comes from the caller. Days and months are
calendar ones in the time zone given (None: the machine's local time, where the
operator's billing day turns), so a quota resets at local midnight and on the first of
the month, DST included.

Rules that hold:
- The rate spaces submissions evenly: a part may start ``60 / rate_per_minute`` seconds
  after the previous one started (a burst is what operators flag as spam).
- A quota counts segments that may have reached the network (sent or ambiguous), and
  ``allowance`` never exceeds what is left today and this month, so a claim asking for at
  most ``allowance`` segments can never overrun a quota.
- ``ready_at`` is when the modem may claim again: now, after the rate's spacing, or at
  the next day or month boundary when a quota is spent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

from gsmgateway.config import ModemConfig


@dataclass(frozen=True)
class SendLimits:
    """A SIM's limits; zero means unlimited."""

    rate_per_minute: float = 0.0
    daily_quota: int = 0
    monthly_quota: int = 0

    def __post_init__(self) -> None:
        if self.rate_per_minute < 0 or self.daily_quota < 0 or self.monthly_quota < 0:
            raise ValueError("send limits are zero (unlimited) or positive")

    @classmethod
    def of(cls, settings: ModemConfig | None) -> SendLimits:
        """The limits of a [[modem]] entry (none: unlimited)."""
        if settings is None:
            return cls()
        return cls(settings.rate_per_minute, settings.daily_quota, settings.monthly_quota)

    @property
    def unlimited(self) -> bool:
        """True when no limit applies."""
        return not (self.rate_per_minute or self.daily_quota or self.monthly_quota)


def _local(now: float, tz: tzinfo | None) -> datetime:
    return datetime.fromtimestamp(now, tz)


def _midnight(day: date, tz: tzinfo | None) -> float:
    return datetime.combine(day, time(0), tz).timestamp()


def _month_of(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def next_day_start(now: float, tz: tzinfo | None = None) -> float:
    """The epoch second at which the calendar day after ``now``'s begins."""
    return _midnight(_local(now, tz).date() + timedelta(days=1), tz)


def next_month_start(now: float, tz: tzinfo | None = None) -> float:
    """The epoch second at which the calendar month after ``now``'s begins."""
    today = _local(now, tz).date()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return _midnight(date(year, month, 1), tz)


def day_start(now: float, tz: tzinfo | None = None) -> float:
    """The epoch second at which ``now``'s calendar day began (to seed from the store)."""
    return _midnight(_local(now, tz).date(), tz)


def month_start(now: float, tz: tzinfo | None = None) -> float:
    """The epoch second at which ``now``'s calendar month began (to seed from the store)."""
    return _midnight(_local(now, tz).date().replace(day=1), tz)


@dataclass(frozen=True)
class SendBudget:
    """What a SIM has used of its limits. Immutable: every change returns a new budget."""

    limits: SendLimits
    day: date
    month: tuple[int, int]
    used_today: int = 0
    used_this_month: int = 0
    last_part_at: float | None = None
    tz: tzinfo | None = None

    @classmethod
    def start(
        cls,
        limits: SendLimits,
        now: float,
        *,
        used_today: int = 0,
        used_this_month: int = 0,
        tz: tzinfo | None = None,
    ) -> SendBudget:
        """A budget at ``now``, seeded with what the store says was sent today and this month."""
        if used_today < 0 or used_this_month < 0:
            raise ValueError("segments used cannot be negative")
        day = _local(now, tz).date()
        return cls(
            limits,
            day,
            _month_of(day),
            used_today,
            max(used_this_month, used_today),
            None,
            tz,
        )

    def _rolled(self, now: float) -> SendBudget:
        day = _local(now, self.tz).date()
        if day == self.day:
            return self
        month = _month_of(day)
        return replace(
            self,
            day=day,
            month=month,
            used_today=0,
            used_this_month=self.used_this_month if month == self.month else 0,
        )

    def allowance(self, now: float) -> int | None:
        """Segments that may still go out today and this month; None when unlimited."""
        current = self._rolled(now)
        left: list[int] = []
        if self.limits.daily_quota:
            left.append(self.limits.daily_quota - current.used_today)
        if self.limits.monthly_quota:
            left.append(self.limits.monthly_quota - current.used_this_month)
        return max(0, min(left)) if left else None

    def next_part_at(self, now: float) -> float:
        """The earliest moment the rate lets the next part start."""
        if not self.limits.rate_per_minute or self.last_part_at is None:
            return now
        return max(now, self.last_part_at + 60.0 / self.limits.rate_per_minute)

    def ready_at(self, now: float) -> float:
        """When this SIM may take its next part (``now`` if it may now)."""
        current = self._rolled(now)
        at = current.next_part_at(now)
        if current.allowance(now) == 0:
            limits = self.limits
            day_spent = limits.daily_quota and current.used_today >= limits.daily_quota
            month_spent = limits.monthly_quota and current.used_this_month >= limits.monthly_quota
            reset = now
            if month_spent:
                reset = next_month_start(now, self.tz)
            elif day_spent:
                reset = next_day_start(now, self.tz)
            at = max(at, reset)
        return at

    def started_part(self, now: float) -> SendBudget:
        """A part's Ctrl-Z went out (the rate counts every submission, accepted or not)."""
        return replace(self._rolled(now), last_part_at=now)

    def used(self, segments: int, now: float) -> SendBudget:
        """``segments`` may have reached the network (sent, or ambiguous) at ``now``."""
        if segments < 0:
            raise ValueError("segments cannot be negative")
        current = self._rolled(now)
        return replace(
            current,
            used_today=current.used_today + segments,
            used_this_month=current.used_this_month + segments,
        )
