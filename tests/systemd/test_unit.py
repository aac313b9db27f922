"""The systemd unit, sysusers.d and tmpfiles.d files: systemd's own tools where they run here,
and a parser-level check of every directive we promise, which runs everywhere.

The tools run offline against copies: `systemd-analyze verify` wants ExecStart's binary to
exist, so the copy points it at a stub in a temporary directory; sysusers and tmpfiles run
with --root on a temporary tree.
"""

import os
import re
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "systemd" / "gsmgateway.service"
SYSUSERS = ROOT / "systemd" / "gsmgateway.sysusers.conf"
TMPFILES = ROOT / "systemd" / "gsmgateway.tmpfiles.conf"
EXEC_START = "/opt/gsmgateway/.venv/bin/gsmgateway"
MAX_EXPOSURE = 2.0


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """Section -> key -> every value assigned, in order (systemd.syntax(7), no continuations)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"{path.name}:{number}: bad section header"
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}:{number}: assignment before any section"
        assert not line.endswith("\\"), f"{path.name}:{number}: keep lines unbroken"
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z0-9]+", key), f"{path.name}:{number}: {line!r}"
        current.setdefault(key, []).append(value.strip())
    return sections


def one(section: dict[str, list[str]], key: str) -> str:
    values = section.get(key)
    assert values, f"{key}= is missing"
    assert len(values) == 1, f"{key}= is set {len(values)} times"
    return values[0]


def seconds(span: str) -> float:
    match = re.fullmatch(r"(\d+)(s|min)?", span)
    assert match, f"time span {span!r} is not in the form this test reads"
    return int(match.group(1)) * (60 if match.group(2) == "min" else 1)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (Debian package systemd): skipped"
        print(message)
        pytest.skip(message)
    return path


def systemd_version() -> int:
    out = subprocess.run(
        [tool("systemd-analyze"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    return int(re.match(r"systemd (\d+)", out).group(1))


@pytest.fixture
def unit_copy(tmp_path):
    """The unit with ExecStart pointing at an executable stub, so verify finds a binary."""
    stub = tmp_path / "bin" / "gsmgateway"
    stub.parent.mkdir()
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    text = UNIT.read_text()
    assert EXEC_START in text
    copy = tmp_path / "gsmgateway.service"
    copy.write_text(text.replace(EXEC_START, str(stub)))
    return copy


UNIT_PROMISES = {
    "Service": {
        "Type": "notify",
        "NotifyAccess": "main",
        "Restart": "on-failure",
        "User": "gsmgateway",
        "Group": "gsmgateway",
        "SupplementaryGroups": "dialout",
        "StateDirectory": "gsmgateway",
        "ConfigurationDirectory": "gsmgateway",
        "UMask": "0077",
        "KillMode": "mixed",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
        "AmbientCapabilities": "",
        "PrivateUsers": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectKernelLogs": "yes",
        "ProtectControlGroups": "yes",
        "ProtectClock": "yes",
        "ProtectHostname": "yes",
        "ProtectProc": "invisible",
        "RestrictNamespaces": "yes",
        "RestrictRealtime": "yes",
        "RestrictSUIDSGID": "yes",
        "LockPersonality": "yes",
        "MemoryDenyWriteExecute": "yes",
        "RemoveIPC": "yes",
        "DevicePolicy": "closed",
        "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
        "IPAddressDeny": "any",
        "IPAddressAllow": "localhost",
        "SystemCallArchitectures": "native",
    },
    "Install": {"WantedBy": "multi-user.target"},
}


def test_unit_sets_every_promised_directive():
    unit = parse_unit(UNIT)
    for section, promises in UNIT_PROMISES.items():
        for key, value in promises.items():
            assert one(unit[section], key) == value, f"[{section}] {key}="
    service = unit["Service"]
    assert one(service, "ExecStart").split()[:2] == [EXEC_START, "serve"]
    assert sorted(service["DeviceAllow"]) == ["char-ttyACM rw", "char-ttyUSB rw"]
    assert service["SystemCallFilter"] == ["@system-service", "~@privileged @resources"]
    # PrivateDevices= would hide every hot-plugged tty; ProcSubset=pid the process metrics.
    for absent in ("PrivateDevices", "DynamicUser", "ProcSubset"):
        assert absent not in service, f"{absent}= must stay unset (see the unit's comments)"


def test_unit_timing_is_consistent():
    unit = parse_unit(UNIT)
    service = unit["Service"]
    # serve exits within 10 s of SIGTERM; systemd must not SIGKILL it before that.
    assert seconds(one(service, "TimeoutStopSec")) > 10
    watchdog = seconds(one(service, "WatchdogSec"))
    assert 10 <= watchdog <= 120
    # A rate limit on restarts: the burst must fit in the interval at RestartSec pace.
    burst = int(one(unit["Unit"], "StartLimitBurst"))
    interval = seconds(one(unit["Unit"], "StartLimitIntervalSec"))
    assert burst * seconds(one(service, "RestartSec")) < interval


def test_device_groups_are_loaded_before_the_service_starts():
    # DeviceAllow=char-* resolves through /proc/devices at start (systemd.resource-control(5)).
    unit = parse_unit(UNIT)["Unit"]
    for module in ("usbserial", "cdc_acm"):
        assert f"modprobe@{module}.service" in " ".join(unit["Wants"])
        assert f"modprobe@{module}.service" in " ".join(unit["After"])


def test_sysusers_tmpfiles_and_unit_agree():
    service = parse_unit(UNIT)["Service"]
    users = [line.split() for line in SYSUSERS.read_text().splitlines() if line[:2] == "u "]
    assert [u[1] for u in users] == [one(service, "User")]
    assert "m gsmgateway dialout" in SYSUSERS.read_text()
    entries = {}
    for line in TMPFILES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            kind, path, mode, user, group, _age = line.split()
            assert kind == "d"
            entries[path] = (mode, user, group)
    assert entries["/var/lib/gsmgateway"] == (
        one(service, "StateDirectoryMode"),
        "gsmgateway",
        "gsmgateway",
    )
    assert entries["/etc/gsmgateway"] == (
        one(service, "ConfigurationDirectoryMode"),
        "root",
        "gsmgateway",
    )
    assert "--config /etc/gsmgateway/config.toml" in one(service, "ExecStart")


def test_systemd_analyze_verify_is_silent(unit_copy):
    analyze = tool("systemd-analyze")
    result = subprocess.run(
        [analyze, "verify", "--man=no", str(unit_copy)], capture_output=True, text=True
    )
    # verify exits 0 on unknown keys and bad values; only silence means a clean unit.
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


def test_security_exposure_is_at_most_two(unit_copy, capsys):
    if systemd_version() < 252:
        message = "systemd-analyze security --offline needs systemd 252 or newer: skipped"
        print(message)
        pytest.skip(message)
    result = subprocess.run(
        [tool("systemd-analyze"), "security", "--offline=true", "--no-pager", str(unit_copy)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    match = re.search(r"Overall exposure level for gsmgateway\.service: (\d+\.\d+)", result.stdout)
    assert match, result.stdout
    score = float(match.group(1))
    with capsys.disabled():
        print(f"\n  systemd-analyze security (systemd {systemd_version()}): exposure {score}")
    assert score <= MAX_EXPOSURE, result.stdout


def test_sysusers_creates_the_user_in_dialout(tmp_path):
    (tmp_path / "etc").mkdir()
    subprocess.run(
        [tool("systemd-sysusers"), f"--root={tmp_path}", str(SYSUSERS)],
        capture_output=True,
        text=True,
        check=True,
    )
    passwd = {
        fields[0]: fields
        for fields in (
            line.split(":") for line in (tmp_path / "etc/passwd").read_text().splitlines()
        )
    }
    assert passwd["gsmgateway"][5:] == ["/var/lib/gsmgateway", "/usr/sbin/nologin"]
    groups = {
        fields[0]: fields
        for fields in (
            line.split(":") for line in (tmp_path / "etc/group").read_text().splitlines()
        )
    }
    assert "gsmgateway" in groups["dialout"][3].split(",")


def test_tmpfiles_creates_the_directories_with_their_owners(tmp_path):
    if os.geteuid() != 0:
        message = "systemd-tmpfiles --create must chown, which needs root: skipped"
        print(message)
        pytest.skip(message)
    (tmp_path / "etc").mkdir()
    subprocess.run(
        [tool("systemd-sysusers"), f"--root={tmp_path}", str(SYSUSERS)],
        capture_output=True,
        check=True,
    )
    uid = next(
        int(line.split(":")[2])
        for line in (tmp_path / "etc/passwd").read_text().splitlines()
        if line.startswith("gsmgateway:")
    )
    (tmp_path / "var/lib").mkdir(parents=True)
    subprocess.run(
        [tool("systemd-tmpfiles"), f"--root={tmp_path}", "--create", str(TMPFILES)],
        capture_output=True,
        check=True,
    )
    state = (tmp_path / "var/lib/gsmgateway").stat()
    config = (tmp_path / "etc/gsmgateway").stat()
    assert (stat.S_IMODE(state.st_mode), state.st_uid, state.st_gid) == (0o700, uid, uid)
    assert (stat.S_IMODE(config.st_mode), config.st_uid, config.st_gid) == (0o750, 0, uid)


def test_private_users_keeps_access_through_the_dialout_group():
    """The kernel fact PrivateUsers=yes relies on: a supplementary group set before the
    user namespace is created still opens a root:dialout 0660 file inside it, although
    dialout is unmapped there; without the group, access is denied."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to nobody with the dialout group: skipped")
    setpriv, unshare = shutil.which("setpriv"), shutil.which("unshare")
    if not (setpriv and unshare):
        pytest.skip("setpriv/unshare (util-linux) not installed: skipped")
    probe = subprocess.run([unshare, "--user", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces unavailable here: {probe.stderr.decode().strip()}")
    blocked = [
        p for p in Path(tempfile.gettempdir()).resolve().parents if not os.stat(p).st_mode & 0o001
    ]
    if blocked or not os.stat(tempfile.gettempdir()).st_mode & 0o001:
        pytest.skip(f"the temporary directory {tempfile.gettempdir()} is not searchable by nobody")
    directory = tempfile.mkdtemp(prefix="gsmgw-userns-")
    try:
        os.chmod(directory, 0o755)
        device = Path(directory) / "ttyUSB-stand-in"
        device.write_text("AT\n")
        shutil.chown(device, "root", "dialout")
        device.chmod(0o660)
        drop = [setpriv, "--reuid=nobody", "--regid=nogroup"]
        inside = [unshare, "--user", "cat", str(device)]
        with_group = subprocess.run([*drop, "--groups=dialout", "--", *inside], capture_output=True)
        assert with_group.returncode == 0, with_group.stderr
        assert with_group.stdout == b"AT\n"
        without = subprocess.run([*drop, "--clear-groups", "--", *inside], capture_output=True)
        assert without.returncode != 0
    finally:
        shutil.rmtree(directory)


PROCESS_METRICS_PROBE = r"""
import os, subprocess, sys, tempfile
from prometheus_client import CollectorRegistry
from prometheus_client.process_collector import ProcessCollector
directory = tempfile.mkdtemp(prefix="gsmgw-proc-")
subprocess.run(["mount", "-t", "proc", "-o", sys.argv[1], "proc", directory], check=True)
registry = CollectorRegistry()
ProcessCollector(proc=directory, registry=registry)
try:
    print(" ".join(sorted(metric.name for metric in registry.collect())))
finally:
    subprocess.run(["umount", directory], check=True)
    os.rmdir(directory)
"""


@pytest.mark.parametrize(
    "options, has_metrics", [("hidepid=invisible", True), ("subset=pid", False)]
)
def test_process_metrics_need_proc_stat(options, has_metrics):
    """Why the unit sets ProtectProc=invisible but not ProcSubset=pid: with subset=pid the
    prometheus-client process collector finds no /proc/stat and reports nothing."""
    import sys

    if os.geteuid() != 0:
        pytest.skip("mounting a procfs needs root: skipped")
    unshare = shutil.which("unshare")
    if not unshare:
        pytest.skip("unshare (util-linux) not installed: skipped")
    result = subprocess.run(
        [unshare, "-m", "-p", "--fork", sys.executable, "-c", PROCESS_METRICS_PROBE, options],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0 and "mount" in result.stderr:
        pytest.skip(f"cannot mount a procfs here: {result.stderr.strip()[-200:]}")
    assert result.returncode == 0, result.stderr
    assert ("process_resident_memory_bytes" in result.stdout) is has_metrics, result.stdout


MDWE_PREFIX = r"""
import ctypes, mmap, sys
libc = ctypes.CDLL(None, use_errno=True)
# PR_SET_MDWE (65), PR_MDWE_REFUSE_EXEC_GAIN (1): Linux 6.3+, what MemoryDenyWriteExecute=
# enforces through seccomp.
if libc.prctl(65, 1, 0, 0, 0) != 0:
    sys.exit(3)
try:
    mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    sys.exit("writable+executable memory was allowed: the probe proves nothing")
except OSError:
    pass
"""

# What the gateway does at run time, in small: an aiohttp server and client on loopback,
# AT/OK over a pty through pyserial-asyncio-fast, a worker thread, a WAL SQLite commit,
# a Prometheus scrape, an sd_notify datagram.
RUNTIME_PROBE = r"""
import asyncio, os, pty, socket, sqlite3, tempfile
import aiohttp, aiohttp.web, phonenumbers, prometheus_client, serial, serial_asyncio_fast
import sqlite_utils
import gsmgateway.cli, gsmgateway.config
from gsmgateway.sdnotify import SystemdNotifier

async def main(directory):
    app = aiohttp.web.Application()
    async def hello(request):
        return aiohttp.web.json_response({"ok": True})
    app.router.add_get("/", hello)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://localhost:{port}/") as response:
            assert await response.json() == {"ok": True}
    master, slave = pty.openpty()
    reader, writer = await serial_asyncio_fast.open_serial_connection(
        url=os.ttyname(slave), baudrate=115200
    )
    writer.write(b"AT\r")
    await writer.drain()
    assert os.read(master, 3) == b"AT\r"
    os.write(master, b"\r\nOK\r\n")
    await asyncio.wait_for(reader.readuntil(b"OK\r\n"), 30)
    writer.close()
    await asyncio.to_thread(prometheus_client.generate_latest)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(os.path.join(directory, "notify"))
    assert SystemdNotifier(os.path.join(directory, "notify")).ready()
    assert listener.recv(64) == b"READY=1"
    await runner.cleanup()

with tempfile.TemporaryDirectory(prefix="gsmgw-") as directory:
    asyncio.run(main(directory))
    db = sqlite3.connect(os.path.join(directory, "probe.db"))
    db.execute("pragma journal_mode=wal")
    db.execute("pragma synchronous=full")
    db.execute("create table t (x)")
    db.execute("insert into t values (1)")
    db.commit()
    db.close()
print("ok")
"""


def test_the_gateway_runtime_works_without_writable_executable_memory():
    """MemoryDenyWriteExecute=yes: CPython, aiohttp, sqlite3 and our modules run under the
    kernel's equivalent restriction (a loopback HTTP round trip, a WAL SQLite write)."""
    import sys

    result = subprocess.run(
        [sys.executable, "-c", MDWE_PREFIX + RUNTIME_PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    if result.returncode == 3:
        message = "kernel without PR_SET_MDWE (Linux < 6.3): MemoryDenyWriteExecute not probed"
        print(message)
        pytest.skip(message)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def syscall_group(name: str, analyze: str) -> frozenset[str]:
    out = subprocess.run(
        [analyze, "syscall-filter", "--no-pager", name], capture_output=True, text=True, check=True
    ).stdout
    names: set[str] = set()
    for line in out.splitlines()[1:]:
        item = line.strip()
        if item.startswith("@"):
            names |= syscall_group(item, analyze)
        elif item and not item.startswith("#"):
            names.add(item)
    return frozenset(names)


def test_the_gateway_runtime_stays_inside_the_system_call_filter(tmp_path):
    """SystemCallFilter=@system-service ~@privileged @resources: every system call the
    runtime probe makes (traced with strace) is one the filter allows."""
    import sys

    analyze, strace = tool("systemd-analyze"), shutil.which("strace")
    if strace is None:
        message = "strace is not installed: the system call filter was not checked at run time"
        print(message)
        pytest.skip(message)
    trace = tmp_path / "trace"
    result = subprocess.run(
        [strace, "-f", "-qq", "-o", str(trace), sys.executable, "-c", RUNTIME_PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
    )
    if result.returncode != 0 and "PTRACE" in result.stderr.upper():
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()[-200:]}")
    assert result.returncode == 0, result.stderr
    used = set()
    for line in trace.read_text().splitlines():
        match = re.match(r"\d+\s+(?:<\.\.\. )?([a-z0-9_]+)[( ]", line)
        if match and not line.split(None, 1)[1].startswith(("+++", "---")):
            used.add(match.group(1))
    assert {"openat", "sendto", "ioctl"} <= used, "the trace was not read"
    allowed = (
        syscall_group("@system-service", analyze)
        - syscall_group("@privileged", analyze)
        - syscall_group("@resources", analyze)
    )
    if os.geteuid() == 0:
        # SQLite chowns a new journal/WAL to the database's owner only when euid is 0
        # (unixOpen in sqlite3.c); the service never runs as root.
        allowed |= {"fchown"}
    assert sorted(used - allowed) == []
    families = set(re.findall(r"socket\((AF_[A-Z0-9]+)", trace.read_text()))
    # AF_NETLINK comes from glibc's getaddrinfo probing interfaces for AI_ADDRCONFIG; when
    # RestrictAddressFamilies= refuses it, glibc assumes IPv4 and IPv6 both exist.
    assert families - {"AF_NETLINK"} <= set(
        one(parse_unit(UNIT)["Service"], "RestrictAddressFamilies").split()
    ), families
