"""The quick parse and validity check give phonenumbers' own answers: every region's
example numbers (and their neighbours), random digits under every country code."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneNumber, PhoneNumberType

from gsmgateway.api.phone import is_valid_national, is_valid_number, split_international

COUNTRY_CODES = sorted(COUNTRY_CODE_TO_REGION_CODE)
TYPES = [t for t in vars(PhoneNumberType).values() if isinstance(t, int) and t >= 0]


def example_numbers():
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                yield number
    for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            yield number


def test_every_example_number_and_its_neighbours_agree():
    checked = 0
    for number in example_numbers():
        for delta in (0, 1, -1, 7, 10, 1000):
            variant = PhoneNumber(
                country_code=number.country_code,
                national_number=max(0, number.national_number + delta),
                italian_leading_zero=number.italian_leading_zero,
                number_of_leading_zeros=number.number_of_leading_zeros,
            )
            assert is_valid_number(variant) == phonenumbers.is_valid_number(variant), variant
            checked += 1
        for shorter in (number.national_number // 10, number.national_number * 10 + 5):
            variant = PhoneNumber(country_code=number.country_code, national_number=shorter)
            assert is_valid_number(variant) == phonenumbers.is_valid_number(variant), variant
    assert checked > 5000


@settings(max_examples=1500, deadline=None)
@given(
    code=st.sampled_from([*COUNTRY_CODES, 0, 999]),
    digits=st.text(alphabet="0123456789", min_size=1, max_size=15),
    leading_zero=st.booleans(),
)
def test_random_numbers_agree(code, digits, leading_zero):
    number = PhoneNumber(
        country_code=code, national_number=int(digits), italian_leading_zero=leading_zero or None
    )
    assert is_valid_number(number) == phonenumbers.is_valid_number(number)


def agrees_on_parse(text):
    quick = split_international(text)
    if quick is None:
        return
    expected = phonenumbers.parse(text, None)
    code, national = quick
    assert (code, int(national)) == (expected.country_code, expected.national_number), text
    assert not expected.italian_leading_zero and not expected.extension
    assert phonenumbers.format_number(expected, phonenumbers.PhoneNumberFormat.E164) == text
    assert is_valid_national(code, national) == phonenumbers.is_valid_number(expected)


def test_quick_parse_of_every_example_number():
    used = 0
    for number in example_numbers():
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        agrees_on_parse(text)
        used += split_international(text) is not None
    assert used > 1000  # the quick path applies to most numbers


@settings(max_examples=1500, deadline=None)
@given(
    code=st.sampled_from(COUNTRY_CODES),
    digits=st.text(alphabet="0123456789", min_size=1, max_size=16),
)
def test_quick_parse_of_random_numbers(code, digits):
    agrees_on_parse(f"+{code}{digits}")


@pytest.mark.parametrize(
    "text",
    [
        "+",
        "+0441234",
        "447911123456",
        "+44 7911 123456",
        "+44-7911",
        "+4407911123456",
        "+390612345678",
    ],
)
def test_other_forms_are_left_to_phonenumbers(text):
    assert split_international(text) is None
