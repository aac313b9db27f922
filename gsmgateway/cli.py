"""The ``gsmgateway`` command line: parses arguments and hands off to each command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Invalid input from the user: reported on one line, exit status 2."""


def _run_sim(args: argparse.Namespace) -> int:
    import asyncio

    from gsmgateway.sim.command import serve
    from gsmgateway.sim.errors import SimUsageError

    try:
        return asyncio.run(
            serve(
                count=args.count,
                directory=args.dir,
                profile=args.profile,
                control=args.control,
                log_path=args.log,
                latency=args.latency,
            )
        )
    except SimUsageError as error:
        raise UsageError(str(error)) from None


def _run_serve(args: argparse.Namespace) -> int:
    import asyncio

    from gsmgateway.config import ConfigError
    from gsmgateway.service import ServeError, ServeOptions, resolve_settings, serve

    options = ServeOptions(args.config, args.listen, args.db, args.simulate, args.sim_log)
    try:
        resolve_settings(options)
    except (ConfigError, ValueError) as error:
        raise UsageError(str(error)) from None
    try:
        return asyncio.run(serve(options))
    except ServeError as error:
        print(f"gsmgateway serve: {error}", file=sys.stderr)
        return EXIT_FAILURE


def _run_send(args: argparse.Namespace) -> int:
    from gsmgateway.send_cli import SendFailed, send_message

    try:
        answer = send_message(args.url, args.to, args.text, key=args.key)
    except SendFailed as error:
        if error.usage:
            raise UsageError(str(error)) from None
        print(f"gsmgateway send: {error}", file=sys.stderr)
        return EXIT_FAILURE
    print(answer["id"])
    return EXIT_OK


def _run_probe(args: argparse.Namespace) -> int:
    from gsmgateway.probe.command import run

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="gsmgateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the gateway")
    serve.add_argument(
        "--config", metavar="PATH", help="the TOML config (default: built-in defaults)"
    )
    serve.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="the HTTP API's address (default: the config's, else 127.0.0.1:8080)",
    )
    serve.add_argument(
        "--db",
        metavar="PATH",
        help="the SQLite database (default: the config's, else under the data directory)",
    )
    serve.add_argument(
        "--simulate",
        type=int,
        metavar="N",
        help="also run N (up to 64) simulated modems on ptys, beside the config's modems",
    )
    serve.add_argument(
        "--sim-log", metavar="PATH", help="with --simulate: the simulated network's JSON log"
    )
    serve.set_defaults(run=_run_serve)

    sim = commands.add_parser("sim", help="run simulated modems on ptys")
    sim.add_argument("--count", type=int, default=4, metavar="N", help="modems (default 4)")
    sim.add_argument(
        "--dir", metavar="DIR", help="where the DIR/modemK links go (default: a temp dir)"
    )
    sim.add_argument(
        "--profile",
        default="generic",
        metavar="NAME",
        help="generic, huawei, sim800, quectel, or mixed (each in turn; default generic)",
    )
    sim.add_argument(
        "--control", metavar="HOST:PORT", help="serve the control API on this loopback address"
    )
    sim.add_argument("--log", metavar="PATH", help="append each submitted PDU as a JSON line")
    sim.add_argument(
        "--latency",
        type=float,
        metavar="S",
        help="answer each command after S seconds, with a real network's delays (default: fast)",
    )
    sim.set_defaults(run=_run_sim)

    send = commands.add_parser("send", help="submit a message through a running gateway")
    send.add_argument("--to", required=True, metavar="NUMBER", help="the recipient")
    send.add_argument("--text", required=True, help="the message")
    send.add_argument(
        "--url", default="http://127.0.0.1:8080", help="the gateway (default %(default)s)"
    )
    send.add_argument("--key", help="API key (default: $GSMGATEWAY_API_KEY)")
    send.set_defaults(run=_run_send)

    probe = commands.add_parser("probe", help="identify the modem on a serial port")
    probe.add_argument("port", nargs="?", metavar="PORT", help="the serial port to probe")
    probe.add_argument(
        "--all",
        action="store_true",
        help="probe every likely port: /dev/gsmmodem/*, /dev/serial/by-id/*, /dev/ttyUSB*, "
        "/dev/ttyACM*, and the config's ports and globs",
    )
    probe.add_argument("--json", action="store_true", help="print one JSON object")
    probe.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="the most the probe takes (default 10)"
    )
    probe.add_argument("--config", metavar="PATH", help="the config: its ports, [[modem]] entries")
    probe.add_argument(
        "--glob",
        action="append",
        default=[],
        metavar="PATTERN",
        help="with --all: probe what PATTERN matches instead of the usual places (repeatable)",
    )
    probe.set_defaults(run=_run_probe)

    check = commands.add_parser("check-config", help="validate a config file")
    check.add_argument("path", metavar="PATH", help="the TOML config to check")
    check.set_defaults(run=_check_config)

    from gsmgateway import pdu_cli

    pdu_cli.add_parser(commands)
    return parser


def _check_config(args: argparse.Namespace) -> int:
    from gsmgateway.config import ConfigError, load_config

    try:
        load_config(args.path)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    print(f"{args.path}: ok")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"gsmgateway {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
