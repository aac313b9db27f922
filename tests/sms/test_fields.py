"""PDU fields on their own: addresses, time stamps, validity periods, DCS, TP-ST."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.sms import (
    DeliveryOutcome,
    EncodeError,
    Encoding,
    PduDecodeError,
    WaitingKind,
    classify_status,
    decode_dcs,
    describe_status,
)
from gsmgateway.sms.address import (
    decode_address,
    decode_smsc,
    encode_destination,
    encode_originator,
    encode_smsc,
)
from gsmgateway.sms.timestamp import (
    decode_relative_validity,
    decode_timestamp,
    encode_relative_validity,
    encode_timestamp,
)

# -- addresses (TS 23.040 9.1.2.5) -----------------------------------------------------


def test_address_encodings():
    assert encode_destination("+27820001111").hex().upper() == "0B917228001011F1"
    assert encode_destination("12345").hex().upper() == "05812143F5"
    assert encode_originator("sipgate").hex().upper() == "0DD0F334FC1CA69701"
    assert encode_smsc("+31624000000").hex().upper() == "07911326040000F0"
    assert encode_smsc(None) == b"\x00"


def test_every_semi_octet_and_type_of_number():
    # 0-9 * # a b c (TS 23.040 9.1.2.3); TON 2 (national) and 6 (abbreviated) keep digits.
    value = bytes.fromhex("213ACBEDF0")
    assert decode_address(b"\x09\xa1" + value, 0, "x") == ("12*3#abc0", 0xA1, 7)
    assert decode_address(b"\x03\xe1" + bytes.fromhex("2143"), 0, "x")[0] == "123"
    assert decode_address(b"\x00\x81", 0, "x") == ("", 0x81, 2)


def test_smsc_field_variants():
    assert decode_smsc(bytes.fromhex("0001")) == (None, 1)
    assert decode_smsc(bytes.fromhex("019101")) == (None, 2)  # type of address only
    assert decode_smsc(bytes.fromhex("0381214301")) == ("1234", 4)  # filler-free, unknown TON
    with pytest.raises(PduDecodeError, match="points past the TPDU"):
        decode_smsc(bytes.fromhex("07911326040000F0"))


@given(st.from_regex(r"\+?[0-9]{1,20}", fullmatch=True))
def test_numbers_round_trip(number):
    field = encode_destination(number)
    assert decode_address(field, 0, "destination") == (
        number, 0x91 if number.startswith("+") else 0x81, len(field),
    )  # fmt: skip


@given(st.text(st.sampled_from("ABCxyz0 -_.@€{"), min_size=1, max_size=5))
def test_alphanumeric_round_trip(name):
    if name.isdigit():
        return
    field = encode_originator(name)
    assert decode_address(field, 0, "originator")[0] == name


# -- time stamps (9.2.3.11) -------------------------------------------------------------


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    st.integers(-79, 79),
)
def test_time_stamps_round_trip(moment, quarters):
    aware = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=15 * quarters)))
    assert decode_timestamp(encode_timestamp(aware), 0) == aware


def test_time_stamp_examples():
    east = datetime(2013, 3, 8, 15, 2, 16, tzinfo=timezone(timedelta(hours=2)))
    assert encode_timestamp(east).hex().upper() == "31308051206180"
    west = datetime(2002, 8, 26, 19, 37, 41, tzinfo=timezone(timedelta(hours=-1)))
    assert encode_timestamp(west).hex().upper() == "20806291731448"
    with pytest.raises(EncodeError, match="2000-2099"):
        encode_timestamp(datetime(1999, 1, 1, tzinfo=UTC))


# -- validity (9.2.3.12.1) --------------------------------------------------------------

REPRESENTABLE = sorted({decode_relative_validity(vp): vp for vp in range(256)}.items())


@pytest.mark.parametrize(
    ("minutes", "vp"),
    [(1, 0), (5, 0), (6, 1), (720, 143), (721, 144), (750, 144), (751, 145), (1440, 167),
     (1441, 168), (2880, 168), (2881, 169), (43200, 196), (43201, 197), (635040, 255)],
)  # fmt: skip
def test_validity_rounds_up_to_the_next_step(minutes, vp):
    assert encode_relative_validity(minutes) == vp


@given(st.integers(1, 635040))
def test_validity_is_the_smallest_representable_value_not_below(minutes):
    chosen = decode_relative_validity(encode_relative_validity(minutes))
    assert chosen == min(value for value, _vp in REPRESENTABLE if value >= minutes)


def test_validity_limits():
    for bad in (0, -5, 635041):
        with pytest.raises(EncodeError):
            encode_relative_validity(bad)


# -- DCS (TS 23.038 clause 4) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "encoding", "message_class", "compressed"),
    [
        (0x00, Encoding.GSM7, None, False),
        (0x04, Encoding.DATA8, None, False),
        (0x08, Encoding.UCS2, None, False),
        (0x0C, Encoding.GSM7, None, False),  # reserved alphabet
        (0x10, Encoding.GSM7, 0, False),
        (0x19, Encoding.UCS2, 1, False),
        (0x2A, Encoding.UCS2, None, True),
        (0x53, Encoding.GSM7, 3, False),  # automatic deletion group
        (0x9F, Encoding.GSM7, None, False),  # reserved coding groups
        (0xF0, Encoding.GSM7, 0, False),
        (0xF6, Encoding.DATA8, 2, False),
    ],
)
def test_dcs_coding_groups(value, encoding, message_class, compressed):
    coding = decode_dcs(value)
    assert (coding.encoding, coding.message_class, coding.compressed) == (
        encoding, message_class, compressed,
    )  # fmt: skip
    assert coding.flash == (message_class == 0)


def test_dcs_message_waiting_groups():
    discard = decode_dcs(0xC8)
    assert discard.waiting is not None
    assert (discard.encoding, discard.waiting.store, discard.waiting.active) == (
        Encoding.GSM7, False, True,
    )  # fmt: skip
    fax = decode_dcs(0xD1)
    assert fax.waiting is not None and fax.waiting.kind is WaitingKind.FAX
    assert fax.waiting.store and not fax.waiting.active
    assert decode_dcs(0xEB).encoding is Encoding.UCS2
    assert decode_dcs(0x53).auto_delete


def test_every_dcs_value_decodes():
    assert {decode_dcs(value).value for value in range(256)} == set(range(256))


# -- TP-ST (9.2.3.15) -------------------------------------------------------------------


def test_status_groups():
    assert {classify_status(st_) for st_ in range(0x00, 0x20)} == {DeliveryOutcome.DELIVERED}
    assert {classify_status(st_) for st_ in range(0x20, 0x40)} == {DeliveryOutcome.PENDING}
    assert {classify_status(st_) for st_ in range(0x40, 0x100)} == {DeliveryOutcome.FAILED}


def test_status_reasons():
    assert describe_status(0x00) == "short message received by the SME"
    assert describe_status(0x46) == "SM validity period expired"
    assert describe_status(0x62) == "no response from SME (SC stopped trying)"
    assert describe_status(0x05) == "reserved status 0x05 (transaction completed)"
    assert describe_status(0x35) == "SC-specific status 0x35 (temporary error, SC still trying)"
    assert describe_status(0x90) == "reserved status 0x90"
    assert all(describe_status(value) for value in range(256))
    with pytest.raises(ValueError):
        classify_status(256)
