"""Probing real ptys in-process: simulated modems of every profile, silent, garbage and
busy ports, a SIM-less modem, a missing path; all ports at once under one deadline."""

import dataclasses
import os
import time

from gsmgateway.at import PinState, RegistrationState
from gsmgateway.modem import SerialLink
from gsmgateway.probe import (
    Candidate,
    ProbeSettings,
    Verdict,
    find_candidates,
    judge,
    observe_ports,
)
from tests.helpers import scripted_port

FAST = ProbeSettings(timeout=5.0)


async def probe(paths, settings=FAST):
    candidates = [Candidate(path, os.path.realpath(path)) for path in paths]
    return [judge(o) for o in await observe_ports(candidates, settings)]


async def test_every_profile_is_identified_without_changing_its_settings(start_network):
    network = await start_network(4, profile="mixed")
    before = [dataclasses.asdict(sim.machine.settings) for sim in network.modems]
    reports = await probe(network.ports)
    for report, sim, settings in zip(reports, network.modems, before, strict=True):
        assert report.verdict is Verdict.MODEM, report
        found = report.observation.description
        assert (found.manufacturer, found.model) == (sim.profile.manufacturer, sim.profile.model)
        assert report.profile == sim.profile.name
        assert (found.imei, found.iccid, found.imsi) == (
            sim.identity.imei,
            sim.identity.iccid,
            sim.identity.imsi,
        )
        assert found.sim is PinState.READY
        assert found.registration is RegistrationState.HOME
        assert found.operator and found.signal.dbm is not None
        after = dataclasses.asdict(sim.machine.settings)
        changed = {key for key in settings if settings[key] != after[key]}
        assert changed <= {"echo", "cmee"}, changed  # ATE0 and AT+CMEE=1 only
    assert sorted(r.profile for r in reports) == ["generic", "huawei", "quectel", "sim800"]


async def test_a_pin_locked_sim_is_reported_and_left_locked(start_network):
    network = await start_network(2, profile="sim800")
    locked = network.modems[1]
    locked.lock_sim("4321")
    reports = await probe(network.ports)
    assert [r.observation.description.sim for r in reports] == [PinState.READY, PinState.SIM_PIN]
    assert reports[1].verdict is Verdict.MODEM
    assert reports[1].observation.description.iccid == locked.identity.iccid
    assert reports[1].observation.description.imsi == ""  # not readable before the PIN
    assert "probe never enters one" in reports[1].hints[0]
    assert locked.machine.sim.state.value == "SIM PIN"
    assert locked.machine.sim.pin_attempts_left == 3


async def test_a_silent_port_is_given_up_within_the_timeout(scripted):
    port = scripted(scripted_port.silent)
    started = time.monotonic()
    [report] = await probe([port.path], ProbeSettings(timeout=2.0))
    elapsed = time.monotonic() - started
    assert report.verdict is Verdict.SILENT
    assert "no answer to AT within" in report.reason and "not an AT port" in report.reason
    assert elapsed < 2.0 + 1.0  # the deadline, plus closing the port on a loaded machine
    assert port.lines  # it was asked


async def test_the_overall_timeout_bounds_a_port_slower_than_it(scripted):
    port = scripted(scripted_port.silent)
    started = time.monotonic()
    [report] = await probe([port.path], ProbeSettings(timeout=0.3))
    assert time.monotonic() - started < 0.3 + 1.0
    assert report.verdict is Verdict.SILENT


async def test_garbage_nmea_and_an_at_port_without_imei(scripted):
    garbage = scripted(scripted_port.binary_garbage)
    gps = scripted(scripted_port.nmea)
    no_imei = scripted(scripted_port.answers_at_without_imei)
    reports = await probe([garbage.path, gps.path, no_imei.path])
    assert [r.verdict for r in reports] == [Verdict.GARBAGE, Verdict.GARBAGE, Verdict.NOT_A_MODEM]
    assert "\\x80\\x81\\x82" in reports[0].reason
    assert "GPS port" in reports[1].hints[-1]
    assert "no IMEI" in reports[2].reason


async def test_a_modem_without_a_sim_says_not_inserted(scripted):
    port = scripted(scripted_port.modem_without_sim)
    [report] = await probe([port.path])
    assert report.verdict is Verdict.MODEM
    found = report.observation.description
    assert (found.imei, found.manufacturer, found.profile) == ("490154203237518", "Acme", "generic")
    assert found.sim is PinState.NOT_INSERTED
    assert found.sim_error == "+CME ERROR: 10 (SIM not inserted)"
    assert found.signal.dbm is None
    assert "no SIM" in report.hints[0]
    assert not any(line.startswith("AT+CPIN=") for line in port.lines)


async def test_a_port_our_own_link_holds_is_busy(start_network):
    network = await start_network(1)
    link = await SerialLink.open(network.ports[0])
    try:
        [report] = await probe(network.ports)
    finally:
        await link.close()
    assert report.verdict is Verdict.BUSY
    # This process is also the simulated modem (the pty's master side), so it is not
    # named: tests/probe/test_probe_cli.py names a holder in another process.
    assert report.reason == "another process holds it"
    assert any("fuser -v" in hint for hint in report.hints)


async def test_a_missing_path_is_missing(tmp_path):
    candidates = find_candidates([str(tmp_path / "ttyUSB9")], [])
    [observation] = await observe_ports(candidates, FAST)
    assert judge(observation).verdict is Verdict.MISSING


async def test_ports_are_probed_in_parallel(scripted):
    # Three silent ports take about 3 x 0.375 s each; one after another they would
    # not all fit in the timeout, in parallel they do.
    ports = [scripted(scripted_port.silent) for _ in range(3)]
    settings = ProbeSettings(timeout=3.0)
    per_port = settings.driver_settings().probe_timeout * 3
    assert per_port * 3 > settings.timeout
    reports = await probe([p.path for p in ports], settings)
    assert [r.observation.outcome.value for r in reports] == ["no modem"] * 3


async def test_a_port_whose_turn_never_comes_is_reported_not_probed(scripted):
    first, second = scripted(scripted_port.silent), scripted(scripted_port.silent)
    reports = await probe([first.path, second.path], ProbeSettings(timeout=0.5, concurrency=1))
    assert [r.verdict for r in reports] == [Verdict.SILENT, Verdict.FAILED]
    assert reports[1].reason == "not probed: the --timeout ran out before its turn"
    assert not second.lines
