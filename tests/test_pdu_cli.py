"""``gsmgateway pdu encode|decode``: the contract's JSON, and invalid input exiting 2."""

import json
import subprocess
import sys

import pytest

from gsmgateway.cli import main
from gsmgateway.sms import decode_pdu


def run_main(capsys, *args):
    code = main(["pdu", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_encode_prints_the_contract_json(capsys):
    code, out, err = run_main(
        capsys, "encode", "--to", "+447911123456", "--text", "Hello", "--status-report",
        "--validity", "60", "--flash",
    )  # fmt: skip
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["encoding"] == "gsm7" and result["segments"] == 1
    [pdu] = result["pdus"]
    assert pdu["hex"].startswith("00")
    assert pdu["tpdu_length"] == len(pdu["hex"]) // 2 - 1
    decoded = decode_pdu(pdu["hex"])
    assert (decoded.recipient, decoded.text, decoded.srr, decoded.flash) == (
        "+447911123456", "Hello", True, True,
    )  # fmt: skip
    assert decoded.validity_minutes == 60


def test_encode_long_national_smart_text(capsys):
    text = "“Teşekkürler” — görüşmek üzere… " * 8
    code, out, _ = run_main(
        capsys, "encode", "--to", "905551234567", "--text", text, "--national", "tr,es",
        "--smart", "--ref", "77",
    )  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert result["encoding"] == "gsm7"
    assert result["segments"] == len(result["pdus"]) == 2
    assert result["national"]["locking"] == "tr" or result["national"]["single"] == "tr"
    assert result["replacements"][0] == {"position": 0, "original": "“", "replacement": '"'}
    decoded = [decode_pdu(p["hex"]) for p in result["pdus"]]
    assert {d.concat.ref for d in decoded} == {77}
    assert decoded[0].recipient == "905551234567"


def test_decode_prints_the_contract_json(capsys):
    hex_ = "07911326040000F0040B911346610089F60000208062917314480CC8F71D14969741F977FD07"
    code, out, _ = run_main(capsys, "decode", hex_)
    assert code == 0
    assert json.loads(out) == {
        "type": "deliver",
        "smsc": "+31624000000",
        "sender": "+31641600986",
        "text": "How are you?",
        "data_hex": None,
        "encoding": "gsm7",
        "concat": None,
        "national": None,
        "udh": [],
        "scts": "2002-08-26T19:37:41-01:00",
        "discharge_time": None,
        "status": None,
        "mr": None,
        "srr": False,
        "validity_minutes": None,
        "flash": False,
        "compressed": False,
    }


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["decode", "00110"], "odd number of hex digits"),
        (["decode", "0003"], "reserved message type indicator"),
        (["encode", "--to", "Alice", "--text", "hi"], "'A'"),
        (["encode", "--to", "+1", "--text", ""], "empty"),
        (["encode", "--to", "+1", "--text", "hi", "--validity", "0"], "at least 1 minute"),
        (["encode", "--to", "+1", "--text", "x" * 2000], "more than the maximum of 10"),
        (["encode", "--to", "+1", "--text", "😀", "--encoding", "gsm7"], "U+1F600"),
        (["encode", "--to", "+1", "--text", "hi", "--national", "tr,zz"], "'zz'"),
    ],
)
def test_invalid_input_exits_2_with_one_line(capsys, args, words):
    code, out, err = run_main(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("gsmgateway pdu: ")
    assert words in err


def test_bad_national_code_names_the_valid_ones(capsys):
    _code, _out, err = run_main(capsys, "encode", "--to", "+1", "--text", "hi", "--national", "xx")
    assert "tr, es, pt, bn, gu, hi, kn, ml, or, pa, ta, te, ur" in err


def test_the_console_script_exits_2_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "gsmgateway", "pdu", "decode", "0011000B91"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("gsmgateway pdu:")
