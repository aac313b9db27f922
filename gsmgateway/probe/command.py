"""The ``gsmgateway probe`` command: which ports to try, probing them, printing the verdicts.

Wiring only: ``places`` finds the ports, ``scan`` probes them, ``report`` judges and
renders. Exit status 0 when a modem was found (on the port, or on any port with
``--all``), 1 when none was, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
from collections.abc import Sequence

from gsmgateway.cli import UsageError
from gsmgateway.config import Config, ConfigError, load_config
from gsmgateway.probe.places import DEFAULT_GLOBS, Candidate, find_candidates, resolve
from gsmgateway.probe.report import (
    ConfiguredModem,
    Observation,
    PortReport,
    exit_status,
    judge,
    render_json,
    render_text,
)
from gsmgateway.probe.scan import DEFAULT_TIMEOUT, ProbeSettings, observe_ports

MAX_TIMEOUT = 600.0


def _candidates(args: argparse.Namespace, config: Config | None) -> list[Candidate]:
    if args.port:
        return [Candidate(args.port, resolve(args.port))]
    ports: list[str] = []
    globs: list[str] = []
    if config is not None:
        ports.extend(config.modems.ports)
        globs.extend(config.modems.globs)
    globs.extend(args.glob or DEFAULT_GLOBS)
    return find_candidates(ports, globs)


def _configured(config: Config, observation: Observation) -> ConfiguredModem | None:
    described = observation.description
    if described is None:
        return None
    entry = config.modem_settings(described.imei, described.iccid)
    if entry is None:
        return ConfiguredModem(has_pin=bool(config.modems.pin))
    return ConfiguredModem(
        profile=entry.profile,
        has_pin=bool(entry.pin or config.modems.pin),
        enabled=entry.enabled,
        has_entry=True,
    )


def probe_reports(
    candidates: Sequence[Candidate], settings: ProbeSettings, config: Config | None = None
) -> list[PortReport]:
    """Probe ``candidates`` and judge each (runs its own event loop)."""
    observations = asyncio.run(observe_ports(candidates, settings))
    if config is not None:
        observations = [
            dataclasses.replace(o, configured=_configured(config, o)) for o in observations
        ]
    return [judge(o) for o in observations]


def run(args: argparse.Namespace) -> int:
    """The command's body (``cli.py`` parsed the arguments)."""
    if bool(args.port) == bool(args.all):
        raise UsageError("give a PORT or --all (not both)")
    if args.glob and not args.all:
        raise UsageError("--glob goes with --all")
    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    if not 0 < timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout: seconds, above 0 and at most {MAX_TIMEOUT:g}")
    config = None
    if args.config:
        try:
            config = load_config(args.config)
        except ConfigError as error:
            raise UsageError(str(error)) from None
    settings = ProbeSettings(timeout=timeout, baudrate=config.modems.baudrate if config else 115200)
    candidates = _candidates(args, config)
    if not candidates:
        places = ", ".join(
            [*(config.modems.ports if config else ()), *(args.glob or DEFAULT_GLOBS)]
        )
        if args.json:
            print(render_json([]))
        else:
            print(f"no serial port found (looked at {places})")
        return 1
    reports = probe_reports(candidates, settings, config)
    print(render_json(reports) if args.json else render_text(reports, summary=args.all))
    return exit_status(reports)
