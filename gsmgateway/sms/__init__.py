"""SMS codec: GSM 7-bit and UCS-2 alphabets, encoding choice, segmentation, PDUs.

Pure code: no IO, no clock, no knowledge of modems or storage.
"""

from gsmgateway.sms.alphabet import DEFAULT_ALPHABET, Gsm7Alphabet, gsm7_alphabet, is_gsm7
from gsmgateway.sms.dcs import DataCoding, Encoding, MessageWaiting, WaitingKind, decode_dcs
from gsmgateway.sms.errors import (
    EncodeError,
    InvalidAddress,
    PduDecodeError,
    SmsError,
    TooManySegments,
)
from gsmgateway.sms.pdu import (
    Concat,
    DecodedPdu,
    PduType,
    SubmitPdu,
    UdhElement,
    decode_pdu,
    encode_deliver,
    encode_message,
    encode_status_report,
    encode_submit,
)
from gsmgateway.sms.plan import (
    DEFAULT_MAX_SEGMENTS,
    EncodingRequest,
    Replacement,
    TextPlan,
    parse_languages,
    plan_text,
)
from gsmgateway.sms.reassembly import AssembledMessage, InboundPart, Reassembler
from gsmgateway.sms.smart import smart_replace
from gsmgateway.sms.status import DeliveryOutcome, classify_status, describe_status

__all__ = [
    "DEFAULT_ALPHABET",
    "DEFAULT_MAX_SEGMENTS",
    "AssembledMessage",
    "Concat",
    "DataCoding",
    "DecodedPdu",
    "DeliveryOutcome",
    "EncodeError",
    "Encoding",
    "EncodingRequest",
    "Gsm7Alphabet",
    "InboundPart",
    "InvalidAddress",
    "MessageWaiting",
    "PduDecodeError",
    "PduType",
    "Reassembler",
    "Replacement",
    "SmsError",
    "SubmitPdu",
    "TextPlan",
    "TooManySegments",
    "UdhElement",
    "WaitingKind",
    "classify_status",
    "decode_dcs",
    "decode_pdu",
    "describe_status",
    "encode_deliver",
    "encode_message",
    "encode_status_report",
    "encode_submit",
    "gsm7_alphabet",
    "is_gsm7",
    "parse_languages",
    "plan_text",
    "smart_replace",
]
