"""The virtual GSM network: N simulated modems, their SMSC, and the sim log.

A PDU submitted by one modem is decoded, logged (one JSON line), and then:
- rejected at submit when its modem has a CMS-error fault that fires, or its
  recipient is configured to be rejected (``reject_submissions``);
- delivered as an SMS-DELIVER to the simulated modem that owns the number, or put in
  the sink for any other number;
- answered, when it asked for one (TP-SRR), by an SMS-STATUS-REPORT after
  ``status_report_delay`` with TP-MR = its +CMGS reference and TP-ST "received by
  the SME" (0x00), or the status configured with ``fail_delivery`` (no delivery then).

Everything runs on one asyncio loop in one process; ``SimNetwork.start`` is the
starter for tests, ``gsmgateway sim`` and ``serve --simulate``.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gsmgateway.sim.device import SimulatedModem
from gsmgateway.sim.errors import InvalidRequest, MalformedSubmit, UnknownModem
from gsmgateway.sim.identity import identity_for
from gsmgateway.sim.model import SMSC_DEFAULT, SubmitOutcome, SubmitRequest, Timing
from gsmgateway.sim.profiles import profile_for, profile_named
from gsmgateway.sim.relay import (
    deliver_from_submit,
    parse_submit,
    smsc_field,
    split_smsc,
)
from gsmgateway.sim.simlog import Entry, SimLog

log = logging.getLogger(__name__)

# TS 23.040 9.2.3.15 TP-Status: 0x00 received by the SME; 0x41 "incompatible
# destination" is a permanent error, the SC is not making any more attempts.
STATUS_DELIVERED = 0x00
STATUS_PERMANENT_FAILURE = 0x41
DEFAULT_SENDER = "+447400199999"


@dataclass(frozen=True)
class SinkMessage:
    """A PDU addressed to a number outside the virtual network."""

    time: float
    modem: int
    to: str
    pdu: str


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")


def _number_key(number: str | None) -> str | None:
    if not number:
        return None
    return number if number.startswith("+") else None


class SimNetwork:
    """Simulated modems on ptys under ``directory`` (links ``modem0`` ..) and their network."""

    def __init__(
        self,
        *,
        count: int,
        directory: str | Path | None = None,
        profile: str = "generic",
        timing: Timing | None = None,
        log_path: str | Path | None = None,
        seed: int = 0,
        clock: Callable[[], float] = time.time,
        smsc: str = SMSC_DEFAULT,
    ) -> None:
        if count < 0:
            raise InvalidRequest("modem count must be >= 0")
        if profile != "mixed":
            profile_named(profile)
        self._own_directory = directory is None  # made here, so removed at close
        self.directory = default_directory() if directory is None else Path(directory)
        self.timing = timing or Timing()
        self.clock = clock
        self.smsc = smsc
        self.log = SimLog(log_path)
        self.sink: list[SinkMessage] = []
        self.delivery_failures: dict[str, int] = {}
        self.submit_rejections: dict[str, int] = {}
        self._profile_name = profile
        self._count = count
        self._seed = seed
        self.modems: list[SimulatedModem] = []
        self._by_number: dict[str, SimulatedModem] = {}
        self._concat_ref = 0

    # -- lifecycle ------------------------------------------------------------------

    @classmethod
    @contextlib.asynccontextmanager
    async def start(
        cls,
        count: int,
        directory: str | Path | None = None,
        *,
        profile: str = "generic",
        timing: Timing | None = None,
        log_path: str | Path | None = None,
        seed: int = 0,
    ) -> AsyncIterator[SimNetwork]:
        """``async with SimNetwork.start(4, tmpdir) as net:`` modems plugged; closed after.

        Without ``directory`` the links go to a fresh temporary directory, removed at close.
        """
        network = cls(
            count=count,
            directory=directory,
            profile=profile,
            timing=timing,
            log_path=log_path,
            seed=seed,
        )
        await network.open()
        try:
            yield network
        finally:
            await network.close()

    async def open(self) -> None:
        """Create every modem's pty and symlink and power them on."""
        self.directory.mkdir(parents=True, exist_ok=True)
        for index in range(self._count):
            identity = identity_for(index)
            modem = SimulatedModem(
                self,
                identity,
                profile_for(self._profile_name, index),
                self.timing,
                self.directory / f"modem{index}",
                seed=self._seed,
            )
            self.modems.append(modem)
            self._by_number[identity.number] = modem
            modem.plug()

    async def close(self) -> None:
        """Unplug every modem (ptys closed, symlinks removed) and close the log."""
        for modem in self.modems:
            modem.unplug()
        self.log.close()
        if self._own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    @property
    def ports(self) -> list[str]:
        """The stable symlink of each modem, in index order (what a TE opens)."""
        return [str(modem.link) for modem in self.modems]

    def modem(self, index: int) -> SimulatedModem:
        """Modem ``index``; UnknownModem when there is none."""
        if not 0 <= index < len(self.modems):
            raise UnknownModem(f"no modem {index} (there are {len(self.modems)})")
        return self.modems[index]

    def modem_for_number(self, number: str) -> SimulatedModem | None:
        """The simulated modem whose SIM has ``number`` (E.164 with +)."""
        return self._by_number.get(number)

    # -- configuration ------------------------------------------------------------------

    def set_timing(self, timing: Timing) -> None:
        """Every modem's (and the network's) timing from now on, e.g. a fixed CMGS delay."""
        self.timing = timing
        for modem in self.modems:
            modem.set_timing(timing)

    def fail_delivery(self, number: str, status: int | None = STATUS_PERMANENT_FAILURE) -> None:
        """Messages to ``number`` are not delivered; their report says TP-ST ``status``.

        None clears the rule. Temporary codes (0x20-0x3F, 0x60-0x7F) are allowed too.
        """
        if status is None:
            self.delivery_failures.pop(number, None)
            return
        if not 0x01 <= status <= 0x7F or status <= 0x02:
            raise InvalidRequest("a failure TP-ST is 0x20-0x7F (TS 23.040 9.2.3.15)")
        self.delivery_failures[number] = status

    def reject_submissions(self, number: str, code: int | None = 21) -> None:
        """Submissions to ``number`` get +CMS ERROR ``code`` (None clears the rule)."""
        if code is None:
            self.submit_rejections.pop(number, None)
            return
        if not 0 <= code <= 511:
            raise InvalidRequest("CMS error codes are 0..511 (TS 27.005 3.2.5)")
        self.submit_rejections[number] = code

    # -- submissions ----------------------------------------------------------------------

    def submit(self, modem: SimulatedModem, request: SubmitRequest) -> SubmitOutcome:
        """A modem's SMS-SUBMIT reaches the SMSC: log, route, schedule the report."""
        from gsmgateway.sms.pdu import decode_pdu

        now = self.clock()
        decoded = decode_pdu(request.pdu, smsc=True)
        recipient = decoded.recipient or ""
        error = modem.pick_cms_error()
        if error is None:
            error = self.submit_rejections.get(recipient)
        entry: Entry = {
            "time": _iso(now),
            "modem": {"index": modem.index, "imei": modem.identity.imei},
            "from": modem.identity.number,
            "to": recipient,
            "mr": None if error is not None else request.mr,
            "pdu": request.pdu,
            "text": decoded.text,
            "data_hex": decoded.data.hex().upper() if decoded.data is not None else None,
            "encoding": decoded.encoding.value,
            "concat": _concat_json(decoded.concat),
            "status_report": decoded.srr,
            "error": error,
            "delivered_to": None,
        }
        if error is None:
            entry["delivered_to"] = self._route(modem, request, recipient, decoded.srr, now)
        self.log.append(entry)
        return SubmitOutcome(error)

    def _route(
        self, modem: SimulatedModem, request: SubmitRequest, recipient: str, srr: bool, now: float
    ) -> str | None:
        failure = self.delivery_failures.get(recipient)
        target = self.modem_for_number(recipient)
        where: str | None = None
        if failure is None:
            try:
                _smsc, tpdu = split_smsc(bytes.fromhex(request.pdu))
                layout = parse_submit(tpdu)
            except (MalformedSubmit, ValueError):
                log.warning("modem %d: submit the relay cannot parse", modem.index)
                return None
            if target is not None:
                scts = datetime.fromtimestamp(now, UTC)
                deliver = deliver_from_submit(
                    layout, modem.identity.number, scts, smsc_field(self.smsc)
                )
                tpdu_length = len(deliver) - 1 - deliver[0]
                target.deliver_sms(deliver.hex().upper(), tpdu_length)
                where = f"modem{target.index}"
            else:
                self.sink.append(SinkMessage(now, modem.index, recipient, request.pdu))
                where = "sink"
        if srr:
            status = STATUS_DELIVERED if failure is None else failure
            modem_ref = modem
            submitted = now

            def report() -> None:
                self._status_report(modem_ref, recipient, request.mr, submitted, status)

            modem.later(self.timing.status_report_delay, report)
        return where

    def _status_report(
        self, modem: SimulatedModem, recipient: str, mr: int, submitted: float, status: int
    ) -> None:
        from gsmgateway.sms.pdu import encode_status_report

        pdu = encode_status_report(
            recipient,
            mr=mr,
            scts=datetime.fromtimestamp(submitted, UTC),
            discharge_time=datetime.fromtimestamp(self.clock(), UTC),
            status=status,
            smsc=self.smsc,
        )
        raw = bytes.fromhex(pdu)
        modem.deliver_status_report(pdu.upper(), len(raw) - 1 - raw[0])

    # -- injection ------------------------------------------------------------------------

    def inject_sms(
        self,
        index: int,
        *,
        text: str = "",
        sender: str = DEFAULT_SENDER,
        encoding: str = "auto",
        data: bytes | None = None,
        order: Sequence[int] | None = None,
        omit: Sequence[int] = (),
        ref: int | None = None,
        ref_bits: int = 8,
        flash: bool = False,
    ) -> list[str]:
        """Deliver an inbound SMS to modem ``index``; returns the DELIVER PDUs sent.

        ``text`` is segmented as the codec would (``encoding`` auto/gsm7/ucs2), or
        ``data`` is sent as 8-bit user data; ``order`` lists the parts' sequence numbers
        (1-based) in the order they arrive, ``omit`` the ones that never arrive.
        """
        from gsmgateway.sim.inject import build_delivers

        modem = self.modem(index)
        if ref is None:
            self._concat_ref = (self._concat_ref + 1) % (1 << ref_bits)
            ref = self._concat_ref
        pdus = build_delivers(
            sender=sender,
            text=text,
            encoding=encoding,
            data=data,
            ref=ref,
            ref_bits=ref_bits,
            flash=flash,
            smsc=self.smsc,
            scts=datetime.fromtimestamp(self.clock(), UTC),
        )
        sequence = list(order) if order is not None else list(range(1, len(pdus) + 1))
        if sorted(sequence) != list(range(1, len(pdus) + 1)):
            raise InvalidRequest(f"order must list each of the {len(pdus)} parts once")
        if any(seq not in sequence for seq in omit):
            raise InvalidRequest("omit names a part that does not exist")
        delivered = []
        for seq in sequence:
            if seq in omit:
                continue
            pdu = pdus[seq - 1]
            raw = bytes.fromhex(pdu)
            modem.deliver_sms(pdu, len(raw) - 1 - raw[0])
            delivered.append(pdu)
        return delivered

    def describe(self) -> list[dict[str, Any]]:
        """Every modem's summary (identity, profile, link, pty)."""
        return [modem.describe() for modem in self.modems]


def _concat_json(concat: Any) -> dict[str, int] | None:
    if concat is None:
        return None
    return {
        "ref": concat.ref,
        "total": concat.total,
        "seq": concat.seq,
        "ref_bits": concat.ref_bits,
    }


def default_directory() -> Path:
    """A fresh temporary directory for the symlinks (the CLI prints it)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="gsmgateway-sim-"))


__all__ = ["SimNetwork", "SinkMessage", "default_directory"]
