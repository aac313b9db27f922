"""Real third-party clients accept the simulated modems: gammu and python-gsmmodem.

Debian's gammu runs as a subprocess against the pty; python-gsmmodem-new (threaded,
blocking) runs in a thread while the simulator's loop serves it.
"""

import pytest
from gsmmodem.modem import GsmModem

from gsmgateway.sim import Timing
from tests.sim.third_party import in_thread, run_gammu

# An exception in one of python-gsmmodem's own threads fails the test that caused it.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


async def test_gammu_identifies_every_profile(start_network, tmp_path):
    import asyncio

    net = await start_network(4, profile="mixed")  # generic, huawei, sim800, quectel
    runs = await asyncio.gather(*(run_gammu(tmp_path, port, "identify") for port in net.ports))
    for modem, (status, out) in zip(net.modems, runs, strict=True):
        assert status == 0, out
        assert f"Manufacturer         : {modem.profile.manufacturer}" in out.replace(
            "Huawei", "huawei"
        )
        assert modem.profile.model in out
        assert f"IMEI                 : {modem.identity.imei}" in out
        assert f"SIM IMSI             : {modem.identity.imsi}" in out


def connect_and_identify(port):
    modem = GsmModem(port, 115200)
    try:
        modem.connect()
        return {
            "manufacturer": modem.manufacturer,
            "imei": modem.imei,
            "imsi": modem.imsi,
            "signal": modem.signalStrength,
            "network": modem.networkName,
            "smsc": modem.smsc,
        }
    finally:
        modem.close()


async def test_python_gsmmodem_connects(start_network):
    net = await start_network(1)
    seen = await in_thread(connect_and_identify, net.ports[0])
    identity = net.modems[0].identity
    assert seen == {
        "manufacturer": "gsmgateway",
        "imei": identity.imei,
        "imsi": identity.imsi,
        "signal": 20,
        "network": "Test Network",
        "smsc": "+447400000001",
    }


async def test_gammu_sends_texts_in_pdu_mode(start_network, tmp_path):
    import asyncio

    net = await start_network(3, profile="sim800")
    to = net.modems[1].identity.number
    (plain_status, plain_out), (ucs2_status, ucs2_out) = await asyncio.gather(
        run_gammu(tmp_path, net.ports[0], "sendsms", "TEXT", to, "-report", "-text", "Hi gammu"),
        run_gammu(
            tmp_path, net.ports[2], "sendsms", "TEXT", "+447911123456", "-unicode", "-text",
            "Grüße €",
        ),
    )  # fmt: skip
    assert plain_status == 0, plain_out
    assert ucs2_status == 0, ucs2_out
    assert "OK, message reference=1" in plain_out
    entries = await net.log.wait_for(count=2)
    plain = next(e for e in entries if e["modem"]["index"] == 0)
    ucs2 = next(e for e in entries if e["modem"]["index"] == 2)
    assert (plain["text"], plain["to"], plain["concat"]) == ("Hi gammu", to, None)
    assert plain["encoding"] == "gsm7" and plain["status_report"] is True
    assert plain["delivered_to"] == "modem1"
    assert (ucs2["text"], ucs2["encoding"], ucs2["delivered_to"]) == ("Grüße €", "ucs2", "sink")


async def test_gammu_sends_a_long_concatenated_text(start_network, tmp_path):
    net = await start_network(1)
    text = "".join(f"Long text from gammu, sentence {n:02d}. " for n in range(12))
    assert len(text) > 400
    status, out = await run_gammu(
        tmp_path, net.ports[0], "sendsms", "TEXT", "+447911123456", "-len", str(len(text)),
        "-text", text,
    )  # fmt: skip
    assert status == 0, out
    entries = await net.log.wait_for(count=3)  # 432 GSM characters: 153 + 153 + 126
    assert "".join(e["text"] for e in entries) == text
    assert [e["concat"]["seq"] for e in entries] == [1, 2, 3]
    assert {e["concat"]["total"] for e in entries} == {3}
    assert len({e["concat"]["ref"] for e in entries}) == 1


async def test_gammu_reads_injected_messages(start_network, tmp_path):
    net = await start_network(1)
    net.inject_sms(0, text="First inbound message", sender="+447911123456")
    net.inject_sms(0, text="Zweite Nachricht: Grüße", sender="+447911654321")
    net.inject_sms(0, text="Long inbound " * 20, sender="MyBank", ref=9)
    status, out = await run_gammu(tmp_path, net.ports[0], "getallsms")
    assert status == 0, out
    assert "First inbound message" in out and "Zweite Nachricht: Grüße" in out
    assert '"+447911123456"' in out and '"+447911654321"' in out and '"MyBank"' in out
    for part in (1, 2):
        assert f"Concatenated (linked) message, ID (8 bit) 9, part {part} of 2" in out
    assert "4 SMS parts in 4 SMS sequences" in out


def send_two(port, to):
    modem = GsmModem(port, 115200)
    try:
        modem.connect()
        reported = modem.sendSms(
            to, "with a report", waitForDeliveryReport=True, deliveryTimeout=20
        )
        plain = modem.sendSms(to, "from python-gsmmodem")
        return reported.reference, reported.status, plain.reference, plain.status
    finally:
        modem.close()


async def test_python_gsmmodem_sends_with_and_without_waiting_for_the_report(start_network):
    # Reports 0.5 s after each submission: python-gsmmodem handles the first one in full
    # before the second message goes; the second's report comes after the port closed.
    net = await start_network(2, timing=Timing(status_report_delay=0.5))
    to = net.modems[1].identity.number
    ref_report, status_report, ref_plain, status_plain = await in_thread(send_two, net.ports[0], to)
    assert (ref_report, ref_plain) == (1, 2)
    assert status_report == 1  # SentSms.DELIVERED: the status report came back
    assert status_plain == 0  # SentSms.ENROUTE: sent, not waited for
    entries = await net.log.wait_for(count=2)
    assert [e["text"] for e in entries] == ["with a report", "from python-gsmmodem"]
    # python-gsmmodem 0.13 sets TP-SRR on every PDU it sends
    assert [e["status_report"] for e in entries] == [True, True]
    assert [e["delivered_to"] for e in entries] == ["modem1", "modem1"]


def receive_one(port, network_loop, inject):
    import threading

    got = []
    handlers = []
    arrived = threading.Event()

    def on_sms(sms):
        got.append((sms.number, sms.text))
        handlers.append(threading.current_thread())
        arrived.set()

    modem = GsmModem(port, 115200, smsReceivedCallbackFunc=on_sms)
    try:
        modem.connect()
        network_loop.call_soon_threadsafe(inject)
        if not arrived.wait(20):
            raise TimeoutError("no SMS reached python-gsmmodem's callback")
        # python-gsmmodem deletes the message (AT+CMGD) in the callback's thread after
        # the callback returns: let it finish before the port closes.
        handlers[0].join(20)
        return got
    finally:
        modem.close()


async def test_python_gsmmodem_receives_an_injected_sms(start_network):
    import asyncio

    net = await start_network(1)
    text = "Injected for python-gsmmodem"

    def inject():
        net.inject_sms(0, text=text, sender="+447911123456")

    got = await in_thread(receive_one, net.ports[0], asyncio.get_running_loop(), inject)
    assert got == [("+447911123456", text)]
    assert net.modems[0].machine.store.used("MT") == 0  # read from ME, then deleted
