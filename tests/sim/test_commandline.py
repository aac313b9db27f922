"""Splitting AT command lines (V.250) and their parameters."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.sim.commandline import Command, Form, SyntaxFault, parse_line, split_args


def test_basic_and_extended_commands_on_one_line():
    assert parse_line("ATE0V1") == [Command("E", Form.SET, "0"), Command("V", Form.SET, "1")]
    assert parse_line('at+cmgf=0;+CPMS="ME","ME";^curc?') == [
        Command("+CMGF", Form.SET, "0"),
        Command("+CPMS", Form.SET, '"ME","ME"'),
        Command("^CURC", Form.READ),
    ]
    assert parse_line("AT+CNMI=?") == [Command("+CNMI", Form.TEST)]
    assert parse_line("AT&F") == [Command("&F", Form.SET, "")]
    assert parse_line("ATS0?S7=60") == [Command("S0", Form.READ), Command("S7", Form.SET, "60")]
    assert parse_line("AT$TSSPCSW=?") == [Command("$TSSPCSW", Form.TEST)]
    assert parse_line("AT") == []


def test_quoted_strings_keep_spaces_semicolons_and_case():
    (command,) = parse_line('AT+CUSD=1,"*100# ; x",15')
    assert split_args(command.args) == ["1", "*100# ; x", "15"]
    assert split_args('1,,"",3') == ["1", None, "", "3"]


@pytest.mark.parametrize("line", ["AT+", "ATS", 'AT+CMGS="x', "AT+CSQ?x", "AT&", "AT@"])
def test_malformed_lines(line):
    with pytest.raises(SyntaxFault):
        parse_line(line)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60))
def test_any_printable_line_parses_or_is_a_syntax_fault(body):
    try:
        commands = parse_line("AT" + body)
    except SyntaxFault:
        return
    assert all(isinstance(c, Command) for c in commands)
