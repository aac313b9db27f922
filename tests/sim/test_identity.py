"""Modem identities: stable per index, valid check digits, numbers libphonenumber accepts."""

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.sim import identity_for, luhn_check_digit, luhn_valid
from gsmgateway.sim.identity import MAX_MODEMS


def test_luhn_on_known_numbers():
    # The classic Luhn example (ISO/IEC 7812-1 annex B): 7992739871 -> check digit 3;
    assert luhn_check_digit("7992739871") == "3"
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


@given(st.integers(min_value=0, max_value=MAX_MODEMS - 1))
def test_every_identity_is_well_formed(index):
    identity = identity_for(index)
    assert identity.index == index
    assert len(identity.imei) == 15 and luhn_valid(identity.imei)
    assert len(identity.iccid) in (19, 20) and luhn_valid(identity.iccid)
    assert identity.iccid.startswith("89")
    assert len(identity.imsi) == 15 and identity.imsi.startswith("00101")
    number = phonenumbers.parse(identity.number)
    assert phonenumbers.is_valid_number(number)
    assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == (
        identity.number
    )


def test_identities_are_stable_and_distinct():
    first = [identity_for(k) for k in range(200)]
    again = [identity_for(k) for k in range(200)]
    assert first == again
    for field in ("imei", "imsi", "iccid", "number"):
        assert len({getattr(i, field) for i in first}) == 200
