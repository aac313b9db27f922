"""Health values and the choice of a profile from a modem's identity."""

import pytest

from gsmgateway.at import RegistrationState, SignalQuality
from gsmgateway.modem.health import Health
from gsmgateway.modem.profiles import PROFILES, choose_profile, profile_named

HOME, SEARCHING = RegistrationState.HOME, RegistrationState.SEARCHING


def test_sms_registration_follows_cs_or_eps_not_ps_alone():
    health = Health().with_registration("CGREG", HOME, 1.0)
    assert health.registered  # nothing else known yet
    health = health.with_registration("CREG", SEARCHING, 2.0)
    assert not health.registered  # packet service alone does not carry SMS here
    health = health.with_registration("CEREG", HOME, 3.0)
    assert health.registered  # LTE: SMS over SGs / IMS
    assert health.registration_at == 3.0


def test_signal_in_dbm():
    health = Health().with_signal(SignalQuality(20, 99, -73, False), 5.0)
    assert health.signal.dbm == -73 and health.signal_at == 5.0


@pytest.mark.parametrize(
    ("manufacturer", "model", "expected"),
    [
        ("huawei", "E173", "huawei"),
        ("HUAWEI", "E3372", "huawei"),
        ("SIMCOM_Ltd", "SIMCOM_SIM800L", "sim800"),
        ("SIMCOM INCORPORATED", "SIMCOM_SIM7600E-H", "generic"),
        ("Quectel", "EC25", "quectel"),
        ("gsmgateway", "SIM-MODEM", "generic"),
        ("", "", "generic"),
    ],
)
def test_profile_from_identity(manufacturer, model, expected):
    assert choose_profile(manufacturer, model).name == expected


def test_a_configured_profile_wins_and_unknown_names_are_refused():
    assert choose_profile("huawei", "E173", "sim800").name == "sim800"
    with pytest.raises(KeyError, match="known"):
        profile_named("nokia")


def test_every_profile_can_read_an_iccid_the_standard_way():
    for profile in PROFILES.values():
        assert profile.iccid_commands[-1] == "crsm"
