"""Decoding real PDUs with every field asserted, and malformed PDUs with their error.

Test vectors (hex copied as data only, with their source):
- oFono ``unit/test-sms.c`` (rilmodem/ofono): simple_deliver, alnum_sender,
  unicode_deliver, simple_submit, simple_mwi, ems_udh_test_1/2, wap_push_1,
  assembly_pdu1-3, sr_pdu1-3, sms_charset_default(_ext).
- python-gsmmodem ``test/test_pdu.py`` (babca/python-gsmmodem), ``TestSmsPdu.test_decode``:
  its known-good DELIVER, SUBMIT and STATUS-REPORT PDUs (one captured from a ZTE modem).
Where a source asserts a field, the same value is asserted here.
"""

from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from gsmgateway.sms import (
    Concat,
    DecodedPdu,
    Encoding,
    PduDecodeError,
    PduType,
    UdhElement,
    WaitingKind,
    decode_pdu,
)
from gsmgateway.sms.alphabet import DEFAULT_TABLE


def tz(quarters: int) -> timezone:
    return timezone(timedelta(minutes=15 * quarters))


def test_ofono_simple_deliver():
    pdu = decode_pdu("07911326040000F0040B911346610089F60000208062917314480CC8F71D14969741F977FD07")
    assert pdu.type is PduType.DELIVER
    assert pdu.smsc == "+31624000000"
    assert pdu.sender == "+31641600986"
    assert pdu.recipient is None
    assert pdu.pid == 0 and pdu.dcs == 0
    assert pdu.scts == datetime(2002, 8, 26, 19, 37, 41, tzinfo=tz(-4))
    assert pdu.text == "How are you?"
    assert pdu.encoding is Encoding.GSM7
    assert pdu.tpdu_length == 30
    assert (pdu.concat, pdu.national, pdu.udh, pdu.data) == (None, None, (), None)
    assert (pdu.mr, pdu.status, pdu.discharge_time, pdu.validity_minutes) == (None,) * 4
    assert not pdu.flash and not pdu.srr and not pdu.compressed


def test_ofono_alphanumeric_sender():
    pdu = decode_pdu("0791447758100650040DD0F334FC1CA6970100008080312170224008D4F29CDE0EA7D9")
    assert pdu.smsc == "+447785016005"
    assert pdu.sender == "sipgate"
    assert pdu.scts == datetime(2008, 8, 13, 12, 7, 22, tzinfo=tz(4))
    assert pdu.text == "Testmail"
    assert pdu.tpdu_length == 27


def test_ofono_unicode_deliver_with_11_septet_alphanumeric_sender():
    pdu = decode_pdu(
        "04819999990414D0FBFD7EBFDFEFF77BFE1E0019512090801361807E00DC00FC00C400E400D600F600C500"
        "E500D800F800C600E600C700E700C900E900CA00EA00DF0031003200330034003500360037003800390030"
        "002000540068006900730020006D00650073007300610067006500200069007300200036003300200075006E"
        "00690063006F00640065002000630068006100720073002E"
    )
    assert pdu.smsc == "999999"  # TON unknown: no '+'
    assert pdu.sender == "äääääääääöä"
    assert pdu.encoding is Encoding.UCS2
    assert pdu.message_class == 1 and not pdu.flash  # DCS 0x19: UCS-2, class 1
    assert pdu.text == "ÜüÄäÖöÅåØøÆæÇçÉéÊêß1234567890 This message is 63 unicode chars."
    assert pdu.scts == datetime(2015, 2, 9, 8, 31, 16, tzinfo=tz(8))
    assert pdu.tpdu_length == 149


def test_ofono_simple_submit_with_relative_validity():
    pdu = decode_pdu("0011000B916407281553F80000AA0AE8329BFD4697D9EC37")
    assert pdu.type is PduType.SUBMIT
    assert pdu.smsc is None
    assert pdu.mr == 0
    assert pdu.recipient == "+46708251358"
    assert pdu.validity_minutes == 4 * 24 * 60  # TP-VP 0xAA = 170: 170 - 166 days
    assert pdu.text == "hellohello"
    assert pdu.tpdu_length == 23


def test_ofono_message_waiting_indication():
    pdu = decode_pdu("07913366002020F8040B913366600600F100C83180706174148000")
    assert pdu.smsc == "+33660002028"
    assert pdu.sender == "+33660660001"
    assert pdu.dcs == 200
    assert pdu.scts == datetime(2013, 8, 7, 16, 47, 41, tzinfo=tz(8))
    assert pdu.text == ""
    assert pdu.waiting is not None
    assert pdu.waiting.kind is WaitingKind.VOICEMAIL
    assert pdu.waiting.active and not pdu.waiting.store  # 1100: discard group


def test_ofono_ems_submit_header_of_26_octets():
    pdu = decode_pdu(
        "0041000B915121551532F40000631A0A031906200A032104100A032705040A032E05080A043807002B8ACD"
        "29A85D9ECFC3E7F21C340EBB41E3B79B1E4EBB41697A989D1EB340E2379BCC02B1C3F27399059AB7C36C36"
        "28EC2683C66FF65B5E2683E8653C1D"
    )
    assert pdu.recipient == "+15125551234"
    assert pdu.text == "EMS messages can contain italic, bold, large, small and colored text"
    assert pdu.udh == (
        UdhElement(0x0A, bytes.fromhex("190620")),
        UdhElement(0x0A, bytes.fromhex("210410")),
        UdhElement(0x0A, bytes.fromhex("270504")),
        UdhElement(0x0A, bytes.fromhex("2E0508")),
        UdhElement(0x0A, bytes.fromhex("3807002B")),
    )
    assert pdu.concat is None
    assert pdu.tpdu_length == 100


def test_ofono_ems_submit_header_of_35_octets_with_smsc_and_validity():
    pdu = decode_pdu(
        "079194712272303351030B915121340195F60000FF80230A030F07230A031806130A031E0A430A032E0D83"
        "0A033D14020A035104F60A0355010600159D9E83D2735018442FCFE98A243DCC4E97C92C90F8CD26B34075"
        "37B92C67A7DD65320B1476934173BA3CBD2ED3D1F277FD8C76299CEF3B280C92A7CF683A28CC4E9FDD6532"
        "E8FE96935D"
    )
    assert pdu.smsc == "+491722270333"
    assert pdu.mr == 3
    assert pdu.recipient == "+15124310596"
    assert pdu.validity_minutes == 63 * 7 * 24 * 60  # TP-VP 0xFF
    assert pdu.text == (
        "This is a test\nItalied, bold, underlined, and strikethrough.\nNow a right aligned word."
    )
    assert len(pdu.udh) == 7
    assert pdu.tpdu_length == 126


def test_ofono_wap_push_8bit_data_with_port_addressing():
    pdu = decode_pdu(
        "0791947122725014440185F039F501801140311480720605040B8423F00106246170706C69636174696F6E2F"
        "766E642E7761702E6D6D732D6D65737361676500AF84B4868C82984F67514B4B42008D9089088045726F7469"
        "6B009650696E2D557073008A808E0240008805810303F48083687474703A2F2F657073332E64652F4F2F5A39"
        "495A4F00"
    )
    assert pdu.smsc == "+491722270541"
    assert pdu.sender == "0"
    assert pdu.pid == 0x39
    assert pdu.encoding is Encoding.DATA8
    assert pdu.message_class == 1
    assert pdu.text is None
    assert pdu.udh == (UdhElement(0x05, bytes.fromhex("0B8423F0")),)  # ports 2948, 9200
    assert pdu.data is not None and pdu.data.startswith(b"\x01\x06$application/vnd.wap.mms")
    assert len(pdu.data) == 0x72 - 7
    assert pdu.tpdu_length == 128


ASSEMBLY = (
    "038121F340048155550119906041001222048C0500031E0301041804420430043A002C00200410043B043504"
    "3A04410430043D04340440002000200441043B044304480430043B002004370430002004340432043504400"
    "44C044E0020002004380020002004320441043500200431043E043B044C044804350020043F044004350438"
    "0441043F043E043B043D044F043B0441044F002000200433043D0435",
    "038121F340048155550119906041001222048C0500031E03020432043E043C002E000A041D0430043A043E04"
    "3D04350446002C0020043D043500200432002004410438043B04300445002004340430043B04350435002004"
    "4204350440043F04350442044C002C0020043E043D00200441044204400435043C043804420435043B044C04"
    "3D043E002004320431043504360430043B002004320020043A043E",
    "038121F340048155550119906041001222044A0500031E0303043C043D043004420443002C0020043F043E04"
    "3704300431044B0432000A0434043004360435002C002004470442043E002000200431044B043B0020043D04"
    "300433002E",
)


def test_ofono_assembly_parts_carry_their_concatenation():
    parts = [decode_pdu(hex_) for hex_ in ASSEMBLY]
    assert [p.concat for p in parts] == [Concat(0x1E, 3, seq) for seq in (1, 2, 3)]
    assert {p.sender for p in parts} == {"5555"}
    assert {p.smsc for p in parts} == {"123"}
    assert [p.tpdu_length for p in parts] == [155, 155, 89]
    assert parts[0].scts == datetime(2009, 6, 14, 0, 21, 22, tzinfo=tz(40))
    assert parts[0].text.startswith("Итак, Александр")
    assert parts[2].text.endswith("был наг.")


def test_ofono_status_reports_without_smsc():
    first = decode_pdu("06040D91945152991136F00160124130340A0160124130940A00")
    assert first.type is PduType.STATUS_REPORT
    assert first.smsc is None
    assert first.mr == 4
    assert first.recipient == "+4915259911630"
    assert first.scts == datetime(2010, 6, 21, 14, 3, 43, tzinfo=tz(-20))
    assert first.discharge_time == datetime(2010, 6, 21, 14, 3, 49, tzinfo=tz(-20))
    assert first.status == 0
    assert first.tpdu_length == 26
    second = decode_pdu("06050D91945152991136F00160124130640A0160124130450A00")
    assert (second.mr, second.status) == (5, 0)


def test_ofono_status_report_with_invalid_time_zone_digit_is_rejected():
    # sr_pdu3's time zone octet A0 has the units digit A: not BCD (TS 23.040 9.2.3.11).
    with pytest.raises(PduDecodeError) as info:
        decode_pdu("0606098121436587F9019012413064A0019012413045A000", smsc=False)
    assert info.value.octet == 15
    assert "BCD" in info.value.reason


def test_ofono_every_default_alphabet_character():
    pdu = decode_pdu(
        "0001000B915310101010100000808080604028180E888462C168381E90886442A9582E988C06C4E9783EA0"
        "9068442A994EA8946AC56AB95EB0986C46ABD96EB89C6EC7EBF97EC0A070482C1A8FC8A472C96C3A9FD0A8"
        "744AAD5AAFD8AC76CBED7ABFE0B0784C2E9BCFE8B47ACD6EBBDFF0B87C4EAFDBEFF8BC7ECFEFFBFF"
    )
    # Septets 0x00..0x7F in order, but for a space (0x20) where ESC (0x1B) would be.
    assert pdu.text == "".join(char or " " for char in DEFAULT_TABLE)
    assert pdu.recipient == "+35010101010"


def test_ofono_every_extension_character():
    pdu = decode_pdu("0001000B915310101010100000151BC58602DAA036A9CD6BC3DBF436BE0D705306")
    assert pdu.text == "\x0c^ {}\\[~]|€"


def test_gsmmodem_known_good_pdus():
    cases = [
        (
            "06917228195339040B917228214365F700003130805120618005D4F29C2E03",
            PduType.DELIVER, "+2782913593", "+27821234567", "Test2",
            datetime(2013, 3, 8, 15, 2, 16, tzinfo=tz(8)),
        ),
        (
            "07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE06C9CB61"
            "32885EC6D341EDF27C1E3E97E7207B3A0C0A5241E377BB1D7693E72E",
            PduType.DELIVER, "+85290000000", "+85291234567",
            "It is easy to read text messages via AT commands.",
            datetime(2007, 4, 12, 23, 25, 42, tzinfo=tz(32)),
        ),
        (
            "06917228195339040B917228214365F70000313062315352800A800D8A5E98D337A910",
            PduType.DELIVER, "+2782913593", "+27821234567", "@{tést}!",
            datetime(2013, 3, 26, 13, 35, 25, tzinfo=tz(8)),
        ),
        (
            "07914346466554F601000B914316565811F9000806304253F68449",
            PduType.SUBMIT, "+34646456456", "+34616585119", "あ叶葉", None,
        ),
    ]  # fmt: skip
    for hex_, kind, smsc, number, text, scts in cases:
        pdu = decode_pdu(hex_)
        assert (pdu.type, pdu.smsc, pdu.text, pdu.scts) == (kind, smsc, text, scts)
        assert (pdu.sender if kind is PduType.DELIVER else pdu.recipient) == number


def test_gsmmodem_submit_with_relative_validity_of_three_days():
    pdu = decode_pdu("07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701")
    assert (pdu.smsc, pdu.recipient, pdu.mr) == ("+31624000000", "+31628870634", 13)
    assert pdu.validity_minutes == 3 * 24 * 60
    assert pdu.text == "www.diafaan.com"


def test_gsmmodem_submit_with_absolute_validity():
    pdu = decode_pdu(
        "0019000B917228001011F100003170013193008017D474BB3CA787DB70903DCC4E93D3F43C885E9ED301"
    )
    assert pdu.validity_minutes is None
    assert pdu.validity_until == datetime(2013, 7, 10, 13, 39, tzinfo=tz(8))
    assert pdu.text == "Timestamp validity test"


def test_gsmmodem_8bit_submit():
    pdu = decode_pdu("0591721891F101000B917228214365F700040C48656C6C6F20776F726C6421")
    assert (pdu.smsc, pdu.recipient) == ("+2781191", "+27821234567")
    assert (pdu.encoding, pdu.text, pdu.data) == (Encoding.DATA8, None, b"Hello world!")


def test_gsmmodem_status_report():
    pdu = decode_pdu("0006D60B911326880736F4111011719551401110117195714000")
    assert pdu.type is PduType.STATUS_REPORT
    assert (pdu.smsc, pdu.recipient, pdu.mr, pdu.status) == (None, "+31628870634", 214, 0)
    assert pdu.scts == datetime(2011, 1, 11, 17, 59, 15, tzinfo=tz(4))
    assert pdu.discharge_time == datetime(2011, 1, 11, 17, 59, 17, tzinfo=tz(4))


def test_gsmmodem_zte_status_report_with_hash_semi_octet():
    # Captured from a ZTE modem; its first recipient semi-octet is B, which is '#'.
    pdu = decode_pdu("0297F1061C0F910B487228297020F5317062419272803170624192138000")
    assert (pdu.smsc, pdu.mr, pdu.status) == ("+1", 28, 0)
    assert pdu.recipient == "+#08427829207025"
    assert pdu.scts == datetime(2013, 7, 26, 14, 29, 27, tzinfo=tz(8))
    assert pdu.discharge_time == datetime(2013, 7, 26, 14, 29, 31, tzinfo=tz(8))


def test_gsmmodem_concatenated_deliver_with_alphanumeric_sender():
    pdu = decode_pdu(
        "07919762020033F1400DD0CDF2396C7EBB010008415072411084618C0500035602010053004D0053002000"
        "63006F00640065003A00200034003800350036002C00200063006F006E006600690072006D006100740069"
        "006F006E0020006F00660020006100730073006F00630069006100740069006F006E002000620065007400"
        "7700650065006E0020006100630063006F0075006E007400200061006E00640020004D00650067"
    )
    assert (pdu.smsc, pdu.sender) == ("+79262000331", "Megafon")
    assert pdu.concat == Concat(0x56, 2, 1)
    assert pdu.text == "SMS code: 4856, confirmation of association between account and Meg"
    assert pdu.scts == datetime(2014, 5, 27, 14, 1, 48, tzinfo=tz(16))


def test_gsmmodem_pdu_whose_user_data_length_is_too_long_is_rejected():
    # The source notes: "User data length is invalid in this PDU (too long)".
    with pytest.raises(PduDecodeError) as info:
        decode_pdu("0041010C910661345542F60008A0050003000301306F3044")
    assert "user data length" in info.value.reason


def test_smsc_detection_agrees_with_explicit_choice():
    tpdu = "040B911346610089F60000208062917314480CC8F71D14969741F977FD07"
    for hex_, smsc in ((tpdu, False), ("00" + tpdu, True), ("07911326040000F0" + tpdu, True)):
        detected, explicit = decode_pdu(hex_), decode_pdu(hex_, smsc=smsc)
        assert detected == explicit
        assert detected.text == "How are you?" and detected.tpdu_length == 30
    with pytest.raises(PduDecodeError):
        decode_pdu(tpdu, smsc=True)


def test_bytes_and_lower_case_hex_with_spaces_decode_alike():
    hex_ = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"
    spaced = " ".join(hex_[i : i + 2] for i in range(0, len(hex_), 2)).lower() + "\n"
    assert decode_pdu(bytes.fromhex(hex_)) == decode_pdu(spaced) == decode_pdu(hex_)


def test_time_stamp_time_zones():
    def deliver(zone: str) -> str:
        return "00040B911346610089F60000208062917314" + zone + "0CC8F71D14969741F977FD07"

    west = decode_pdu(deliver("69"))  # sign bit set, 16 quarters
    assert west.scts == datetime(2002, 8, 26, 19, 37, 41, tzinfo=tz(-16))
    assert west.scts.utcoffset() == timedelta(hours=-4)
    east = decode_pdu(deliver("32"))  # 23 quarters: India +05:45 is 23 quarters
    assert east.scts.utcoffset() == timedelta(hours=5, minutes=45)
    assert decode_pdu(deliver("00")).scts.tzinfo is UTC


@pytest.mark.parametrize(
    ("hex_", "octet", "words"),
    [
        ("", 0, "empty"),
        ("0011000", 3, "odd number of hex digits"),
        ("00110G", 2, "not a hex digit"),
        ("00", 1, "no TPDU"),
        ("0003", 1, "reserved message type"),
        ("0C91", 0, "SMSC address length 12"),
        ("0001", 2, "no message reference"),
        ("0001000B9164072815", 3, "points past the end"),
        ("0001000B916407281553F800", 11, "protocol identifier"),
        ("0001000B916407281553F8000005", 13, "user data length 5 needs 5 octets"),
        ("0001000B916407281553F8000001410000", 15, "2 octets after the end"),
        ("0001000B916407281553F80000A1", 13, "more than 160 septets"),
        ("0001000B916407281553F80008" + "8D", 13, "more than 140 octets"),
        ("0001000B9164F7281553F8000000", 6, "semi-octet F"),
        ("0001001591" + "11" * 11 + "000000", 3, "more than 20 semi-octets"),
        ("0041000B916407281553F8000000", 13, "user data is empty"),
        ("0041000B916407281553F80004020500", 14, "header length 5 runs past"),
        ("0041000B916407281553F80004020101", 15, "element without its length"),
        ("0041000B916407281553F8000403020005", 15, "runs past the header"),
        ("0041000B916407281553F800000100", 13, "shorter than its header"),
        ("00040B911346610089F60000208062917314", 12, "truncated service centre time stamp"),
        ("00040B911346610089F600002080A2917314480CC8F71D14969741F977FD07", 14, "BCD digit A"),
        ("00040B911346610089F60000201362917314480CC8F71D14969741F977FD07", 12, "invalid date"),
        ("0006D60B911326880736F41110117195514011101171957140", 25, "no status"),
        ("0006D60B911326880736F41110117195514011101171957140000000", 27, "1 octet after"),
    ],
)
def test_malformed_pdus_name_the_fault_and_its_octet(hex_, octet, words):
    with pytest.raises(PduDecodeError) as info:
        decode_pdu(hex_, smsc=True)
    assert info.value.octet == octet, info.value
    assert words in info.value.reason


def test_non_pdu_input_type_is_a_decode_error():
    with pytest.raises(PduDecodeError):
        decode_pdu(12345)  # type: ignore[arg-type]


def test_status_report_optional_parameters():
    base = "0006D60B911326880736F41110117195514011101171957140" + "46"
    plain = decode_pdu(base + "00")  # TP-PI with nothing set
    assert (plain.status, plain.text) == (0x46, None)
    with_text = decode_pdu(base + "0600" + "05" + "C8329BFD06")  # DCS + UDL: "Hello"
    assert with_text.text == "Hello"
    extended = decode_pdu(base + "8100" + "2A")  # TP-PI extension octet, then TP-PID
    assert extended.pid == 0x2A


def test_concatenation_elements_follow_ts_23_040_rules():
    def submit(udh: str) -> str:
        header = bytes.fromhex(udh)
        ud = bytes((len(header),)) + header + b"AB"
        return "0041000B916407281553F80004" + f"{len(ud):02X}" + ud.hex()

    assert decode_pdu(submit("00030A0201")).concat == Concat(10, 2, 1)
    assert decode_pdu(submit("080412340302")).concat == Concat(0x1234, 3, 2, 16)
    assert decode_pdu(submit("00030A0203")).concat is None  # seq above total: ignored
    assert decode_pdu(submit("00030A0000")).concat is None  # total 0: ignored
    assert decode_pdu(submit("00020A02")).concat is None  # wrong length: ignored
    assert decode_pdu(submit("00030A020100030B0302")).concat == Concat(11, 3, 2)  # last wins
    unknown = decode_pdu(submit("7F0201020003010101"))
    assert unknown.udh == (UdhElement(0x7F, b"\x01\x02"), UdhElement(0, b"\x01\x01\x01"))
    assert unknown.data == b"AB"


def test_national_shift_elements_select_the_tables():
    # "ş" is ESC 0x73 in the Turkish single shift table (A.2.1) and 0x1D in the Turkish
    # locking shift table (A.3.1); reserved identifier 0x0E is ignored.
    def deliver(udh: str, septets: bytes) -> str:
        from gsmgateway.sms.septets import header_septets, pack_septets

        header = bytes.fromhex(udh)
        head = header_septets(len(header) + 1)
        fill = head * 7 - (len(header) + 1) * 8
        ud = bytes((len(header),)) + header + pack_septets(septets, fill)
        return (
            "00440B911346610089F600002080629173144" + "8" + f"{head + len(septets):02X}" + ud.hex()
        )

    single = decode_pdu(deliver("240101", b"\x1b\x73a"))
    assert (single.text, single.national) == ("şa", (None, "tr"))
    locking = decode_pdu(deliver("250101", b"\x1da"))
    assert (locking.text, locking.national) == ("şa", ("tr", None))
    reserved = decode_pdu(deliver("24010E", b"\x1b\x73a"))
    assert (reserved.text, reserved.national) == ("sa", None)


@pytest.mark.parametrize(
    ("dcs", "encoding", "text", "data", "flash", "compressed"),
    [
        ("00", Encoding.GSM7, "Hello", None, False, False),
        ("10", Encoding.GSM7, "Hello", None, True, False),
        ("F0", Encoding.GSM7, "Hello", None, True, False),
        ("0C", Encoding.GSM7, "Hello", None, False, False),  # reserved alphabet: GSM 7-bit
        ("80", Encoding.GSM7, "Hello", None, False, False),  # reserved group: GSM 7-bit
        ("D8", Encoding.GSM7, "Hello", None, False, False),  # message waiting, store
    ],
)
def test_dcs_groups_decode_gsm7_user_data(dcs, encoding, text, data, flash, compressed):
    pdu = decode_pdu("0001000B916407281553F800" + dcs + "05C8329BFD06")
    assert (pdu.encoding, pdu.text, pdu.data, pdu.flash, pdu.compressed) == (
        encoding, text, data, flash, compressed,
    )  # fmt: skip


def test_compressed_user_data_is_reported_as_octets_without_text():
    pdu = decode_pdu("0001000B916407281553F80020" + "03" + "ABCDEF")
    assert pdu.compressed and pdu.text is None and pdu.data == bytes.fromhex("ABCDEF")
    assert pdu.to_json()["compressed"] is True


def test_ucs2_odd_length_and_split_surrogate():
    odd = decode_pdu("0001000B916407281553F80008" + "03" + "004100")
    assert odd.text == "A\ufffd"
    half = decode_pdu("0001000B916407281553F80008" + "02" + "D83D")
    assert half.text == "\ud83d"


def test_decoded_pdus_have_every_field():
    # decode_pdu fills instances without the generated __init__: no field may be missing.
    for hex_ in (ASSEMBLY[0], "0006D60B911326880736F4111011719551401110117195714000"):
        pdu = decode_pdu(hex_)
        assert set(vars(pdu)) == {field.name for field in fields(DecodedPdu)}
        assert pdu == replace(pdu)


def test_to_json_has_exactly_the_contract_keys():
    deliver = decode_pdu(ASSEMBLY[0]).to_json()
    assert list(deliver) == [
        "type", "smsc", "sender", "text", "data_hex", "encoding", "concat", "national", "udh",
        "scts", "discharge_time", "status", "mr", "srr", "validity_minutes", "flash",
        "compressed",
    ]  # fmt: skip
    assert deliver["concat"] == {"ref": 0x1E, "total": 3, "seq": 1, "ref_bits": 8}
    assert deliver["udh"] == [{"iei": 0, "data_hex": "1E0301"}]
    assert deliver["scts"] == "2009-06-14T00:21:22+10:00"
    report = decode_pdu("0006D60B911326880736F4111011719551401110117195714000").to_json()
    assert report["type"] == "status-report" and "recipient" in report and "sender" not in report
    assert (report["status"], report["mr"]) == (0, 214)
    assert report["discharge_time"] == "2011-01-11T17:59:17+01:00"
