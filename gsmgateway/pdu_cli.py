"""``gsmgateway pdu encode|decode``: the PDU codec on the command line, printing JSON.

Beyond the contract's options, ``encode`` takes ``--encoding``, ``--ref`` (the
concatenation reference; random by default, as a phone picks one), ``--ref-bits`` and
``--max-segments``, and its JSON also names the national tables and the smart
replacements made.
"""

from __future__ import annotations

import argparse
import json
import secrets

from gsmgateway.cli import EXIT_OK, UsageError


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register ``pdu encode`` and ``pdu decode``."""
    from gsmgateway.sms.plan import DEFAULT_MAX_SEGMENTS

    pdu = commands.add_parser("pdu", help="encode or decode SMS PDUs")
    actions = pdu.add_subparsers(dest="pdu_action", required=True, metavar="ACTION")

    encode = actions.add_parser("encode", help="SMS-SUBMIT PDUs of a text, for AT+CMGS")
    encode.add_argument("--to", required=True, metavar="NUMBER")
    encode.add_argument("--text", required=True)
    encode.add_argument("--status-report", action="store_true", help="request a status report")
    encode.add_argument("--flash", action="store_true", help="class 0: shown, not stored")
    encode.add_argument("--validity", type=int, metavar="MINUTES")
    encode.add_argument(
        "--national", default="", metavar="LANGS", help="national tables allowed, or 'all'"
    )
    encode.add_argument("--smart", action="store_true", help="swap in GSM-7 look-alikes")
    encode.add_argument("--encoding", choices=("auto", "gsm7", "ucs2"), default="auto")
    encode.add_argument("--ref", type=int, help="concatenation reference (default: random)")
    encode.add_argument("--ref-bits", type=int, choices=(8, 16), default=8)
    encode.add_argument("--max-segments", type=int, default=DEFAULT_MAX_SEGMENTS)
    encode.set_defaults(run=_encode)

    decode = actions.add_parser("decode", help="decode a SUBMIT, DELIVER or STATUS-REPORT")
    decode.add_argument("hex", metavar="HEX")
    decode.set_defaults(run=_decode)


def _print_json(value: object) -> None:
    try:
        print(json.dumps(value, ensure_ascii=False))
    except UnicodeEncodeError:
        # An unpaired surrogate (half of a split UCS-2 pair) cannot be written as UTF-8.
        print(json.dumps(value))


def _encode(args: argparse.Namespace) -> int:
    from gsmgateway.sms import EncodingRequest, SmsError, encode_message, plan_text

    try:
        plan = plan_text(
            args.text,
            encoding=EncodingRequest(args.encoding),
            national=args.national,
            smart=args.smart,
            max_segments=args.max_segments,
            ref_bits=args.ref_bits,
        )
        ref = args.ref if args.ref is not None else secrets.randbelow(1 << args.ref_bits)
        pdus = encode_message(
            args.to,
            plan,
            concat_ref=ref,
            status_report=args.status_report,
            flash=args.flash,
            validity_minutes=args.validity,
        )
    except SmsError as error:
        raise UsageError(str(error)) from None
    national = None
    if plan.locking is not None or plan.single is not None:
        national = {"locking": plan.locking, "single": plan.single}
    _print_json(
        {
            "encoding": plan.encoding.value,
            "segments": len(plan.segments),
            "pdus": [{"hex": pdu.hex, "tpdu_length": pdu.tpdu_length} for pdu in pdus],
            "national": national,
            "replacements": [
                {"position": r.position, "original": r.original, "replacement": r.replacement}
                for r in plan.replacements
            ],
        }
    )
    return EXIT_OK


def _decode(args: argparse.Namespace) -> int:
    from gsmgateway.sms import PduDecodeError, decode_pdu

    try:
        decoded = decode_pdu(args.hex)
    except PduDecodeError as error:
        raise UsageError(str(error)) from None
    _print_json(decoded.to_json())
    return EXIT_OK
