"""The config file: defaults, the documented example, and precise errors for bad keys."""

import dataclasses
import re
import typing
from pathlib import Path

import pytest

from gsmgateway.cli import main
from gsmgateway.config import Config, ConfigError, load_config, parse_listen

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def schema_keys(cls=Config, prefix=""):
    hints = typing.get_type_hints(cls)
    for item in dataclasses.fields(cls):
        hint = hints[item.name]
        args = typing.get_args(hint)
        inner = args[0] if typing.get_origin(hint) is tuple else hint
        if dataclasses.is_dataclass(inner):
            yield from schema_keys(inner, f"{prefix}{item.name}.")
        else:
            yield f"{prefix}{item.name}"


def test_example_documents_every_key_with_its_default():
    text = EXAMPLE.read_text()
    assert load_config(EXAMPLE) == Config()
    for key in schema_keys():
        section, _, name = key.rpartition(".")
        header = re.search(rf"^#?\s*\[\[?{re.escape(section)}\]\]?", text, re.M)
        assert header, f"no [{section}] section in the example"
        assert re.search(rf"^#?\s*{re.escape(name)} =", text[header.end() :], re.M), key


def test_commented_array_tables_of_the_example_are_valid(tmp_path):
    blocks = re.findall(r"^# \[\[.*?(?=\n\n|\n?\Z)", EXAMPLE.read_text(), re.M | re.S)
    assert len(blocks) == 3
    body = "\n".join(line[2:] for block in blocks for line in block.splitlines())
    config = load_config(write(tmp_path, body))
    assert config.modem[0].imei == "356938035643809"
    assert config.route[0].group == "germany"
    assert config.webhook[0].endpoint == "http://127.0.0.1:9000/sms-events"


def test_misspelt_key_names_key_and_line(tmp_path):
    path = write(tmp_path, '[server]\nlisten = "127.0.0.1:9000"\n\n[messages]\nmax_segmets = 3\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert f"{path}:5:" in message
    assert "'messages.max_segmets'" in message
    assert "max_segments" in message  # the known keys are listed


def test_unknown_section_names_its_line(tmp_path):
    path = write(tmp_path, "[log]\nlevel = 'debug'\n[serverr]\nlisten = 'x'\n")
    with pytest.raises(ConfigError, match=r":3: unknown key 'serverr'"):
        load_config(path)


def test_wrong_type_is_named(tmp_path):
    path = write(tmp_path, "[messages]\nstatus_report = 1\n")
    with pytest.raises(ConfigError, match=r":2: messages.status_report must be true or false"):
        load_config(path)
    path = write(tmp_path, "[modems]\nports = '/dev/ttyUSB0'\n")
    with pytest.raises(ConfigError, match=r":2: modems.ports must be an array"):
        load_config(path)
    path = write(tmp_path, "[modems]\nports = ['/dev/ttyUSB0', 3]\n")
    with pytest.raises(ConfigError, match=r":2: modems.ports\[1\] must be a string"):
        load_config(path)


def test_invalid_value_in_array_table_points_at_its_key(tmp_path):
    text = "[[modem]]\nimei = '356938035643809'\n\n[[modem]]\nimei = '12'\n"
    with pytest.raises(ConfigError, match=r":5: modem\[1\]: imei: 14 to 16 digits"):
        load_config(write(tmp_path, text))
    with pytest.raises(ConfigError, match=r"needs exactly one of prefix or region"):
        load_config(write(tmp_path, "[[route]]\ngroup = 'g'\n"))


def test_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"not valid TOML"):
        load_config(write(tmp_path, "[server\n"))
    with pytest.raises(ConfigError, match=r"cannot read"):
        load_config(tmp_path / "absent.toml")


def test_values_are_checked(tmp_path):
    cases = {
        "[server]\nlisten = 'localhost'\n": "is not HOST:PORT",
        "[messages]\nnational_languages = ['xx']\n": "'xx' is not one of",
        "[messages]\nmax_segments = 0\n": "max_segments: between 1 and 255",
        "[api]\nkey_hashes = ['secret']\n": "not the key itself",
        "[[webhook]]\nurl = 'ftp://x'\nsecret = '0123456789abcdef'\n": "url:",
    }
    for text, expected in cases.items():
        with pytest.raises(ConfigError, match=re.escape(expected)):
            load_config(write(tmp_path, text))


def test_listen_forms():
    assert parse_listen("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert parse_listen("[::1]:9000") == ("::1", 9000)
    with pytest.raises(ValueError):
        parse_listen("127.0.0.1:70000")


def test_check_config_command(tmp_path, capsys):
    good = write(tmp_path, "[messages]\ndefault_region = 'DE'\n")
    assert main(["check-config", str(good)]) == 0
    assert "ok" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text("[messages]\ndefault_regoin = 'DE'\n")
    assert main(["check-config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "default_regoin" in err and ":2:" in err


def test_dotted_keys_are_located(tmp_path):
    path = write(tmp_path, "# comment\nserver.listen = 'nowhere'\n")
    with pytest.raises(ConfigError, match=r":2: server: listen: 'nowhere' is not HOST:PORT"):
        load_config(path)
