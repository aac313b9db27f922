"""Errors of the pool layer. None leaves the pool: a modem task turns each into a state.

They carry a modem task from where trouble is noticed (deep in a send or a poll) to the
one place that handles it (the task's loop); nothing above the pool sees them.
"""

from __future__ import annotations


class PoolError(Exception):
    """Base of every error of the pool layer."""


class ModemTrouble(PoolError):
    """The modem needs the recovery ladder (a timeout, a fault); the message says why."""


class PortGone(PoolError):
    """The modem's port vanished: the modem is offline until discovery finds it again."""
