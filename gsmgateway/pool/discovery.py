"""Port discovery: which serial ports to probe for modems, and which have vanished.

``PortTracker`` is pure: each scan brings the set of ports that exist now (path ->
the device it resolves to) and ``now``; it answers which to probe and which are gone.
``scan_ports`` is the thin IO that expands the config's ports and globs.

Rules that hold:
- Two names of one device (a ``/dev/serial/by-id`` link and its ``/dev/ttyUSB*``) are
  probed once, under the first name (explicit ports first, then globs in order).
- A port that vanishes, or whose name now resolves to another device (a re-plugged pty
  at the same link), is reported gone; when it reappears it is probed again.
- A port that answered but is not a modem (no answer, garbage, no IMEI) is left alone,
  probed again only after ``retry_seconds`` (a modem still booting gets another chance).
- A modem is known by its IMEI, not by its port: the tracker only deals in ports.
"""

from __future__ import annotations

import enum
import glob
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


class PortStatus(enum.Enum):
    """What the tracker knows of a port."""

    PROBING = "probing"
    ATTACHED = "attached"
    NOT_A_MODEM = "not_a_modem"


@dataclass(frozen=True)
class ScanResult:
    """What to do after a scan: probe these ports, drop these."""

    probe: tuple[str, ...] = ()
    gone: tuple[str, ...] = ()


@dataclass
class _Port:
    device: str
    status: PortStatus
    retry_at: float = 0.0


@dataclass
class PortTracker:
    """Ports seen so far (mutable; one per pool)."""

    retry_seconds: float = 60.0
    ports: dict[str, _Port] = field(default_factory=dict)

    def scan(self, present: Mapping[str, str], now: float) -> ScanResult:
        """``present`` maps each existing port name to its device, in priority order."""
        gone = []
        for path, port in list(self.ports.items()):
            if present.get(path) != port.device:
                gone.append(path)
                del self.ports[path]
        taken = {port.device for port in self.ports.values()}
        probe = []
        for path, device in present.items():
            known = self.ports.get(path)
            if known is not None:
                if known.status is PortStatus.NOT_A_MODEM and now >= known.retry_at:
                    known.status = PortStatus.PROBING
                    probe.append(path)
                continue
            if device in taken:
                continue  # another name of a device already known
            taken.add(device)
            self.ports[path] = _Port(device, PortStatus.PROBING)
            probe.append(path)
        return ScanResult(tuple(probe), tuple(gone))

    def attached(self, path: str) -> None:
        """The probe of ``path`` found a modem."""
        if path in self.ports:
            self.ports[path].status = PortStatus.ATTACHED

    def not_a_modem(self, path: str, now: float) -> None:
        """The probe of ``path`` found no modem: leave it for ``retry_seconds``."""
        if path in self.ports:
            port = self.ports[path]
            port.status = PortStatus.NOT_A_MODEM
            port.retry_at = now + self.retry_seconds

    def released(self, path: str) -> None:
        """The modem on ``path`` let go of it (port lost): forget it, so it is probed anew."""
        self.ports.pop(path, None)

    def status(self, path: str) -> PortStatus | None:
        """What is known of ``path``."""
        port = self.ports.get(path)
        return port.status if port else None


def scan_ports(ports: Iterable[str], globs: Iterable[str]) -> dict[str, str]:
    """Existing ports from explicit names then glob patterns: name -> resolved device."""
    found: dict[str, str] = {}
    names = list(ports)
    for pattern in globs:
        names.extend(sorted(glob.glob(pattern)))
    for name in names:
        if name in found:
            continue
        try:
            device = os.path.realpath(name, strict=True)
        except OSError:
            continue  # a dangling link or a missing port is simply not there
        found[name] = device
    return found
