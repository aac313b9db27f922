"""Independent implementations as oracles for what we encode and decode.

- smspdudecoder 2.2.0 decodes every SUBMIT we produce for a corpus (GSM 7-bit,
  extension characters, UCS-2 with emoji, concatenated, flash, status report request,
  validity) to the same recipient, text, concatenation and flags. It knows only the
  default alphabet, so national-table SUBMITs are not in its corpus.
- python-gsmmodem-new 0.13.0: its ``decodeSmsPdu`` reads our DELIVERs and
  STATUS-REPORTs to the same fields, and we read the SUBMITs its ``encodeSmsSubmitPdu``
  makes to the same fields (on texts it can encode: it raises on emoji, and splits
  astral characters into surrogates when decoding).
"""

from datetime import UTC, datetime, timedelta, timezone
from io import StringIO

import pytest
from gsmmodem import pdu as gsmmodem_pdu
from smspdudecoder.fields import SMSSubmit

from gsmgateway.sms import (
    Concat,
    Encoding,
    InboundPart,
    Reassembler,
    decode_pdu,
    encode_deliver,
    encode_message,
    encode_status_report,
    plan_text,
)

CORPUS = [
    "Your code is 481516",
    "Price: 5€ {promo} [A|B] ~ ^ \\ — wait, that dash is not GSM",
    "Ünïcödé ünd €uro: ÄÖÜ äöü ß ÉÈ é è ñ Ñ à ù ì ò Ç Ø ø Å å Æ æ",
    "Emoji 😀 and 🇪🇺 flags, 👍🏽 skin tones, and 𝄞 music",
    "Long GSM text with extensions {} [] ~ € " * 12,
    "Длинный текст на русском языке для проверки UCS-2 сегментации " * 4,
    "😀" * 80,
    "@" * 7 + "€",  # eight septets: the last octet holds a whole septet
]


def smspdudecoder_read(hex_):
    return SMSSubmit.decode(StringIO(hex_))


@pytest.mark.parametrize("text", CORPUS)
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"flash": True},
        {"status_report": True, "validity_minutes": 24 * 60},
        {"validity_minutes": 7 * 24 * 60 + 1},
    ],
)
def test_smspdudecoder_reads_our_submits(text, options):
    plan = plan_text(text, max_segments=20)
    pdus = encode_message("+447911123456", plan, concat_ref=0x5A, **options)
    for seq, (pdu, segment) in enumerate(zip(pdus, plan.segments, strict=True), start=1):
        theirs = smspdudecoder_read(pdu.hex)
        assert theirs["recipient"]["number"] == "447911123456"
        assert theirs["recipient"]["toa"]["ton"] == "international"
        assert theirs["user_data"]["data"] == segment
        assert theirs["dcs"]["encoding"] == {"gsm7": "gsm", "ucs2": "ucs2"}[plan.encoding.value]
        assert theirs["header"]["srr"] == options.get("status_report", False)
        if "validity_minutes" in options:
            assert theirs["header"]["vpf"] == 2
            # TS 23.040 9.2.3.12.1: 24 h is TP-VP 167; 7 days + 1 minute rounds up to 8 days.
            assert theirs["vp"] == {1440: 167, 10081: 174}[options["validity_minutes"]]
        header = theirs["user_data"]["header"]
        if len(pdus) == 1:
            assert header is None
        else:
            [element] = header["elements"]
            assert element["iei"] == 0x00
            assert element["data"] == {
                "reference": 0x5A, "parts_count": len(pdus), "part_number": seq,
            }  # fmt: skip


def test_smspdudecoder_reads_16_bit_references_and_short_codes():
    plan = plan_text("x" * 200, ref_bits=16)
    pdus = encode_message("81234", plan, concat_ref=0xC0DE)
    for seq, pdu in enumerate(pdus, start=1):
        theirs = smspdudecoder_read(pdu.hex)
        assert theirs["recipient"]["number"] == "81234"
        [element] = theirs["user_data"]["header"]["elements"]
        assert (element["iei"], element["data"]["reference"]) == (0x08, 0xC0DE)
        assert element["data"]["part_number"] == seq


GSMMODEM_TEXTS = [text for text in CORPUS if all(ord(char) <= 0xFFFF for char in text)]
SCTS = datetime(2024, 3, 10, 8, 30, 5, tzinfo=timezone(timedelta(hours=5, minutes=30)))


@pytest.mark.parametrize("text", GSMMODEM_TEXTS)
@pytest.mark.parametrize("sender", ["+447911123456", "InfoSMS"])
def test_gsmmodem_reads_our_delivers(text, sender):
    plan = plan_text(text, max_segments=20)
    total = len(plan.segments)
    for seq, segment in enumerate(plan.segments, start=1):
        hex_ = encode_deliver(
            sender,
            text=segment,
            encoding=plan.encoding,
            scts=SCTS,
            concat=Concat(0x21, total, seq) if total > 1 else None,
            smsc="+447785016005",
        )
        theirs = gsmmodem_pdu.decodeSmsPdu(hex_)
        assert theirs["type"] == "SMS-DELIVER"
        assert theirs["smsc"] == "+447785016005"
        assert theirs["number"] == sender
        assert theirs["text"] == segment
        assert theirs["time"] == SCTS
        assert theirs["time"].utcoffset() == SCTS.utcoffset()
        if total > 1:
            [concat] = theirs["udh"]
            assert (concat.reference, concat.parts, concat.number) == (0x21, total, seq)


def test_gsmmodem_reads_our_status_reports():
    done = SCTS + timedelta(minutes=3)
    for status in (0x00, 0x21, 0x46):
        hex_ = encode_status_report(
            "+447911123456", mr=0x9C, scts=SCTS, discharge_time=done, status=status
        )
        theirs = gsmmodem_pdu.decodeSmsPdu(hex_)
        assert theirs["type"] == "SMS-STATUS-REPORT"
        assert (theirs["number"], theirs["reference"], theirs["status"]) == (
            "+447911123456", 0x9C, status,
        )  # fmt: skip
        assert (theirs["time"], theirs["discharge"]) == (SCTS, done)


@pytest.mark.parametrize("text", GSMMODEM_TEXTS)
@pytest.mark.parametrize(
    ("number", "options", "expected"),
    [
        ("+447911123456", {}, {}),
        ("0791112345", {"requestStatusReport": True}, {"srr": True}),
        ("+15551234", {"validity": timedelta(days=3)}, {"validity_minutes": 3 * 24 * 60}),
        ("+15551234", {"sendFlash": True}, {"flash": True}),
    ],
)
def test_we_read_gsmmodem_submits(text, number, options, expected):
    options = {"requestStatusReport": False, **options}
    theirs = gsmmodem_pdu.encodeSmsSubmitPdu(number, text, reference=0x33, **options)
    reassembler = Reassembler()
    message = None
    for pdu in theirs:
        ours = decode_pdu(str(pdu))
        assert ours.recipient == number
        assert ours.tpdu_length == pdu.tpduLength
        assert ours.srr == expected.get("srr", False)
        assert ours.flash == expected.get("flash", False)
        assert ours.validity_minutes == expected.get("validity_minutes")
        assert ours.encoding in (Encoding.GSM7, Encoding.UCS2)
        concat = ours.concat
        part = InboundPart(
            number,
            ours.text or "",
            ref=concat.ref if concat else None,
            total=concat.total if concat else 1,
            seq=concat.seq if concat else 1,
        )
        message = reassembler.add(part, now=0) or message
    assert message is not None and message.text == text


def test_gsmmodem_alphanumeric_and_national_number_forms():
    # python-gsmmodem encodes digits without '+' as TON national (0xA1): we keep the digits.
    [pdu] = gsmmodem_pdu.encodeSmsSubmitPdu("0126541234", "Test", requestStatusReport=False)
    assert decode_pdu(str(pdu)).recipient == "0126541234"
    deliver = encode_deliver("Megafon", text="x", encoding=Encoding.GSM7, scts=SCTS.astimezone(UTC))
    assert gsmmodem_pdu.decodeSmsPdu(deliver)["number"] == "Megafon"
