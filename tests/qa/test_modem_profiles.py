"""The modem profiles table agrees with the config schema and the AT core's tables."""

from gsmgateway import config
from gsmgateway.at import ICCID_COMMANDS, raw
from gsmgateway.at.fields import tag_of
from gsmgateway.at.urcs import is_untagged_urc
from gsmgateway.modem.profiles import PROFILES


def test_the_config_names_exactly_the_profiles_there_are():
    assert set(config.PROFILES) == {"auto", *PROFILES}


def test_every_iccid_command_is_one_the_core_knows():
    for profile in PROFILES.values():
        assert profile.iccid_commands, profile.name
        for variant in profile.iccid_commands:
            assert variant in ICCID_COMMANDS, (profile.name, variant)


def test_every_init_command_is_a_valid_command_line():
    for profile in PROFILES.values():
        for line in profile.init_commands:
            assert raw(line).line == line


def test_every_ready_line_reaches_the_driver_as_a_urc():
    for profile in PROFILES.values():
        for line in profile.ready_lines:
            assert tag_of(line) is not None or is_untagged_urc(line), (profile.name, line)
