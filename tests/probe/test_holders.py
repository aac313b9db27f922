"""Who holds a port: a fake procfs for the cases a test machine lacks, the real one for ours."""

import os
import subprocess
import sys

from gsmgateway.probe import Holder, scan_holders


def fake_process(proc, pid, comm, fds=None, cmdline="", fdinfo=None):
    directory = proc / str(pid)
    (directory / "fd").mkdir(parents=True)
    (directory / "fdinfo").mkdir()
    (directory / "comm").write_text(comm + "\n")
    (directory / "cmdline").write_bytes(cmdline.replace(" ", "\0").encode() + b"\0")
    for fd, target in (fds or {}).items():
        os.symlink(target, directory / "fd" / str(fd))
    for fd, text in (fdinfo or {}).items():
        (directory / "fdinfo" / str(fd)).write_text(text)


def test_holders_and_ModemManager_are_found_by_their_fds_and_names(tmp_path):
    proc = tmp_path / "proc"
    fake_process(proc, 812, "ModemManager", {7: "/dev/ttyUSB2"}, "/usr/sbin/ModemManager")
    fake_process(proc, 900, "picocom", {3: "/dev/ttyUSB0", 4: "/dev/null"}, "picocom -b 115200")
    fake_process(proc, 901, "bash", {0: "/dev/pts/1"})
    (proc / "self").mkdir()  # not a pid: ignored
    scan = scan_holders({"/dev/ttyUSB0", "/dev/ttyUSB2", "/dev/ttyUSB3"}, str(proc))
    assert scan.holders == {
        "/dev/ttyUSB2": (Holder(812, "ModemManager", "/usr/sbin/ModemManager"),),
        "/dev/ttyUSB0": (Holder(900, "picocom", "picocom -b 115200"),),
    }
    assert scan.modem_manager == (812,)
    assert scan.complete


def test_the_master_side_of_a_pty_is_its_device_not_a_holder(tmp_path):
    proc = tmp_path / "proc"
    # A simulator: holds the master of pts 5 and, to avoid hang-ups, the slave too.
    fake_process(
        proc, 50, "python3", {3: "/dev/ptmx", 4: "/dev/pts/5"}, fdinfo={3: "tty-index:\t5\n"}
    )
    fake_process(proc, 60, "minicom", {3: "/dev/pts/5"})
    scan = scan_holders({"/dev/pts/5"}, str(proc))
    assert scan.holders == {"/dev/pts/5": (Holder(60, "minicom", ""),)}


def test_a_missing_procfs_is_an_incomplete_scan(tmp_path):
    scan = scan_holders({"/dev/ttyUSB0"}, str(tmp_path / "none"))
    assert scan.holders == {} and not scan.complete


def test_a_real_process_holding_a_pty_is_named(tmp_path):
    master, slave = os.openpty()
    path = os.ttyname(slave)
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import os, sys; fd = os.open({path!r}, os.O_RDWR); print(1, flush=True); "
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout.readline() == b"1\n"
        scan = scan_holders({path})
        holders = scan.holders[path]
        mine = [h for h in holders if h.pid == child.pid]
        assert mine and mine[0].command.startswith(sys.executable)
        assert all(h.pid != os.getpid() for h in holders)  # our own master is the device end
    finally:
        child.stdin.close()
        child.wait(10)
        child.stdout.close()
        os.close(master)
        os.close(slave)
