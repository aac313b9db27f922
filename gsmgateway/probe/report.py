"""What ``gsmgateway probe`` concludes about each port, and how it says so.

Pure: the IO layer (``scan``) hands over an ``Observation`` per port (how probing
ended, what the driver read, what came back, who else holds the port); ``judge`` turns
it into a ``PortReport`` (a verdict, a one-line reason, hints), and ``render_text`` /
``render_json`` print the reports. ``exit_status``: 0 when at least one port is a modem.

Rules that hold:
- A port is a modem only when it answered AT and gave an IMEI (``describe`` returned).
- A port that opened but never answered AT is *silent* when no byte came back, and
  answers *garbage* when bytes came but the AT core recognised no result in them; one
  that answered AT but failed identification is *not a modem*.
- A busy port names its holders when ``/proc`` lets us see them, else ModemManager
  when it runs (it opens every new tty), else says how to find the holder.
- Nothing here enters a PIN or suggests probe will: the hint says who does.
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from gsmgateway.at import PinState, RegistrationState
from gsmgateway.modem import Description

MODEM_MANAGER = "ModemManager"


class Verdict(enum.Enum):
    """What a port turned out to be."""

    MODEM = "modem"  # answered AT and gave its IMEI
    BUSY = "busy"  # another process holds it
    SILENT = "silent"  # opened, nothing came back
    GARBAGE = "garbage"  # bytes came back, none an AT result
    NOT_A_MODEM = "not a modem"  # answered AT, but gave no IMEI
    MISSING = "missing"  # no such path (or a dangling link)
    UNUSABLE = "unusable"  # exists but cannot be opened (permission, not a tty)
    FAILED = "failed"  # answered, then stopped (timeout, port lost), or not probed in time


class Outcome(enum.Enum):
    """How probing one port ended, as the IO layer saw it."""

    DESCRIBED = "described"  # ModemDriver.describe returned
    MISSING = "missing"
    BUSY = "busy"  # PortBusy
    UNOPENABLE = "unopenable"  # PortUnavailable (not busy)
    NO_MODEM = "no modem"  # NotAModem
    FAILED = "failed"  # CommandTimeout, ModemFault, PortClosed after identification began
    OUT_OF_TIME = "out of time"  # the overall --timeout passed while probing it
    NOT_PROBED = "not probed"  # the overall --timeout passed before its turn came


@dataclass(frozen=True)
class Holder:
    """A process with the port open (from ``/proc/PID/fd``)."""

    pid: int
    name: str  # /proc/PID/comm
    command: str = ""  # /proc/PID/cmdline, arguments joined by spaces
    this_process: bool = False

    @property
    def label(self) -> str:
        """``ModemManager (pid 812)``."""
        own = ", this process" if self.this_process else ""
        return f"{self.name} (pid {self.pid}{own})"

    @property
    def is_gateway(self) -> bool:
        """True for a running gsmgateway (its own modems' ports are busy for probe)."""
        words = self.command.split()
        return "serve" in words and any(word.endswith("gsmgateway") for word in words)


@dataclass(frozen=True)
class ConfiguredModem:
    """What the config (``--config``) says about a modem found on a port."""

    profile: str = "auto"  # its [[modem]] entry's profile
    has_pin: bool = False  # a PIN for it: its [[modem]] entry's, or [modems] pin
    enabled: bool = True
    has_entry: bool = False  # a [[modem]] entry matches its IMEI or ICCID


@dataclass(frozen=True)
class Observation:
    """Everything learnt about one port."""

    port: str
    outcome: Outcome
    device: str | None = None  # the resolved path
    aliases: tuple[str, ...] = ()  # other names of the same device
    description: Description | None = None
    error: str = ""  # the modem layer's message
    opened: bool = False
    seconds: float = 0.0  # how long the port was tried
    bytes_received: int = 0
    answers: int = 0  # AT results the core recognised
    first_bytes: bytes = b""
    holders: tuple[Holder, ...] = ()
    modem_manager: tuple[int, ...] = ()  # pids of running ModemManager processes
    holders_complete: bool = True  # False when some processes' fds were unreadable
    configured: ConfiguredModem | None = None


@dataclass(frozen=True)
class PortReport:
    """The verdict on one port, and what to tell the user."""

    observation: Observation
    verdict: Verdict
    reason: str
    hints: tuple[str, ...] = ()
    profile: str | None = None  # the profile the gateway would use
    profile_source: str | None = None  # "identity" or "config"

    @property
    def port(self) -> str:
        """The port's name as probed."""
        return self.observation.port


# -- the verdict ----------------------------------------------------------------------

_TRY_ANOTHER = "try the next one (hardware/README.md, section 3)"
_NOT_AN_AT_PORT = (
    "a dongle has several ttys and usually one answers AT; the others (diagnostic, GPS, "
    f"PPP) stay silent or send binary: {_TRY_ANOTHER}"
)


def judge(observation: Observation) -> PortReport:
    """The verdict, reason and hints for one port."""
    o = observation
    if o.outcome is Outcome.DESCRIBED and o.description is not None:
        return _modem_report(o, o.description)
    if o.outcome is Outcome.MISSING:
        return PortReport(o, Verdict.MISSING, "no such port", (_missing_hint(o.port),))
    if o.outcome is Outcome.BUSY:
        reason, hints = _busy(o)
        return PortReport(o, Verdict.BUSY, reason, hints)
    if o.outcome is Outcome.UNOPENABLE:
        return PortReport(o, Verdict.UNUSABLE, _without_port(o.error, o.port) or "cannot open")
    shared = _shared_hint(o)
    if o.outcome is Outcome.NOT_PROBED:
        reason = "not probed: the --timeout ran out before its turn"
        return PortReport(o, Verdict.FAILED, reason, ("probe it alone, or give more --timeout",))
    if o.outcome is Outcome.OUT_OF_TIME and not o.opened:
        reason = f"did not open within {o.seconds:.1f} s"
        return PortReport(o, Verdict.FAILED, reason, ("replug it; `dmesg` may say why",))
    if o.answers == 0 and o.bytes_received == 0:
        reason = f"no answer to AT within {o.seconds:.1f} s: not an AT port"
        return PortReport(o, Verdict.SILENT, reason, (*shared, _NOT_AN_AT_PORT))
    if o.answers == 0:
        return PortReport(o, Verdict.GARBAGE, _garbage_reason(o), (*shared, _garbage_hint(o)))
    if o.outcome is Outcome.NO_MODEM:
        reason = f"answers AT but is not a modem: {_without_port(o.error, o.port)}"
        return PortReport(o, Verdict.NOT_A_MODEM, reason, (*shared, _NOT_AN_AT_PORT))
    if o.outcome is Outcome.OUT_OF_TIME:
        reason = f"answered AT, then did not finish within {o.seconds:.1f} s"
    else:
        reason = f"answered AT, then failed: {_without_port(o.error, o.port)}"
    return PortReport(
        o, Verdict.FAILED, reason, (*shared, "probe it again; if it stays so, replug it")
    )


def _without_port(error: str, port: str) -> str:
    """The modem layer's message without the ``PORT: `` it starts with."""
    prefix = port + ": "
    return error[len(prefix) :] if error.startswith(prefix) else error


def _missing_hint(port: str) -> str:
    if port.startswith("/dev/gsmmodem/"):
        return (
            "the udev rules name only known dongles' ports: check `ls -l /dev/gsmmodem/` "
            "and that hardware/99-gsmgateway.rules is installed"
        )
    return "is it plugged in? `ls -l /dev/serial/by-id/` lists the USB serial ports"


def _busy(o: Observation) -> tuple[str, tuple[str, ...]]:
    hints: list[str] = []
    if o.holders:
        reason = "held by " + ", ".join(holder.label for holder in o.holders)
    elif o.modem_manager:
        pids = ", ".join(str(pid) for pid in o.modem_manager)
        reason = (
            f"another process holds it; {MODEM_MANAGER} is running (pid {pids}) "
            "and is the likely holder"
        )
    else:
        reason = "another process holds it"
    if o.holders:
        manager = any(h.name == MODEM_MANAGER for h in o.holders)
    else:
        manager = bool(o.modem_manager)
    if manager:
        hints.append(
            "stop ModemManager (`sudo systemctl stop ModemManager`), or install "
            "hardware/99-gsmgateway.rules and replug the modem so it keeps away"
        )
    if any(h.is_gateway for h in o.holders):
        hints.append("the gateway holds its modems' ports: `sudo systemctl stop gsmgateway` first")
    elif o.holders and not manager:
        hints.append("close that program first: a serial port has one user at a time")
    if not o.holders:
        where = o.device or o.port
        hints.append(f"`sudo fuser -v {where}` names the process holding it")
    return reason, tuple(hints)


def _shared_hint(o: Observation) -> tuple[str, ...]:
    """A port we opened that others hold too (root ignores the tty lock): say who."""
    others = [h for h in o.holders if not h.this_process]
    if not others:
        return ()
    names = ", ".join(h.label for h in others)
    return (f"also open in {names}: two programs on one port take each other's answers",)


# Bytes of a garbage answer shown in its one-line reason (the JSON has all that was kept).
SHOWN_BYTES = 16


def _garbage_reason(o: Observation) -> str:
    sample = _printable(o.first_bytes[:SHOWN_BYTES])
    more = "..." if len(o.first_bytes) > SHOWN_BYTES else ""
    return f"{o.bytes_received} bytes, none an AT result (first: {sample}{more})"


def _garbage_hint(o: Observation) -> str:
    if b"$G" in o.first_bytes:
        return "these look like NMEA sentences: a GPS port, not the AT port"
    return f"a diagnostic port (binary) or a wrong baud rate: {_TRY_ANOTHER}"


def _printable(data: bytes) -> str:
    """Bytes as a Python literal would show them, without the b'' around."""
    return repr(data)[2:-1]


def _modem_report(o: Observation, d: Description) -> PortReport:
    configured = o.configured
    profile, source = d.profile, "identity"
    hints: list[str] = []
    if configured is not None and configured.profile != "auto":
        profile, source = configured.profile, "config"
        if configured.profile != d.profile:
            hints.append(f"the config names profile {profile}; its identity points to {d.profile}")
    if configured is not None and not configured.enabled:
        hints.append("disabled in the config ([[modem]] enabled = false): the gateway skips it")
    hints.extend(_sim_hints(d, configured))
    if d.sim is PinState.READY and d.registration is not None and not d.registration.registered:
        hints.append(
            f"not registered ({registration_name(d.registration)}): check the antenna, "
            "the signal and that the SIM is active"
        )
    hints.extend(_shared_hint(o))
    name = " ".join(part for part in (d.manufacturer, d.model) if part) or "unnamed"
    return PortReport(o, Verdict.MODEM, name, tuple(hints), profile, source)


def _sim_hints(d: Description, configured: ConfiguredModem | None) -> list[str]:
    state = d.sim
    if state is PinState.READY:
        return []
    if state is PinState.SIM_PIN:
        text = "the SIM waits for its PIN; probe never enters one (3 wrong tries lock it)"
        if configured is None:
            return [text + "; the gateway enters the config's ([modems] pin or [[modem]] pin)"]
        if configured.has_pin:
            return [text + "; the config holds one, which the gateway enters"]
        return [text + "; the config holds none: set [modems] pin or this [[modem]]'s pin"]
    if state is PinState.NOT_INSERTED:
        return ["no SIM: insert one (with the modem unplugged)"]
    if state is PinState.NOT_READY:
        return ["the SIM is still starting: probe again in a few seconds"]
    if state is None:
        return [f"the SIM state is unknown: {d.sim_error or 'AT+CPIN? gave none'}"]
    if state is PinState.SIM_PUK:
        return ["the SIM is blocked (wrong PINs): unlock it with its PUK in a phone"]
    return [f"the SIM wants {state.value}: a code only its operator or seller has"]


def registration_name(state: RegistrationState) -> str:
    """``home``, ``roaming``, ``searching``, ``not registered`` ..."""
    return state.name.lower().replace("_", " ")


def exit_status(reports: Sequence[PortReport]) -> int:
    """0 when at least one port is a modem, else 1."""
    return 0 if any(r.verdict is Verdict.MODEM for r in reports) else 1


# -- rendering ------------------------------------------------------------------------


def _dash(value: object) -> str:
    return "-" if value is None or value == "" else str(value)


def _signal_text(d: Description) -> str:
    signal = d.signal
    if signal is None:
        return "-"
    level = "unknown" if signal.dbm is None else f"{signal.dbm} dBm"
    return f"CSQ {signal.rssi} ({level})"


def _modem_rows(report: PortReport, d: Description) -> list[tuple[str, str]]:
    profile = _dash(report.profile)
    if report.profile_source == "config":
        profile += " (from the config)"
    sim = _dash(d.sim.value if d.sim else d.sim_error)
    return [
        ("manufacturer", _dash(d.manufacturer)),
        ("model", _dash(d.model)),
        ("revision", _dash(d.revision)),
        ("imei", d.imei),
        ("profile", profile),
        ("sim", sim),
        ("iccid", _dash(d.iccid)),
        ("imsi", _dash(d.imsi)),
        ("operator", _dash(d.operator)),
        ("registration", _dash(d.registration and registration_name(d.registration))),
        ("signal", _signal_text(d)),
    ]


def render_report(report: PortReport) -> str:
    """One port's block: a heading line, then indented ``key  value`` rows."""
    o = report.observation
    lines = [f"{report.port}: {report.verdict.value} ({report.reason})"]
    rows: list[tuple[str, str]] = []
    if o.device and o.device != report.port:
        rows.append(("device", o.device))
    if o.aliases:
        rows.append(("also named", ", ".join(o.aliases)))
    if report.verdict is Verdict.MODEM and o.description is not None:
        rows.extend(_modem_rows(report, o.description))
    rows.extend(("hint", hint) for hint in report.hints)
    width = max((len(key) for key, _ in rows), default=0)
    lines.extend(f"  {key.ljust(width)}  {value}" for key, value in rows)
    return "\n".join(lines)


def render_summary(reports: Sequence[PortReport]) -> str:
    """``3 ports probed: 1 modem (/dev/...), 2 silent``."""
    counts = Counter(r.verdict for r in reports)
    parts = []
    for verdict in Verdict:
        if counts[verdict]:
            part = f"{counts[verdict]} {verdict.value}"
            if verdict is Verdict.MODEM:
                modems = [r.port for r in reports if r.verdict is Verdict.MODEM]
                part = f"{len(modems)} modem{'s' if len(modems) > 1 else ''} ({', '.join(modems)})"
            parts.append(part)
    noun = "port" if len(reports) == 1 else "ports"
    found = ", ".join(parts) if parts else "none"
    return f"{len(reports)} {noun} probed: {found}"


def render_text(reports: Sequence[PortReport], *, summary: bool) -> str:
    """Every port's block, blank lines between, and the summary line when asked."""
    blocks = [render_report(report) for report in reports]
    if summary:
        blocks.append(render_summary(reports))
    return "\n\n".join(blocks)


def _modem_json(report: PortReport, d: Description) -> dict[str, object]:
    signal = d.signal
    return {
        "manufacturer": d.manufacturer or None,
        "model": d.model or None,
        "revision": d.revision or None,
        "imei": d.imei,
        "profile": report.profile,
        "profile_source": report.profile_source,
        "sim": d.sim.value if d.sim else None,
        "sim_error": d.sim_error or None,
        "iccid": d.iccid or None,
        "imsi": d.imsi or None,
        "operator": d.operator,
        "registration": d.registration.name.lower() if d.registration else None,
        "registered": d.registration.registered if d.registration else None,
        "signal": None
        if signal is None
        else {"csq": signal.rssi, "ber": signal.ber, "dbm": signal.dbm},
    }


def report_json(report: PortReport) -> dict[str, object]:
    """One port as a JSON object (the shape README's Production section documents)."""
    o = report.observation
    modem = o.description if report.verdict is Verdict.MODEM else None
    return {
        "port": report.port,
        "device": o.device,
        "aliases": list(o.aliases),
        "verdict": report.verdict.value,
        "reason": report.reason,
        "hints": list(report.hints),
        "modem": None if modem is None else _modem_json(report, modem),
        "holders": [
            {"pid": h.pid, "name": h.name, "command": h.command or None} for h in o.holders
        ],
        "holders_complete": o.holders_complete,
        "modem_manager_pids": list(o.modem_manager),
        "bytes_received": o.bytes_received,
        "first_bytes_hex": o.first_bytes.hex() or None,
        "seconds": round(o.seconds, 3),
    }


def render_json(reports: Sequence[PortReport]) -> str:
    """``{"modems": N, "ports": [...]}`` on one line."""
    modems = sum(r.verdict is Verdict.MODEM for r in reports)
    return json.dumps(
        {"modems": modems, "ports": [report_json(r) for r in reports]}, ensure_ascii=False
    )
