"""The driver against simulated modems on real ptys: init per profile, send, inbound, faults."""

import asyncio
import os
import time
import tty

import pytest

from gsmgateway.at import ErrorClass
from gsmgateway.modem.decoding import ReceivedReport, ReceivedSms, decode_inbound
from gsmgateway.modem.driver import DriverSettings
from gsmgateway.modem.errors import CommandTimeout, NotAModem, SimLocked
from gsmgateway.modem.results import (
    Ambiguous,
    InboundPdu,
    LateSubmitReport,
    MessageWaiting,
    NotSent,
    PortLost,
    Rejected,
    Sent,
    SimChanged,
    StorageKind,
)
from gsmgateway.sim import Timing
from gsmgateway.sms.dcs import Encoding
from gsmgateway.sms.pdu import encode_submit
from tests.helpers.waiting import wait_for
from tests.modem.conftest import FAST

OUTSIDE = "+4915112345678"

EXPECTED = {
    "generic": ("gsmgateway", "SIM-MODEM"),
    "huawei": ("huawei", "E173"),
    "sim800": ("SIMCOM_Ltd", "SIMCOM_SIM800L"),
    "quectel": ("Quectel", "EC25"),
}


def submit(to=OUTSIDE, text="hello", **options):
    return encode_submit(to, text=text, encoding=Encoding.GSM7, **options)


async def ready_driver(start_network, open_driver, profile="generic", count=1, **net):
    network = await start_network(count, profile=profile, **net)
    driver, events = await open_driver(network.ports[0])
    await driver.initialise()
    return network, driver, events


@pytest.mark.parametrize("profile", sorted(EXPECTED))
async def test_every_profile_initialises_and_identifies(start_network, open_driver, profile):
    network, driver, _events = await ready_driver(start_network, open_driver, profile)
    sim = network.modems[0]
    identity = driver.identity
    assert identity is not None
    assert (identity.manufacturer, identity.model) == EXPECTED[profile]
    assert identity.profile == profile
    assert identity.imei == sim.identity.imei
    assert identity.imsi == sim.identity.imsi
    assert identity.iccid == sim.identity.iccid
    assert driver.health.registered
    assert driver.health.signal is not None and driver.health.signal.dbm is not None
    assert driver.health.operator == "Test Network"
    settings = sim.machine.settings
    assert settings.echo is False and settings.cmgf == 0
    assert settings.cnmi[1] == 1  # SMS stored with +CMTI, deleted after the commit
    if profile == "huawei":
        assert settings.curc == 0  # the ^BOOT / ^RSSI noise is switched off


async def test_send_commits_before_ctrl_z_and_returns_the_mr(start_network, open_driver):
    network, driver, _events = await ready_driver(start_network, open_driver)
    pdu = submit(text="first")
    seen_at_hook = []

    async def before_submit():
        seen_at_hook.append(len(network.log.entries))

    outcome = await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=before_submit)
    assert isinstance(outcome, Sent)
    assert seen_at_hook == [0]  # the hook ran while nothing had reached the network
    [entry] = network.log.entries
    assert entry["text"] == "first" and entry["mr"] == outcome.mr and entry["to"] == OUTSIDE
    second = await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=before_submit)
    assert isinstance(second, Sent) and second.mr == (outcome.mr + 1) % 256


async def test_a_failing_hook_cancels_the_prompt_and_nothing_is_sent(start_network, open_driver):
    network, driver, _events = await ready_driver(start_network, open_driver)
    pdu = submit()

    async def refuse():
        raise RuntimeError("store said no")

    with pytest.raises(RuntimeError, match="store said no"):
        await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=refuse)
    assert network.log.entries == []
    assert await driver.probe()  # the line is in step again

    async def accept():
        return None

    assert isinstance(await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=accept), Sent)


async def test_cms_errors_are_definite_refusals_with_their_class(start_network, open_driver):
    network, driver, _events = await ready_driver(start_network, open_driver)

    async def hook():
        return None

    network.modems[0].set_cms_errors(1.0, [42])
    pdu = submit()
    outcome = await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=hook)
    assert isinstance(outcome, Rejected)
    assert outcome.kind is ErrorClass.TEMPORARY and outcome.code == 42
    network.modems[0].set_cms_errors(0.0, [])
    network.reject_submissions(OUTSIDE, 1)
    outcome = await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=hook)
    assert isinstance(outcome, Rejected) and outcome.kind is ErrorClass.PERMANENT


async def test_silence_after_ctrl_z_is_ambiguous_and_a_late_answer_is_reported(
    start_network, open_driver
):
    network = await start_network(1)
    settings = DriverSettings(command_timeout=1.0, send_timeout=0.3, probe_timeout=0.4)
    driver, events = await open_driver(network.ports[0], settings)
    await driver.initialise()
    network.modems[0].set_timing(Timing(cmgs_delay=0.8))

    async def hook():
        return None

    pdu = submit()
    outcome = await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=hook)
    assert isinstance(outcome, Ambiguous)
    late = await wait_for(
        lambda: [e for e in events if isinstance(e, LateSubmitReport)], 5, "late +CMGS"
    )
    assert late[0].mr == network.log.entries[0]["mr"]
    network.modems[0].set_timing(Timing())
    assert await driver.probe()
    assert isinstance(await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=hook), Sent)


async def test_a_hung_modem_times_out_then_comes_back_in_step(start_network, open_driver):
    network, driver, _events = await ready_driver(start_network, open_driver)
    network.modems[0].hang()
    with pytest.raises(CommandTimeout):
        await driver.refresh_signal()
    assert not await driver.probe()

    async def hook():
        return None

    pdu = submit()
    outcome = await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=hook)
    assert isinstance(outcome, NotSent) and outcome.modem_fault
    network.modems[0].resume()
    await wait_for(driver.probe, 10, "the modem to answer again")
    assert isinstance(await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=hook), Sent)


async def test_unplug_mid_send_is_ambiguous_and_reported(start_network, open_driver):
    network, driver, events = await ready_driver(start_network, open_driver)
    network.modems[0].set_timing(Timing(cmgs_delay=1.0))
    sim = network.modems[0]

    async def hook():
        return None

    pdu = submit()
    sending = asyncio.ensure_future(driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=hook))
    await wait_for(lambda: sim.machine.phase.value == "submitting", 5, "the sim to submit")
    sim.unplug()
    outcome = await sending
    assert isinstance(outcome, Ambiguous)
    await wait_for(lambda: any(isinstance(e, PortLost) for e in events), 5, "PortLost")
    assert driver.closed


async def test_stored_inbound_is_read_then_deleted(start_network, open_driver):
    network, driver, events = await ready_driver(start_network, open_driver)
    network.inject_sms(0, text="hello gateway", sender="+447700900001")
    [notice] = await wait_for(
        lambda: [e for e in events if isinstance(e, MessageWaiting)], 5, "+CMTI"
    )
    inbound = await driver.read_stored(notice.location)
    decoded = decode_inbound(inbound)
    assert isinstance(decoded, ReceivedSms)
    assert (decoded.sender, decoded.text) == ("+447700900001", "hello gateway")
    assert network.modems[0].machine.store.used(notice.location.memory) == 1
    await driver.acknowledge(inbound)
    assert network.modems[0].machine.store.used(notice.location.memory) == 0


async def test_drain_lists_what_the_sim_held_before_start(start_network, open_driver):
    network = await start_network(1)
    network.inject_sms(0, text="waiting one")
    network.inject_sms(0, text="waiting two")
    driver, _events = await open_driver(network.ports[0])
    await driver.initialise()
    stored = await driver.list_stored()
    texts = sorted(decode_inbound(item).text for item in stored)
    assert texts == ["waiting one", "waiting two"]
    for item in stored:
        await driver.acknowledge(item)
    assert await driver.list_stored() == []


async def test_routed_inbound_and_status_reports(start_network, open_driver):
    network = await start_network(1)
    settings = DriverSettings(**{**FAST.__dict__, "route_inbound": True})
    driver, events = await open_driver(network.ports[0], settings)
    await driver.initialise()
    network.inject_sms(0, text="routed")
    [routed] = await wait_for(
        lambda: [e for e in events if isinstance(e, InboundPdu) and e.kind is StorageKind.DELIVER],
        5,
        "+CMT",
    )
    assert routed.routed and decode_inbound(routed).text == "routed"
    await driver.acknowledge(routed)  # AT+CNMA

    async def hook():
        return None

    pdu = submit(status_report=True)
    sent = await driver.send_pdu(pdu.hex, pdu.tpdu_length, before_submit=hook)
    [report] = await wait_for(
        lambda: [
            e for e in events if isinstance(e, InboundPdu) and e.kind is StorageKind.STATUS_REPORT
        ],
        5,
        "+CDS",
    )
    decoded = decode_inbound(report)
    assert isinstance(decoded, ReceivedReport) and decoded.mr == sent.mr
    assert decoded.status == 0


async def test_a_wrong_pin_is_tried_once_and_never_again(start_network, open_driver):
    network = await start_network(1)
    network.modems[0].lock_sim("1234")
    driver, _events = await open_driver(network.ports[0])
    with pytest.raises(SimLocked) as raised:
        await driver.initialise(pin_for=lambda iccid: "9999")
    assert raised.value.refused_pin == "9999"
    assert network.modems[0].machine.sim.pin_attempts_left == 2
    with pytest.raises(SimLocked):
        await driver.initialise(pin_for=lambda iccid: "")
    assert network.modems[0].machine.sim.pin_attempts_left == 2


async def test_the_right_pin_unlocks(start_network, open_driver):
    network = await start_network(1, profile="sim800")
    network.modems[0].lock_sim("4321")
    driver, _events = await open_driver(network.ports[0])
    identity = await driver.initialise(pin_for=lambda iccid: "4321")
    assert identity.iccid == network.modems[0].identity.iccid
    assert driver.health.registered


@pytest.fixture
def silent_pty():
    master, slave = os.openpty()
    tty.setraw(slave)
    yield os.ttyname(slave), master
    os.close(master)
    os.close(slave)


async def test_a_port_that_answers_nothing_is_given_up_quickly(silent_pty, open_driver):
    path, _master = silent_pty
    driver, _events = await open_driver(path)
    started = time.monotonic()
    with pytest.raises(NotAModem):
        await driver.identify()
    assert time.monotonic() - started < 5


async def test_a_port_that_answers_garbage_is_given_up_quickly(silent_pty, open_driver):
    path, master = silent_pty
    loop = asyncio.get_running_loop()

    def babble():
        try:
            os.read(master, 4096)
            os.write(master, os.urandom(64).replace(b"\r", b"x") + b"\r\nNOISE\r\n")
        except OSError:
            loop.remove_reader(master)

    loop.add_reader(master, babble)
    try:
        driver, _events = await open_driver(path)
        started = time.monotonic()
        with pytest.raises(NotAModem):
            await driver.identify()
        assert time.monotonic() - started < 5
    finally:
        loop.remove_reader(master)


async def test_a_reset_that_re_enumerates_the_usb_device_is_waited_for(start_network, open_driver):
    network, driver, events = await ready_driver(start_network, open_driver, "quectel")
    await driver.reset()
    assert network.modems[0].plug_count == 2  # the pty went away and a new one came
    assert not [e for e in events if isinstance(e, PortLost)]  # expected, not reported
    identity = await driver.initialise()
    assert identity.imei == network.modems[0].identity.imei


async def test_signal_and_sim_urcs_update_health_and_report(start_network, open_driver):
    network, driver, events = await ready_driver(start_network, open_driver, "huawei")
    sim = network.modems[0]
    sim.urc_storm(1, "^RSSI: 25")
    await wait_for(lambda: driver.health.signal.rssi == 25, 5, "^RSSI taken")
    assert driver.health.signal.dbm == -63
    sim.urc_storm(1, "+CPIN: SIM PIN")
    [changed] = await wait_for(
        lambda: [e for e in events if isinstance(e, SimChanged)], 5, "+CPIN reported"
    )
    assert changed.state == "SIM PIN"
