"""``gsmgateway probe``: find the serial ports that hold modems and say what is on each.

``find_candidates`` picks the ports (each physical port once), ``observe_ports`` probes
them with the modem driver in parallel under one deadline, ``judge`` gives each a
``Verdict`` with a reason and hints, and ``render_text`` / ``render_json`` print them.
Probing enters no PIN and changes no modem setting beyond ``ATE0`` and ``AT+CMEE=1``.
"""

from gsmgateway.probe.holders import HolderScan, scan_holders
from gsmgateway.probe.places import DEFAULT_GLOBS, Candidate, find_candidates, merge_candidates
from gsmgateway.probe.report import (
    ConfiguredModem,
    Holder,
    Observation,
    Outcome,
    PortReport,
    Verdict,
    exit_status,
    judge,
    render_json,
    render_report,
    render_summary,
    render_text,
    report_json,
)
from gsmgateway.probe.scan import ProbeSettings, observe_port, observe_ports

__all__ = [
    "DEFAULT_GLOBS",
    "Candidate",
    "ConfiguredModem",
    "Holder",
    "HolderScan",
    "Observation",
    "Outcome",
    "PortReport",
    "ProbeSettings",
    "Verdict",
    "exit_status",
    "find_candidates",
    "judge",
    "merge_candidates",
    "observe_port",
    "observe_ports",
    "render_json",
    "render_report",
    "render_summary",
    "render_text",
    "report_json",
    "scan_holders",
]
