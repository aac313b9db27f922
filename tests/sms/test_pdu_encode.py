"""Encoding SUBMIT, DELIVER and STATUS-REPORT PDUs, against known-good PDUs and the spec.

Known-good PDUs (hex copied as data only, with their source):
- python-gsmmodem ``test/test_pdu.py`` (babca/python-gsmmodem) ``test_encodeSmsSubmit``:
  "Hello World!" to +27820001111.
- oFono ``unit/test-sms.c`` (rilmodem/ofono): ``expected_no_fragmentation_7bit`` (a
  SUBMIT with TP-VP 24 hours; its SMSC field is replaced by ``00`` here, since we leave
  the SMSC to the modem), ``simple_deliver``, ``alnum_sender`` (DELIVERs we reproduce
  octet for octet).
"""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from gsmgateway.sms import (
    Concat,
    EncodeError,
    Encoding,
    InvalidAddress,
    PduType,
    SubmitPdu,
    decode_pdu,
    encode_deliver,
    encode_message,
    encode_status_report,
    encode_submit,
    plan_text,
)


def test_gsmmodem_hello_world_submit():
    pdu = encode_submit("+27820001111", text="Hello World!", encoding=Encoding.GSM7)
    assert pdu == SubmitPdu("0001000B917228001011F100000CC8329BFD065DDF72363904", 24)


def test_ofono_submit_with_24_hour_validity():
    pdu = encode_submit(
        "+358478400241", text="This is testing !", encoding=Encoding.GSM7, validity_minutes=1440
    )
    assert pdu.hex == "00" + "11000C915348870420140000A71154747A0E4ACF41F4F29C9E769F4121"
    assert pdu.tpdu_length == len(pdu.hex) // 2 - 1


def test_ofono_delivers_reproduced_octet_for_octet():
    simple = encode_deliver(
        "+31641600986",
        text="How are you?",
        encoding=Encoding.GSM7,
        scts=datetime(2002, 8, 26, 19, 37, 41, tzinfo=timezone(timedelta(hours=-1))),
        smsc="+31624000000",
    )
    assert simple == "07911326040000F0040B911346610089F60000208062917314480CC8F71D14969741F977FD07"
    alphanumeric = encode_deliver(
        "sipgate",
        text="Testmail",
        encoding=Encoding.GSM7,
        scts=datetime(2008, 8, 13, 12, 7, 22, tzinfo=timezone(timedelta(hours=1))),
        smsc="+447785016005",
    )
    assert alphanumeric == (
        "0791447758100650040DD0F334FC1CA6970100008080312170224008D4F29CDE0EA7D9"
    )


def test_submit_first_octet_flags_and_dcs():
    pdu = encode_submit(
        "12345",
        text="hi",
        encoding=Encoding.UCS2,
        status_report=True,
        flash=True,
        validity_minutes=60,
        message_reference=7,
    )
    tpdu = bytes.fromhex(pdu.hex)[1:]
    assert tpdu[0] == 0x31  # SUBMIT, TP-VPF relative, TP-SRR
    assert tpdu[1] == 7  # TP-MR
    assert tpdu[2:7] == bytes.fromhex("05812143F5")  # short code, TON unknown
    assert tpdu[7:10] == bytes((0x00, 0x18, 11))  # PID 0, UCS-2 class 0, VP (11+1)*5 = 60 min
    assert tpdu[10:] == bytes((4,)) + "hi".encode("utf-16-be")


@pytest.mark.parametrize(
    ("destination", "words"),
    [
        ("", "no digits"),
        ("+", "no digits"),
        ("Alice", "'A'"),
        ("+44 7911 123456", "' '"),
        ("+4479111234567890123456", "more than the 20"),
        ("12#4", "'#'"),
    ],
)
def test_invalid_destinations(destination, words):
    with pytest.raises(InvalidAddress) as info:
        encode_submit(destination, text="x", encoding=Encoding.GSM7)
    assert words in str(info.value)


def test_destination_types_of_number():
    assert decode_pdu(encode_submit("+4479", text="x", encoding=Encoding.GSM7).hex).recipient == (
        "+4479"
    )
    international = bytes.fromhex(encode_submit("+4479", text="x", encoding=Encoding.GSM7).hex)
    national = bytes.fromhex(encode_submit("07911", text="x", encoding=Encoding.GSM7).hex)
    assert international[3:5] == bytes((4, 0x91))
    assert national[3:5] == bytes((5, 0x81))
    twenty = "+" + "1" * 20
    assert (
        decode_pdu(encode_submit(twenty, text="x", encoding=Encoding.GSM7).hex).recipient == twenty
    )


def test_text_that_does_not_fit_one_segment_is_refused():
    with pytest.raises(EncodeError, match="does not fit one segment"):
        encode_submit("+1", text="a" * 161, encoding=Encoding.GSM7)
    with pytest.raises(EncodeError, match="does not fit one segment"):
        encode_submit("+1", text="a" * 154, encoding=Encoding.GSM7, concat=Concat(1, 2, 1))
    with pytest.raises(EncodeError, match="does not fit one segment"):
        encode_submit("+1", text="é" * 71, encoding=Encoding.UCS2)
    assert encode_submit("+1", text="a" * 160, encoding=Encoding.GSM7).tpdu_length == 4 + 4 + 140
    assert encode_submit("+1", text="a" * 153, encoding=Encoding.GSM7, concat=Concat(1, 2, 1))


def test_unencodable_character_in_gsm7_submit_names_it():
    with pytest.raises(EncodeError) as info:
        encode_submit("+1", text="ok ş", encoding=Encoding.GSM7)
    assert info.value.position == 3
    with pytest.raises(EncodeError, match="only"):
        encode_submit("+1", text="x", encoding=Encoding.UCS2, single="tr")


def test_8bit_submit_and_its_limit():
    pdu = decode_pdu(encode_submit("+1", text="\x00\xff", encoding=Encoding.DATA8).hex)
    assert (pdu.encoding, pdu.data, pdu.text) == (Encoding.DATA8, b"\x00\xff", None)
    with pytest.raises(EncodeError, match="U\\+00FF"):
        encode_submit("+1", text="ş", encoding=Encoding.DATA8)


def test_concat_values_are_validated():
    with pytest.raises(EncodeError):
        Concat(256, 2, 1)
    with pytest.raises(EncodeError):
        Concat(1, 2, 3)
    with pytest.raises(EncodeError):
        Concat(1, 2, 1, ref_bits=12)
    assert Concat(65535, 255, 255, ref_bits=16)


def test_validity_values_are_validated():
    with pytest.raises(EncodeError, match="at least 1 minute"):
        encode_submit("+1", text="x", encoding=Encoding.GSM7, validity_minutes=0)
    with pytest.raises(EncodeError, match="63 weeks"):
        encode_submit("+1", text="x", encoding=Encoding.GSM7, validity_minutes=63 * 10080 + 1)


def test_encode_message_single_segment_has_no_concatenation_header():
    plan = plan_text("Your code is 123456")
    [pdu] = encode_message("+447911123456", plan, concat_ref=None)
    decoded = decode_pdu(pdu.hex)
    assert decoded.concat is None and decoded.udh == ()
    assert decoded.text == "Your code is 123456"
    assert pdu.tpdu_length == len(bytes.fromhex(pdu.hex)) - 1


def test_encode_message_segments_share_reference_and_count_up():
    plan = plan_text("x" * 400)
    pdus = encode_message("+447911123456", plan, concat_ref=200, status_report=True, flash=True)
    decoded = [decode_pdu(pdu.hex) for pdu in pdus]
    assert [d.concat for d in decoded] == [Concat(200, 3, seq) for seq in (1, 2, 3)]
    assert all(d.srr and d.flash and d.mr == 0 for d in decoded)
    assert "".join(d.text for d in decoded) == "x" * 400
    assert [len(d.text) for d in decoded] == [153, 153, 94]


def test_encode_message_16_bit_reference_and_national_tables():
    plan = plan_text("ş" * 300, national=["tr"], ref_bits=16)
    assert (plan.locking, plan.single) == ("tr", None)
    pdus = encode_message("+905551234567", plan, concat_ref=0xBEEF, validity_minutes=1)
    decoded = [decode_pdu(pdu.hex) for pdu in pdus]
    assert [d.concat for d in decoded] == [Concat(0xBEEF, 3, seq, 16) for seq in (1, 2, 3)]
    assert {d.national for d in decoded} == {("tr", None)}
    assert {d.validity_minutes for d in decoded} == {5}
    assert "".join(d.text for d in decoded) == "ş" * 300
    # 16-bit concat IE (6) + locking shift IE (3) + UDHL = 10 octets: 148 septets left.
    assert [len(d.text) for d in decoded] == [148, 148, 4]


def test_encode_message_needs_a_reference_for_several_segments():
    with pytest.raises(EncodeError, match="concatenation reference"):
        encode_message("+1", plan_text("x" * 200), concat_ref=None)
    with pytest.raises(EncodeError, match="does not fit in 8 bits"):
        encode_message("+1", plan_text("x" * 200), concat_ref=256)


def test_encode_message_matches_encode_submit():
    plan = plan_text("Şu an €10 — teşekkürler! " * 12, national="tr,es")
    pdus = encode_message("+905551234567", plan, concat_ref=9, validity_minutes=600)
    total = len(plan.segments)
    for seq, (pdu, segment) in enumerate(zip(pdus, plan.segments, strict=True), start=1):
        assert pdu == encode_submit(
            "+905551234567",
            text=segment,
            encoding=plan.encoding,
            locking=plan.locking,
            single=plan.single,
            concat=Concat(9, total, seq),
            validity_minutes=600,
        )


def test_deliver_round_trip_with_every_option():
    scts = datetime(2024, 2, 29, 23, 59, 58, tzinfo=timezone(timedelta(hours=-3, minutes=-30)))
    hex_ = encode_deliver(
        "InfoBank",
        text="Günaydın",
        encoding=Encoding.GSM7,
        scts=scts,
        locking="tr",
        single="tr",
        concat=Concat(0x1234, 2, 2, 16),
        flash=True,
        smsc="+905320000000",
        status_report_indication=True,
    )
    pdu = decode_pdu(hex_)
    assert pdu.type is PduType.DELIVER
    assert (pdu.smsc, pdu.sender, pdu.text, pdu.scts) == (
        "+905320000000", "InfoBank", "Günaydın", scts,
    )  # fmt: skip
    assert pdu.concat == Concat(0x1234, 2, 2, 16)
    assert pdu.national == ("tr", "tr") and pdu.flash and pdu.srr


def test_deliver_needs_an_aware_time_stamp_in_quarter_hours():
    with pytest.raises(EncodeError, match="time zone"):
        encode_deliver("+1", text="x", encoding=Encoding.GSM7, scts=datetime(2024, 1, 1))
    odd = datetime(2024, 1, 1, tzinfo=timezone(timedelta(minutes=7)))
    with pytest.raises(EncodeError, match="quarter hours"):
        encode_deliver("+1", text="x", encoding=Encoding.GSM7, scts=odd)


def test_deliver_senders():
    scts = datetime(2024, 1, 1, tzinfo=UTC)
    for sender in ("+447911123456", "07911123456", "12345", "Bank-Info", "€uro"):
        hex_ = encode_deliver(sender, text="x", encoding=Encoding.GSM7, scts=scts)
        assert decode_pdu(hex_).sender == sender
    with pytest.raises(InvalidAddress, match="11"):
        encode_deliver("ABCDEFGHIJKL", text="x", encoding=Encoding.GSM7, scts=scts)
    with pytest.raises(InvalidAddress, match="default alphabet"):
        encode_deliver("Şirket", text="x", encoding=Encoding.GSM7, scts=scts)


def test_status_report_round_trip():
    scts = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone(timedelta(hours=2)))
    done = scts + timedelta(seconds=42)
    hex_ = encode_status_report(
        "+447911123456", mr=77, scts=scts, discharge_time=done, status=0x46, smsc="+4479"
    )
    pdu = decode_pdu(hex_)
    assert pdu.type is PduType.STATUS_REPORT
    assert (pdu.recipient, pdu.mr, pdu.status, pdu.smsc) == ("+447911123456", 77, 0x46, "+4479")
    assert (pdu.scts, pdu.discharge_time) == (scts, done)
    with pytest.raises(EncodeError):
        encode_status_report("+1", mr=256, scts=scts, discharge_time=done, status=0)
    with pytest.raises(EncodeError):
        encode_status_report("+1", mr=1, scts=scts, discharge_time=done, status=256)
