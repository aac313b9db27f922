"""Which ports ``probe --all`` tries: each physical port once, under its first name."""

import os

from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.probe import Candidate, find_candidates, merge_candidates


def test_names_of_one_device_merge_under_the_first():
    merged = merge_candidates(
        [
            ("/dev/gsmmodem/huawei-1-at", "/dev/ttyUSB2"),
            ("/dev/serial/by-id/usb-huawei-if02", "/dev/ttyUSB2"),
            ("/dev/ttyUSB0", "/dev/ttyUSB0"),
            ("/dev/ttyUSB2", "/dev/ttyUSB2"),
            ("/dev/ttyUSB2", "/dev/ttyUSB2"),
            ("/dev/gsmmodem/gone-at", None),
            ("/dev/gsmmodem/gone-at", None),
        ]
    )
    assert merged == [
        Candidate(
            "/dev/gsmmodem/huawei-1-at",
            "/dev/ttyUSB2",
            ("/dev/serial/by-id/usb-huawei-if02", "/dev/ttyUSB2"),
        ),
        Candidate("/dev/ttyUSB0", "/dev/ttyUSB0"),
        Candidate("/dev/gsmmodem/gone-at", None),
    ]


@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.none() | st.sampled_from("XYZ"))))
def test_every_device_once_and_every_name_kept(found):
    merged = merge_candidates(found)
    devices = [c.device for c in merged if c.device is not None]
    assert len(devices) == len(set(devices)) == len({d for _, d in found if d is not None})
    named = {c.name for c in merged} | {alias for c in merged for alias in c.aliases}
    assert named == {name for name, _ in found}


def test_globs_resolve_symlinks_skip_dangling_ones_and_keep_named_missing_ports(tmp_path):
    tty = tmp_path / "ttyUSB0"
    tty.write_text("")
    (tmp_path / "by-id").mkdir()
    os.symlink(tty, tmp_path / "by-id" / "usb-x-if00")
    os.symlink(tmp_path / "nowhere", tmp_path / "by-id" / "usb-dangling")
    found = find_candidates(
        [str(tmp_path / "named-missing")], [str(tmp_path / "by-id" / "*"), str(tmp_path / "tty*")]
    )
    assert found == [
        Candidate(str(tmp_path / "named-missing"), None),
        Candidate(str(tmp_path / "by-id" / "usb-x-if00"), str(tty), (str(tty),)),
    ]
