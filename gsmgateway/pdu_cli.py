"""``gsmgateway pdu encode|decode``: the PDU codec on the command line (filled in later)."""

from __future__ import annotations

import argparse
import sys


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``pdu encode`` and ``pdu decode``."""
    pdu = commands.add_parser("pdu", help="encode or decode SMS PDUs")
    pdu.set_defaults(run=_not_built)


def _not_built(_args: argparse.Namespace) -> int:
    print("gsmgateway pdu: not built yet", file=sys.stderr)
    return 1
