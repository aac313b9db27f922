"""Port discovery: which ports to probe, dedup of two names of one device, vanished ports."""

import os

from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.pool.discovery import PortStatus, PortTracker, scan_ports


def test_new_ports_are_probed_once_and_aliases_skipped():
    tracker = PortTracker()
    present = {"/dev/serial/by-id/a": "/dev/ttyUSB0", "/dev/ttyUSB0": "/dev/ttyUSB0"}
    result = tracker.scan(present, 0)
    assert result.probe == ("/dev/serial/by-id/a",)
    assert tracker.scan(present, 1).probe == ()
    tracker.attached("/dev/serial/by-id/a")
    assert tracker.status("/dev/serial/by-id/a") is PortStatus.ATTACHED


def test_a_vanished_port_is_gone_and_probed_again_when_back():
    tracker = PortTracker()
    tracker.scan({"p": "/dev/pts/3"}, 0)
    tracker.attached("p")
    result = tracker.scan({}, 1)
    assert result.gone == ("p",)
    assert tracker.status("p") is None
    assert tracker.scan({"p": "/dev/pts/3"}, 2).probe == ("p",)


def test_a_link_that_now_points_to_another_device_is_a_replug():
    tracker = PortTracker()
    tracker.scan({"modem0": "/dev/pts/3"}, 0)
    tracker.attached("modem0")
    result = tracker.scan({"modem0": "/dev/pts/9"}, 1)
    assert result.gone == ("modem0",)
    assert result.probe == ("modem0",)


def test_not_a_modem_is_left_alone_until_the_retry():
    tracker = PortTracker(retry_seconds=30)
    tracker.scan({"p": "/dev/ttyS0"}, 0)
    tracker.not_a_modem("p", 0)
    assert tracker.scan({"p": "/dev/ttyS0"}, 10).probe == ()
    assert tracker.scan({"p": "/dev/ttyS0"}, 30).probe == ("p",)


def test_released_ports_are_probed_again():
    tracker = PortTracker()
    tracker.scan({"p": "/dev/pts/1"}, 0)
    tracker.attached("p")
    tracker.released("p")
    assert tracker.scan({"p": "/dev/pts/1"}, 1).probe == ("p",)


@given(
    st.lists(
        st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["/1", "/2", "/3"])),
        max_size=12,
    )
)
def test_one_name_per_device_is_ever_tracked(scans):
    tracker = PortTracker(retry_seconds=0)
    for now, present in enumerate(scans):
        result = tracker.scan(present, now)
        devices = [port.device for port in tracker.ports.values()]
        assert len(devices) == len(set(devices))
        assert set(result.probe) <= set(present)
        for path in result.probe:
            tracker.not_a_modem(path, now)


def test_scan_ports_resolves_links_and_skips_dangling_ones(tmp_path):
    target = tmp_path / "ttyFAKE0"
    target.write_text("")
    (tmp_path / "by-id-a").symlink_to(target)
    (tmp_path / "by-id-dangling").symlink_to(tmp_path / "missing")
    found = scan_ports([str(tmp_path / "explicit-missing")], [str(tmp_path / "by-id-*")])
    assert found == {str(tmp_path / "by-id-a"): os.path.realpath(target)}
