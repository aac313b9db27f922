"""The SMS codec's errors: one base class, one class per kind of fault."""


class SmsError(Exception):
    """Base of every error the SMS codec raises."""


class EncodeError(SmsError):
    """A text or an option cannot be encoded as asked (say which and why)."""

    def __init__(self, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


class TooManySegments(EncodeError):
    """The text needs more segments than the configured maximum."""

    def __init__(self, needed: int, maximum: int) -> None:
        super().__init__(f"text needs {needed} segments, more than the maximum of {maximum}")
        self.needed = needed
        self.maximum = maximum


class InvalidAddress(EncodeError):
    """A destination number cannot be put into an SMS address field."""


class PduDecodeError(SmsError):
    """A PDU is malformed; ``octet`` is the offset (in octets) where decoding failed."""

    def __init__(self, message: str, *, octet: int | None = None) -> None:
        where = f" at octet {octet}" if octet is not None else ""
        super().__init__(f"{message}{where}")
        self.reason = message
        self.octet = octet
