"""Property: any text, in every encoding the codec may choose, survives encode -> decode ->
reassemble; and arbitrary input to the decoder raises only PduDecodeError."""

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from gsmgateway.sms import (
    Concat,
    EncodeError,
    Encoding,
    EncodingRequest,
    InboundPart,
    PduDecodeError,
    PduType,
    Reassembler,
    decode_pdu,
    encode_deliver,
    encode_message,
    plan_text,
)
from gsmgateway.sms.alphabet import DEFAULT_EXTENSION, DEFAULT_TABLE
from gsmgateway.sms.national import LOCKING_SHIFT_TABLES, SINGLE_SHIFT_TABLES

NATIONAL_CHARS = sorted(
    {c for table in LOCKING_SHIFT_TABLES.values() for c in table if c}
    | {c for table in SINGLE_SHIFT_TABLES.values() for c in table.values()}
)
CHARS = st.one_of(
    st.sampled_from([c for c in DEFAULT_TABLE if c] + list(DEFAULT_EXTENSION.values())),
    st.sampled_from(NATIONAL_CHARS),
    st.characters(),  # every plane, astral included (no lone surrogates)
)
TEXTS = st.text(CHARS, min_size=1, max_size=600)
SCTS = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def reassemble(parts):
    reassembler = Reassembler()
    done = [reassembler.add(part, now=0.0) for part in parts]
    [message] = [m for m in done if m is not None]
    assert not message.partial and reassembler.pending == 0
    return message.text


def submit_round_trip(plan, ref):
    pdus = encode_message("+447911123456", plan, concat_ref=ref, status_report=True)
    decoded = [decode_pdu(pdu.hex) for pdu in pdus]
    for pdu, d in zip(pdus, decoded, strict=True):
        assert d.type is PduType.SUBMIT and d.recipient == "+447911123456" and d.srr
        assert d.tpdu_length == pdu.tpdu_length == len(pdu.hex) // 2 - 1
        assert d.encoding is plan.encoding
        expected_national = None if plan.locking is None and plan.single is None else (
            plan.locking, plan.single,
        )  # fmt: skip
        assert d.national == expected_national
    assert [d.text for d in decoded] == list(plan.segments)
    parts = [
        InboundPart(
            sender=d.recipient or "",
            text=d.text or "",
            ref=d.concat.ref if d.concat else None,
            total=d.concat.total if d.concat else 1,
            seq=d.concat.seq if d.concat else 1,
            ref_bits=d.concat.ref_bits if d.concat else 8,
        )
        for d in reversed(decoded)
    ]
    return reassemble(parts)


@settings(max_examples=120, deadline=None)
@given(
    text=TEXTS,
    request=st.sampled_from(list(EncodingRequest)),
    national=st.sampled_from([(), ("tr", "es", "pt"), ("all",)]),
    ref_bits=st.sampled_from([8, 16]),
    ref=st.integers(0, 255),
)
def test_every_text_round_trips_through_submit(text, request, national, ref_bits, ref):
    try:
        plan = plan_text(
            text, encoding=request, national=national, max_segments=255, ref_bits=ref_bits
        )
    except EncodeError as error:
        assert request is EncodingRequest.GSM7 and error.position is not None
        return
    assert plan.text == text
    assert submit_round_trip(plan, ref) == text


@settings(max_examples=60, deadline=None)
@given(text=TEXTS, national=st.sampled_from([(), ("all",)]), flash=st.booleans())
def test_every_text_round_trips_through_deliver(text, national, flash):
    plan = plan_text(text, national=national, max_segments=255, ref_bits=16)
    total = len(plan.segments)
    parts = []
    for seq, segment in enumerate(plan.segments, start=1):
        hex_ = encode_deliver(
            "Sender",
            text=segment,
            encoding=plan.encoding,
            scts=SCTS,
            locking=plan.locking,
            single=plan.single,
            concat=Concat(0xABCD, total, seq, 16) if total > 1 else None,
            flash=flash,
            smsc="+447785016005",
        )
        decoded = decode_pdu(hex_)
        assert (decoded.sender, decoded.scts, decoded.flash) == ("Sender", SCTS, flash)
        assert decoded.text == segment
        concat = decoded.concat
        parts.append(
            InboundPart(
                "Sender",
                segment,
                ref=concat.ref if concat else None,
                total=concat.total if concat else 1,
                seq=concat.seq if concat else 1,
                ref_bits=16,
            )
        )
    assert reassemble(parts[::2] + parts[1::2]) == text


def test_empty_text_behind_a_header_round_trips():
    # A 9-octet header needs 5 fill bits to end on a septet boundary: the octet holding
    # them must be sent even with no text after it.
    for extra in ({"encoding": Encoding.GSM7, "single": "tr"}, {"encoding": Encoding.UCS2}):
        hex_ = encode_deliver("+1", text="", scts=SCTS, concat=Concat(1, 2, 2), **extra)
        assert decode_pdu(hex_).text == ""


def decodes_or_raises_the_typed_error(pdu):
    try:
        decoded = decode_pdu(pdu)
    except PduDecodeError as error:
        assert error.octet is not None and error.reason
        return
    decoded.to_json()


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_the_typed_error(raw):
    decodes_or_raises_the_typed_error(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_arbitrary_text_raises_only_the_typed_error(text):
    decodes_or_raises_the_typed_error(text)


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(CHARS, min_size=1, max_size=200),
    cut=st.integers(0, 200),
    flips=st.lists(st.tuples(st.integers(0, 199), st.integers(0, 255)), max_size=4),
)
def test_damaged_real_pdus_raise_only_the_typed_error(text, cut, flips):
    # Damage near-valid PDUs (truncate, change octets) to reach the deep parsing paths.
    plan = plan_text(text, national=("all",), max_segments=255)
    hex_ = encode_message("+447911123456", plan, concat_ref=1, validity_minutes=90)[0].hex
    raw = bytearray(bytes.fromhex(hex_))[: max(cut, 1)]
    for at, value in flips:
        if at < len(raw):
            raw[at] = value
    decodes_or_raises_the_typed_error(bytes(raw))
