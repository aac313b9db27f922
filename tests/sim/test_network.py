"""The virtual network through real ptys: relaying, the sim log, reports, rejections, injection.

PDUs going in are made by python-gsmmodem's encoder and the ones coming out are read
with smspdudecoder and python-gsmmodem's decoder: independent oracles, not our codec.
"""

import re

from gsmmodem.pdu import decodeSmsPdu, encodeSmsSubmitPdu
from smspdudecoder.easy import read_incoming_sms

from gsmgateway.sim import Timing


async def ready(open_client, path, *setup):
    client = open_client(path)
    await client.command("ATE0")
    for line in ("AT+CMEE=1", *setup):
        assert (await client.command(line)).endswith("OK\r\n"), line
    client.take()
    return client


async def send_pdu(client, pdu):
    """AT+CMGS in PDU mode; returns the +CMGS reference or the CMS error text."""
    assert await client.command(f"AT+CMGS={pdu.tpduLength}") == "\r\n> "
    reply = await client.command(pdu.data.hex().upper().encode() + b"\x1a", timeout=10)
    found = re.search(r"\+CMGS: (\d+)\r\n\r\nOK", reply)
    return int(found.group(1)) if found else reply.strip()


def submit(to, text, **options):
    return encodeSmsSubmitPdu(to, text, reference=0, requestStatusReport=False, **options)


async def test_message_to_another_modem_arrives_there_and_is_logged(start_network, open_client):
    net = await start_network(2)
    sender = await ready(open_client, net.ports[0])
    receiver = await ready(open_client, net.ports[1], "AT+CNMI=2,1,0,2,0", 'AT+CPMS="ME","ME","ME"')
    (pdu,) = submit(net.modems[1].identity.number, "Hello over the air")
    assert await send_pdu(sender, pdu) == 1
    notice = await receiver.expect(rb'\+CMTI: "ME",(\d+)\r\n')
    reply = await receiver.command(f"AT+CMGR={int(notice.group(1))}")
    deliver = reply.split("\r\n")[2]
    decoded = read_incoming_sms(deliver)
    assert decoded["sender"] == net.modems[0].identity.number
    assert decoded["content"] == "Hello over the air"
    (entry,) = await net.log.wait_for(count=1)
    assert entry["modem"] == {"index": 0, "imei": net.modems[0].identity.imei}
    assert entry["from"] == net.modems[0].identity.number
    assert entry["to"] == net.modems[1].identity.number
    assert entry["mr"] == 1 and entry["text"] == "Hello over the air"
    assert entry["encoding"] == "gsm7" and entry["concat"] is None
    assert entry["status_report"] is False and entry["error"] is None
    assert entry["delivered_to"] == "modem1" and entry["pdu"] == pdu.data.hex().upper()


async def test_concatenated_parts_keep_their_header_and_go_to_cmt(start_network, open_client):
    net = await start_network(2)
    sender = await ready(open_client, net.ports[0])
    receiver = await ready(open_client, net.ports[1], "AT+CNMI=2,2,0,0,0")
    text = "Concatenated message, part after part. " * 6
    pdus = submit(net.modems[1].identity.number, text)
    assert len(pdus) == 2
    for pdu in pdus:
        await send_pdu(sender, pdu)
    parts = []
    for _ in pdus:
        routed = await receiver.expect(rb"\+CMT: ,(\d+)\r\n([0-9A-F]+)\r\n")
        parts.append(decodeSmsPdu(routed.group(2).decode()))
    assert "".join(p["text"] for p in parts) == text
    assert [p["udh"][0].number for p in parts] == [1, 2]
    entries = await net.log.wait_for(count=2)
    assert [e["concat"]["seq"] for e in entries] == [1, 2]
    assert {e["concat"]["total"] for e in entries} == {2}
    assert "".join(e["text"] for e in entries) == text
    assert [e["mr"] for e in entries] == [1, 2]


async def test_status_report_comes_back_with_the_reference(start_network, open_client):
    net = await start_network(2)
    sender = await ready(open_client, net.ports[0], "AT+CNMI=2,1,0,1,0")
    (pdu,) = encodeSmsSubmitPdu(
        net.modems[1].identity.number, "report me", requestStatusReport=True
    )
    mr = await send_pdu(sender, pdu)
    routed = await sender.expect(rb"\+CDS: (\d+)\r\n([0-9A-F]+)\r\n")
    report = decodeSmsPdu(routed.group(2).decode())
    assert report["type"] == "SMS-STATUS-REPORT"
    assert report["reference"] == mr and report["status"] == 0
    assert report["number"] == net.modems[1].identity.number


async def test_failed_delivery_and_rejected_submission(start_network, open_client):
    net = await start_network(1)
    client = await ready(open_client, net.ports[0], "AT+CNMI=2,1,0,2,0")
    net.fail_delivery("+447400177777")
    (pdu,) = encodeSmsSubmitPdu("+447400177777", "nobody home", requestStatusReport=True)
    mr = await send_pdu(client, pdu)
    notice = await client.expect(rb'\+CDSI: "SM",(\d+)\r\n')
    reply = await client.command(f"AT+CMGR={int(notice.group(1))}")
    report = decodeSmsPdu(reply.split("\r\n")[2])
    assert report["reference"] == mr and report["status"] == 0x41
    net.reject_submissions("+447400188888", 28)
    (pdu,) = submit("+447400188888", "refused")
    assert await send_pdu(client, pdu) == "+CMS ERROR: 28"
    entries = await net.log.wait_for(count=2)
    assert entries[0]["delivered_to"] is None
    assert entries[1]["error"] == 28 and entries[1]["mr"] is None
    assert net.sink == []


async def test_sink_and_reference_wraps_after_255(start_network, open_client):
    net = await start_network(1)
    client = await ready(open_client, net.ports[0])
    net.modems[0].machine.last_mr = 254
    refs = []
    for _ in range(3):
        (pdu,) = submit("+447911123456", "to the outside")
        refs.append(await send_pdu(client, pdu))
    assert refs == [255, 0, 1]
    assert [m.to for m in net.sink] == ["+447911123456"] * 3


async def test_cms_error_fault_and_no_network(start_network, open_client):
    net = await start_network(1)
    client = await ready(open_client, net.ports[0])
    net.modems[0].set_cms_errors(1.0, [332])
    (pdu,) = submit("+447911123456", "x")
    assert await send_pdu(client, pdu) == "+CMS ERROR: 332"
    net.modems[0].set_cms_errors(0.0, [])
    net.modems[0].set_registration(0)
    assert await send_pdu(client, pdu) == "+CMS ERROR: 331"
    net.modems[0].set_registration(1)
    # TS 23.040 9.2.3.6: each SMS-SUBMIT that went to the network took a reference,
    # the rejected one too; the one that never left (no network) took none.
    assert await send_pdu(client, pdu) == 2


async def test_cms_error_rate_is_a_share(start_network, open_client):
    net = await start_network(1, seed=3)
    client = await ready(open_client, net.ports[0])
    net.modems[0].set_cms_errors(0.5, [41, 21])
    (pdu,) = submit("+447911123456", "maybe")
    results = [await send_pdu(client, pdu) for _ in range(40)]
    errors = [r for r in results if isinstance(r, str)]
    assert set(errors) <= {"+CMS ERROR: 41", "+CMS ERROR: 21"}
    assert 8 <= len(errors) <= 32


async def test_a_pdu_the_decoder_rejects_is_304(start_network, open_client):
    net = await start_network(1)
    client = await ready(open_client, net.ports[0])
    # SMS-SUBMIT whose user data length claims 200 septets but carries 2 octets.
    assert await client.command("AT+CMGS=13") == "\r\n> "
    assert await client.command(b"0001000B914477001000F00000C8D4F2\x1a") == (
        "\r\n+CMS ERROR: 304\r\n"
    )
    assert net.log.entries == []


async def test_injected_messages(start_network, open_client):
    net = await start_network(1)
    client = await ready(open_client, net.ports[0], "AT+CNMI=2,2,0,0,0")
    net.inject_sms(0, text="Grüße 👋", sender="+447911123456", encoding="ucs2")
    routed = await client.expect(rb"\+CMT: ,\d+\r\n([0-9A-F]+)\r\n")
    decoded = read_incoming_sms(routed.group(1).decode())
    assert decoded["content"] == "Grüße 👋" and decoded["sender"] == "+447911123456"
    net.inject_sms(0, text="Your code is 1234", sender="MyBank")
    routed = await client.expect(rb"\+CMT: ,\d+\r\n([0-9A-F]+)\r\n")
    assert read_incoming_sms(routed.group(1).decode())["sender"] == "MyBank"
    long_text = "".join(f"part{n:03d} " for n in range(50))  # 400 characters: 3 parts
    pdus = net.inject_sms(0, text=long_text, order=[3, 1, 2], omit=[2])
    assert len(pdus) == 2
    seqs = []
    for _ in pdus:
        routed = await client.expect(rb"\+CMT: ,\d+\r\n([0-9A-F]+)\r\n")
        seqs.append(decodeSmsPdu(routed.group(1).decode())["udh"][0].number)
    assert seqs == [3, 1]
    net.inject_sms(0, data=b"\x01\x02\xff", sender="+447911123456")
    routed = await client.expect(rb"\+CMT: ,\d+\r\n([0-9A-F]+)\r\n")
    assert routed.group(1).decode().endswith("030102FF")


async def test_text_mode_send_and_list(start_network, open_client):
    net = await start_network(2)
    sender = await ready(open_client, net.ports[0], "AT+CMGF=1")
    receiver = await ready(open_client, net.ports[1], "AT+CMGF=1", "AT+CNMI=2,1,0,0,0")
    assert await sender.command(f'AT+CMGS="{net.modems[1].identity.number}"') == "\r\n> "
    reply = await sender.command(b"text mode works\x1a")
    assert re.search(r"\+CMGS: 1\r\n\r\nOK", reply)
    await receiver.expect(rb'\+CMTI: "SM",1')
    listing = await receiver.command('AT+CMGL="ALL"')
    number = net.modems[0].identity.number
    assert re.search(rf'\+CMGL: 1,"REC UNREAD","\{number}",,"\d\d/\d\d/\d\d,', listing)
    assert "\r\ntext mode works\r\n" in listing
    assert (await net.log.wait_for())[0]["text"] == "text mode works"


async def test_cmgs_delay_and_latency_are_applied(start_network, open_client):
    import time

    net = await start_network(1)
    client = await ready(open_client, net.ports[0])
    net.set_timing(Timing(command_latency=0.05, cmgs_delay=0.3))
    started = time.monotonic()
    await client.command("AT")
    assert time.monotonic() - started >= 0.05  # lower bounds only: a slow machine is fine
    (pdu,) = submit("+447911123456", "slow")
    started = time.monotonic()
    await send_pdu(client, pdu)
    assert time.monotonic() - started >= 0.3


async def test_write_to_storage_full_and_send_from_storage(start_network, open_client):
    net = await start_network(2)
    net.modems[0].machine.store = type(net.modems[0].machine.store)({"SM": 2, "ME": 2})
    client = await ready(open_client, net.ports[0])
    (pdu,) = submit("+447911123456", "stored first")
    for expected in ("+CMGW: 1", "+CMGW: 2"):
        assert await client.command(f"AT+CMGW={pdu.tpduLength}") == "\r\n> "
        reply = await client.command(pdu.data.hex().upper().encode() + b"\x1a")
        assert reply == f"\r\n{expected}\r\n\r\nOK\r\n"
    assert await client.command(f"AT+CMGW={pdu.tpduLength}") == "\r\n> "
    reply = await client.command(pdu.data.hex().upper().encode() + b"\x1a")
    assert reply == "\r\n+CMS ERROR: 322\r\n"  # TS 27.005 3.2.5: memory full
    assert await client.command("AT+CMGL=2") == (
        f"\r\n+CMGL: 1,2,,{pdu.tpduLength}\r\n{pdu.data.hex().upper()}\r\n"
        f"+CMGL: 2,2,,{pdu.tpduLength}\r\n{pdu.data.hex().upper()}\r\n\r\nOK\r\n"
    )
    reply = await client.command(f'AT+CMSS=1,"{net.modems[1].identity.number}"')
    assert re.fullmatch(r"\r\n\+CMSS: 1\r\n\r\nOK\r\n", reply)
    entry = (await net.log.wait_for())[0]
    assert entry["to"] == net.modems[1].identity.number and entry["text"] == "stored first"
    assert "+CMGL: 1,3," in await client.command("AT+CMGL=4")  # now STO SENT
    assert await client.command("AT+CMSS=9") == "\r\n+CMS ERROR: 321\r\n"


async def test_text_mode_routed_message_and_report(start_network, open_client):
    net = await start_network(2)
    sender = await ready(open_client, net.ports[0], "AT+CMGF=1", "AT+CSMP=49,167,0,0")
    sender.send("AT+CNMI=2,2,0,1,0\r")
    await sender.expect(rb"OK\r\n")
    receiver = await ready(open_client, net.ports[1], "AT+CMGF=1", "AT+CNMI=2,2,0,0,0")
    assert await sender.command(f'AT+CMGS="{net.modems[1].identity.number}"') == "\r\n> "
    await sender.command(b"routed in text mode\x1a")
    number = net.modems[0].identity.number
    routed = await receiver.expect(rb'\+CMT: "([^"]+)",,"([^"]+)"\r\n([^\r]*)\r\n')
    assert routed.group(1).decode() == number
    assert routed.group(3) == b"routed in text mode"
    # TP-SRR from AT+CSMP <fo>=49: the report comes back as a text-mode +CDS
    report = await sender.expect(rb'\+CDS: 6,1,"([^"]+)",145,"[^"]+","[^"]+",0\r\n')
    assert report.group(1).decode() == net.modems[1].identity.number


async def test_national_shift_headers_reach_the_recipient_untouched(start_network, open_client):
    from gsmgateway.sms.pdu import decode_pdu, encode_message
    from gsmgateway.sms.plan import plan_text

    net = await start_network(2)
    sender = await ready(open_client, net.ports[0])
    receiver = await ready(open_client, net.ports[1], "AT+CNMI=2,2,0,0,0")
    text = "Çağrı merkezi: şimdi arayın, ğüşıöç " * 3
    plan = plan_text(text, national=["tr"])
    assert plan.locking == "tr" or plan.single == "tr"
    pdus = encode_message(net.modems[1].identity.number, plan, concat_ref=77)
    for pdu in pdus:
        assert await client_send(sender, pdu) in range(256)
    received = []
    for _ in pdus:
        routed = await receiver.expect(rb"\+CMT: ,\d+\r\n([0-9A-F]+)\r\n")
        received.append(decode_pdu(routed.group(1).decode(), smsc=True))
    assert "".join(d.text for d in received) == text
    assert {d.national for d in received} == {(plan.locking, plan.single)}
    sent = [decode_pdu(p.hex, smsc=True) for p in pdus]
    assert [d.udh for d in received] == [d.udh for d in sent]
    entries = await net.log.wait_for(count=len(pdus))
    assert "".join(e["text"] for e in entries) == text


async def client_send(client, pdu):
    """AT+CMGS with one of our codec's SubmitPdu values."""
    assert await client.command(f"AT+CMGS={pdu.tpdu_length}") == "\r\n> "
    reply = await client.command(pdu.hex.upper().encode() + b"\x1a", timeout=10)
    return int(re.search(r"\+CMGS: (\d+)", reply).group(1))
