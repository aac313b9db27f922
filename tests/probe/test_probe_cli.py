"""``gsmgateway probe`` as a user runs it: the real command line, in a subprocess, on
ptys of simulated modems and scripted ports linked from a temporary directory (never
the machine's own /dev ttys); its output, JSON shape and exit codes."""

import asyncio
import json
import os
import sys

from gsmgateway.cli import main as cli_main
from tests.helpers import scripted_port

# Holds a port the way another gateway or a terminal program would: open, locked.
HOLD = (
    "import serial, sys; port = serial.Serial(sys.argv[1], exclusive=True); "
    "print('held', flush=True); sys.stdin.read()"
)


async def gsmgateway(*args, timeout=60):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gsmgateway",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode, out.decode(), err.decode()


async def hold(path):
    """A child process holding ``path`` open and locked, until ``release``."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLD,
        path,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert await asyncio.wait_for(child.stdout.readline(), 30) == b"held\n"
    return child


async def release(child):
    child.stdin.close()
    await asyncio.wait_for(child.wait(), 30)


async def test_all_over_a_directory_of_links_reports_each_port_once(
    start_network, scripted, tmp_path
):
    network = await start_network(5, profile="mixed")
    places = tmp_path / "dev"
    places.mkdir()
    for index, path in enumerate(network.ports[:4]):
        os.symlink(path, places / f"m{index}")
    os.symlink(network.ports[0], places / "n0-alias")
    os.symlink(scripted(scripted_port.silent).path, places / "quiet")
    os.symlink(scripted(scripted_port.binary_garbage).path, places / "noisy")
    os.symlink(tmp_path / "nowhere", places / "dangling")
    os.symlink(network.ports[4], places / "taken")
    child = await hold(network.ports[4])
    try:
        status, out, err = await gsmgateway(
            "probe", "--all", "--json", "--timeout", "5", "--glob", str(places / "*")
        )
    finally:
        await release(child)
    assert status == 0, err
    document = json.loads(out)
    by_name = {os.path.basename(p["port"]): p for p in document["ports"]}
    assert sorted(by_name) == ["m0", "m1", "m2", "m3", "noisy", "quiet", "taken"]
    assert document["modems"] == 4
    assert by_name["m0"]["aliases"] == [str(places / "n0-alias")]
    for index in range(4):
        sim = network.modems[index]
        modem = by_name[f"m{index}"]["modem"]
        assert (modem["imei"], modem["iccid"], modem["profile"]) == (
            sim.identity.imei,
            sim.identity.iccid,
            sim.profile.name,
        )
        assert modem["sim"] == "READY" and modem["registration"] == "home"
        assert modem["signal"]["dbm"] == -113 + 2 * modem["signal"]["csq"]
    assert by_name["quiet"]["verdict"] == "silent"
    assert by_name["noisy"]["verdict"] == "garbage"
    assert by_name["noisy"]["first_bytes_hex"].startswith("808182")
    taken = by_name["taken"]
    assert taken["verdict"] == "busy"
    assert [h["pid"] for h in taken["holders"]] == [child.pid]
    assert f"(pid {child.pid})" in taken["reason"]


async def test_one_port_human_output_of_a_pin_locked_modem(start_network):
    network = await start_network(1, profile="huawei")
    sim = network.modems[0]
    sim.lock_sim("1234")
    status, out, err = await gsmgateway("probe", network.ports[0])
    assert status == 0, err
    heading, *rows = out.splitlines()
    assert heading == f"{network.ports[0]}: modem (huawei E173)"
    fields = {}
    for row in rows:
        key, _, value = row.strip().partition("  ")
        fields.setdefault(key, value.strip())
    assert fields["imei"] == sim.identity.imei
    assert fields["iccid"] == sim.identity.iccid
    assert fields["profile"] == "huawei"
    assert fields["sim"] == "SIM PIN"
    assert fields["imsi"] == "-"
    assert "probe never enters one" in fields["hint"]
    assert sim.machine.sim.pin_attempts_left == 3


async def test_not_a_modem_exits_1_and_says_why(scripted, tmp_path):
    quiet = scripted(scripted_port.silent)
    status, out, _ = await gsmgateway("probe", "--timeout", "2", quiet.path)
    assert status == 1
    assert out.startswith(f"{quiet.path}: silent (no answer to AT within ")
    missing = str(tmp_path / "ttyUSB7")
    status, out, _ = await gsmgateway("probe", "--json", missing)
    assert status == 1
    [port] = json.loads(out)["ports"]
    assert (port["verdict"], port["reason"]) == ("missing", "no such port")


async def test_the_config_adds_its_ports_and_names_a_profile(start_network, tmp_path):
    network = await start_network(2, profile="huawei")
    config = tmp_path / "config.toml"
    ports = json.dumps([network.ports[0], str(tmp_path / "gone")])
    config.write_text(
        f"[modems]\nports = {ports}\n"
        f'\n[[modem]]\nimei = "{network.modems[1].identity.imei}"\nprofile = "generic"\n'
    )
    status, out, err = await gsmgateway(
        "probe", "--all", "--config", str(config), "--glob", network.ports[1], "--json"
    )
    assert status == 0, err
    ports = json.loads(out)["ports"]
    assert [(p["port"], p["verdict"]) for p in ports] == [
        (network.ports[0], "modem"),
        (str(tmp_path / "gone"), "missing"),
        (network.ports[1], "modem"),
    ]
    assert (ports[0]["modem"]["profile"], ports[0]["modem"]["profile_source"]) == (
        "huawei",
        "identity",
    )
    assert (ports[2]["modem"]["profile"], ports[2]["modem"]["profile_source"]) == (
        "generic",
        "config",
    )


def test_all_with_nothing_to_scan_exits_1(tmp_path, capsys):
    assert cli_main(["probe", "--all", "--glob", str(tmp_path / "tty*")]) == 1
    assert capsys.readouterr().out == f"no serial port found (looked at {tmp_path / 'tty*'})\n"
    assert cli_main(["probe", "--all", "--json", "--glob", str(tmp_path / "tty*")]) == 1
    assert json.loads(capsys.readouterr().out) == {"modems": 0, "ports": []}


def test_usage_errors_exit_2_with_a_reason(tmp_path, capsys):
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("[modems]\nbaudrate = 'fast'\n")
    cases = {
        ("probe",): "give a PORT or --all",
        ("probe", "/dev/x", "--all"): "give a PORT or --all",
        ("probe", "/dev/x", "--glob", "/dev/tty*"): "--glob goes with --all",
        ("probe", "/dev/x", "--timeout", "0"): "--timeout",
        ("probe", "/dev/x", "--config", str(bad_config)): "baudrate",
    }
    for argv, reason in cases.items():
        assert cli_main(list(argv)) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("gsmgateway probe: ") and reason in err, (argv, err)
