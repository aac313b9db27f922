"""SMS codec: GSM 7-bit and UCS-2 alphabets, encoding choice, segmentation, PDUs.

Pure code: no IO, no clock, no knowledge of modems or storage.
"""

from gsmgateway.sms.alphabet import DEFAULT_ALPHABET, Gsm7Alphabet, gsm7_alphabet, is_gsm7
from gsmgateway.sms.errors import (
    EncodeError,
    InvalidAddress,
    PduDecodeError,
    SmsError,
    TooManySegments,
)

__all__ = [
    "DEFAULT_ALPHABET",
    "EncodeError",
    "Gsm7Alphabet",
    "InvalidAddress",
    "PduDecodeError",
    "SmsError",
    "TooManySegments",
    "gsm7_alphabet",
    "is_gsm7",
]
