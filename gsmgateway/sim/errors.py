"""The simulator's errors: one base class, one class per kind of misuse."""


class SimError(Exception):
    """Base of every error the simulator raises to its callers."""


class UnknownModem(SimError):
    """A control call named a modem index that does not exist."""


class UnknownProfile(SimError):
    """A profile name is not one of the simulator's profiles (nor ``mixed``)."""


class InvalidRequest(SimError):
    """A control call's arguments are inconsistent (say which and why)."""


class SimUsageError(SimError, ValueError):
    """An argument of ``gsmgateway sim`` is invalid (the command exits with status 2)."""


class SyntaxFault(SimError, ValueError):
    """An AT command line is malformed (the simulated modem answers ERROR)."""


class MalformedSubmit(SimError, ValueError):
    """Bytes the virtual SMSC was given are not a complete SMS-SUBMIT TPDU."""


class StorageFull(SimError):
    """A message storage has no free slot (the AT answer is +CMS ERROR: 322)."""


class InvalidIndex(SimError):
    """A storage index is outside the memory (the AT answer is +CMS ERROR: 321)."""
