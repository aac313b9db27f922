"""Message body validation: every bad input names its field and gets the right status."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.api.errors import ApiError
from gsmgateway.api.validation import NumberPolicy, normalise_number, parse_message

GB = NumberPolicy(default_region="GB")


def error_of(body, policy=GB):
    with pytest.raises(ApiError) as info:
        parse_message(body, policy)
    return info.value


def test_minimal_body_gets_defaults():
    request = parse_message({"to": "+447911123456", "text": "hi"}, GB)
    assert (request.to, request.options.priority, request.options.encoding) == (
        "+447911123456",
        "normal",
        "auto",
    )


def test_national_number_uses_default_region():
    assert parse_message({"to": "07911 123456", "text": "x"}, GB).to == "+447911123456"


def test_national_number_without_region_is_unsendable():
    error = error_of({"to": "07911123456", "text": "x"}, NumberPolicy())
    assert (error.status, error.field) == (422, "to")
    assert "default_region" in error.message


@pytest.mark.parametrize("number", ["+447700900123", "hello", "+1", "12345"])
def test_invalid_numbers_are_422(number):
    error = error_of({"to": number, "text": "x"})
    assert (error.status, error.code, error.field) == (422, "invalid_number", "to")


@pytest.mark.parametrize("policy", [GB, NumberPolicy()])
@pytest.mark.parametrize(("number", "stray"), [("hello", "h"), ("+44 7911 12345x", "x")])
def test_a_word_is_not_a_phone_number_whatever_the_region(policy, number, stray):
    # Not "not in international form": the user typed something that is no number at all.
    message = error_of({"to": number, "text": "x"}, policy).message
    assert message == f"{number!r} is not a phone number ({stray!r} is not a digit)"


def test_written_forms_of_a_number_are_accepted():
    pasted = "+44\u00a07911\u2009123456\t"  # no-break and thin spaces, from a spreadsheet
    for written in ("+44 (0)7911-123.456", "+44 7911 123456", "+٤٤٧٩١١١٢٣٤٥٦", pasted):
        assert normalise_number(written, GB) == "+447911123456"


def test_short_codes_only_when_allowed():
    assert normalise_number("61010", NumberPolicy("GB", allow_short_codes=True)) == "61010"
    assert "short codes" in error_of({"to": "61010", "text": "x"}).message


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "+447911123456"}, "text"),
        ({"to": "+447911123456", "text": ""}, "text"),
        ({"to": 447911123456, "text": "x"}, "to"),
        ({"to": "+447911123456", "text": "x", "colour": "red"}, "colour"),
        ({"to": "+447911123456", "text": "x", "priority": "urgent"}, "priority"),
        ({"to": "+447911123456", "text": "x", "flash": "yes"}, "flash"),
        ({"to": "+447911123456", "text": "x", "validity_minutes": 1}, "validity_minutes"),
        ({"to": "+447911123456", "text": "x", "validity_minutes": True}, "validity_minutes"),
        ({"to": "+447911123456", "text": "x", "encoding": "utf8"}, "encoding"),
        ({"to": "+447911123456", "text": "x", "send_at": "tomorrow"}, "send_at"),
        ({"to": "+447911123456", "text": "x", "send_at": "2030-01-01T10:00:00"}, "send_at"),
    ],
)
def test_bad_fields_are_400_naming_the_field(body, field):
    error = error_of(body)
    assert (error.status, error.field) == (400, field)
    assert error.to_json()["error"]["field"] == field


def test_send_at_is_normalised_to_utc():
    request = parse_message(
        {"to": "+447911123456", "text": "x", "send_at": "2030-01-01T12:00:00+02:00"}, GB
    )
    assert request.options.send_at == datetime(2030, 1, 1, 10, 0, tzinfo=UTC)


def test_non_object_body_is_400():
    assert error_of(["to"]).status == 400


@given(
    st.dictionaries(
        st.text(max_size=12),
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
        max_size=6,
    )
)
def test_arbitrary_objects_give_a_request_or_an_api_error(body):
    try:
        parse_message(body, GB)
    except ApiError as error:
        assert error.status in (400, 422)
