"""Debian's gammu-smsd (the daemon, files backend) uses a simulated modem as a dongle.

gammu-smsd runs as its own process on the pty with its configuration, log and spool
in the test's temp dir; messages go into its outbox with gammu-smsd-inject, inbound
ones are injected into the simulator. It is stopped by its PID (SIGTERM, so it closes
the port and removes its shared memory; SIGKILL if it will not go) whatever happens.

gammu-smsd 1.42 also writes one empty inbox file with a zero date and no sender for
each +CDSI notice: its own bug with every modem that announces stored status reports
(README, "Simulated modems"); the test names those files and tolerates only them, and
checks the README's workaround (`atgen_setcnmi = ,,,1`) files none.
"""

import asyncio
import contextlib
import os
import re
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.waiting import wait_for

GAMMU_SMSD = shutil.which("gammu-smsd")
GAMMU_SMSD_INJECT = shutil.which("gammu-smsd-inject")
# gammu-smsd and gammu-smsd-inject read and write texts in the locale's charset.
CLIENT_ENV = {**os.environ, "LC_ALL": "C.UTF-8"}
# The files backend's inbox names (smsd/services/files.c, SMSD_SaveInboxSMS):
# IN<date>_<time>_<serial>_<sender>_<part>.txt, the part counted from 00.
INBOX_NAME = re.compile(
    r"IN(?P<date>\d+)_(?P<time>\d+)_(?P<serial>\d+)_(?P<sender>.*)_(?P<part>\d+)\.txt"
)


def need_gammu_smsd():
    if GAMMU_SMSD is None or GAMMU_SMSD_INJECT is None:
        print("skipping: Debian's gammu-smsd is not installed (apt-get install gammu-smsd)")
        pytest.skip("gammu-smsd not installed (apt-get install gammu-smsd)")


@dataclass(frozen=True)
class Spool:
    """gammu-smsd's configuration, log and files-backend folders in one directory."""

    root: Path

    @property
    def config(self):
        return self.root / "smsdrc"

    @property
    def log(self):
        return self.root / "smsd.log"

    def folder(self, name):
        return self.root / name

    def write_config(self, port, gammu_extra=""):
        for name in ("inbox", "outbox", "sent", "error"):
            self.folder(name).mkdir(parents=True, exist_ok=True)
        # commtimeout/receivefrequency 1: poll every second (defaults are 30 s / 15 s)
        # so the test is short; debuglevel 255 puts gammu's AT trace in the log.
        self.config.write_text(
            f"[gammu]\ndevice = {port}\nconnection = at\n{gammu_extra}\n"
            "[smsd]\nservice = files\n"
            f"logfile = {self.log}\ndebuglevel = 255\n"
            f"inboxpath = {self.folder('inbox')}/\noutboxpath = {self.folder('outbox')}/\n"
            f"sentsmspath = {self.folder('sent')}/\nerrorsmspath = {self.folder('error')}/\n"
            "deliveryreport = sms\ncommtimeout = 1\nreceivefrequency = 1\n"
        )

    def inbox(self):
        """(match, text) of every inbox file, in name order."""
        found = []
        for path in sorted(self.folder("inbox").iterdir()):
            name = INBOX_NAME.fullmatch(path.name)
            assert name is not None, f"unexpected inbox file {path.name}"
            found.append((name, path.read_text(encoding="utf-8")))
        return found

    def names(self, name):
        return sorted(path.name for path in self.folder(name).iterdir())

    def diagnosis(self):
        """What to look at when a wait times out: the folders and the log's end."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        lines = [line for line in text.splitlines() if line.count("|") < 4]  # no hex dumps
        listing = {name: self.names(name) for name in ("inbox", "outbox", "sent", "error")}
        return f"{listing}\n--- end of {self.log.name}:\n" + "\n".join(lines[-60:])


async def run_client(program, *args):
    """Run a gammu-smsd tool to its end (killed after 30 s); (exit status, output)."""
    proc = await asyncio.create_subprocess_exec(
        program, *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=CLIENT_ENV,
    )  # fmt: skip
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return proc.returncode, out.decode(errors="replace")


async def gammu_smsd_version():
    """gammu-smsd's version as (major, minor), from "Gammu-smsd version 1.42.0"."""
    _status, out = await run_client(GAMMU_SMSD, "--version")
    found = re.search(r"version (\d+)\.(\d+)", out)
    assert found is not None, out
    return int(found.group(1)), int(found.group(2))


async def inject_outbox(spool, number, *args):
    """gammu-smsd-inject TEXT NUMBER ARGS: one message into the outbox."""
    status, out = await run_client(
        GAMMU_SMSD_INJECT, "-c", str(spool.config), "TEXT", number, *args
    )
    assert status == 0, out


@contextlib.asynccontextmanager
async def running_gammu_smsd(spool):
    """gammu-smsd in the foreground on the spool's config; stopped by its PID after."""
    with (spool.root / "smsd.out").open("wb") as output:
        proc = await asyncio.create_subprocess_exec(
            GAMMU_SMSD, "-c", str(spool.config),
            stdin=asyncio.subprocess.DEVNULL, stdout=output, stderr=output, env=CLIENT_ENV,
        )  # fmt: skip
    try:
        yield proc
    finally:
        if proc.returncode is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                os.kill(proc.pid, signal.SIGKILL)
                await proc.wait()


def inbox_state(spool, reporter):
    """The inbox read as gammu-smsd's user would: texts by sender, reports, artefacts."""
    texts, reports, artefacts = {}, [], []
    for name, text in spool.inbox():
        if name["date"] == "000000" and name["sender"] == "" and text == "":
            artefacts.append(name.string)  # gammu-smsd 1.42 and a +CDSI (module docstring)
        elif name["sender"] == reporter:
            reports.append(text)  # the recipient sends nothing: these are its reports
        else:
            key = (name["date"], name["time"], name["serial"], name["sender"])
            texts.setdefault(key, []).append((int(name["part"]), text))
    messages = {
        (key[3], "".join(text for _part, text in sorted(parts))) for key, parts in texts.items()
    }
    return messages, reports, artefacts


# gammu's own AT+CNMI choice (<ds>=2: reports stored, then +CDSI), and the README's
# workaround for 1.42 (<ds>=1: reports routed as +CDS, which gammu-smsd files once).
@pytest.mark.parametrize("cnmi", ["gammu's choice", "atgen_setcnmi = ,,,1"])
async def test_gammu_smsd_sends_receives_and_stores_reports(start_network, tmp_path, cnmi):
    need_gammu_smsd()
    net = await start_network(2)
    sender, recipient = net.modems[0].identity.number, net.modems[1].identity.number
    spool = Spool(tmp_path / "smsd")
    workaround = cnmi.startswith("atgen_setcnmi")
    spool.write_config(net.ports[0], gammu_extra=f"{cnmi}\n" if workaround else "")
    short = "Hello from gammu-smsd"
    long = "".join(f"gammu-smsd long text, sentence {n:02d}. " for n in range(11))
    assert 306 < len(long) <= 459  # three GSM 7-bit segments of 153
    await inject_outbox(spool, recipient, "-text", short)
    await inject_outbox(spool, recipient, "-len", str(len(long)), "-text", long)
    inbound = "Inbound for gammu-smsd: 50 €, Grüße [ok] {yes}"
    inbound_long = "".join(f"Inbound long text part, sentence {n:02d}. " for n in range(10))

    async with running_gammu_smsd(spool) as smsd:
        try:
            entries = await net.log.wait_for(lambda e: e["from"] == sender, count=4, timeout=40)
            net.inject_sms(0, text=inbound, sender="+447911123456")
            net.inject_sms(0, text=inbound_long, sender="+447911654321", order=[3, 1, 2])
            expected = {("+447911123456", inbound), ("+447911654321", inbound_long)}

            def settled():
                messages, reports, _ = inbox_state(spool, recipient)
                return messages == expected and reports == ["Delivered"] * 4

            await wait_for(settled, timeout=40, what="gammu-smsd's inbox")
            await wait_for(lambda: not spool.names("outbox"), timeout=10, what="the outbox empty")
        except (AssertionError, TimeoutError) as failure:
            raise AssertionError(f"{failure!r}\n{spool.diagnosis()}") from failure
        assert smsd.returncode is None, spool.diagnosis()

    assert smsd.returncode == 0, spool.diagnosis()  # SIGTERM: a clean shutdown
    assert len(net.log.entries) == 4  # those four, and nothing from the recipient
    single = [e for e in entries if e["concat"] is None]
    parts = sorted((e for e in entries if e["concat"]), key=lambda e: e["concat"]["seq"])
    assert [e["text"] for e in single] == [short]
    assert "".join(e["text"] for e in parts) == long
    assert [(e["concat"]["seq"], e["concat"]["total"]) for e in parts] == [(1, 3), (2, 3), (3, 3)]
    assert len({e["concat"]["ref"] for e in parts}) == 1
    assert all(e["to"] == recipient and e["delivered_to"] == "modem1" for e in entries)
    assert all(e["status_report"] and e["encoding"] == "gsm7" for e in entries)
    assert len(spool.names("sent")) == 2 and spool.names("error") == []
    _messages, _reports, artefacts = inbox_state(spool, recipient)
    # One per +CDSI before gammu 1.43 (commit aff4e5a8b, gammu PR #987), none after.
    expected_artefacts = 4 if await gammu_smsd_version() < (1, 43) and not workaround else 0
    assert len(artefacts) == expected_artefacts
