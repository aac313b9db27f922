"""The command line's shape: every contract command exists and bad usage exits 2."""

import subprocess
import sys


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "gsmgateway", *args], capture_output=True, text=True, timeout=60
    )


def test_help_lists_every_command():
    out = run("--help").stdout
    for command in ("serve", "sim", "send", "pdu", "probe", "check-config"):
        assert command in out


def test_unknown_command_is_a_usage_error():
    result = run("frobnicate")
    assert result.returncode == 2
