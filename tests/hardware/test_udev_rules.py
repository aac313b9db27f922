"""hardware/99-gsmgateway.rules: its syntax, what it does to a dongle's ports, and its
agreement with the model table in hardware/README.md.

`udevadm verify` exists only from systemd 254; where it is missing, `udevadm test` in a
private mount namespace (our file bind-mounted over /etc/udev/rules.d) makes the real
udev parser read the rules and report bad lines. A parser of our own checks every line
everywhere, and a small evaluator runs the rules on the properties a dongle's tty gets.
"""

import fnmatch
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "hardware" / "99-gsmgateway.rules"
README = ROOT / "hardware" / "README.md"

MATCH_KEYS = {"ACTION", "DEVPATH", "KERNEL", "KERNELS", "SUBSYSTEM", "SUBSYSTEMS", "DRIVER"}
MATCH_KEYS |= {"DRIVERS", "TAG", "TAGS", "RESULT", "PROGRAM", "NAME"}
ASSIGN_KEYS = {"SYMLINK", "NAME", "OWNER", "GROUP", "MODE", "OPTIONS", "GOTO", "LABEL", "TAG"}
ATTR_KEYS = {"ATTR", "ATTRS", "ENV", "TEST", "IMPORT", "RUN", "SYSCTL", "CONST"}
ITEM = re.compile(r'\s*([A-Z]+)(?:\{([^}]+)\})?\s*(==|!=|\+=|-=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*')


def rule_lines(path=RULES):
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def parse_rule(line: str) -> list[tuple[str, str | None, str, str]]:
    """One rule line -> [(key, attribute, operator, value)]; AssertionError if malformed."""
    items, position = [], 0
    while position < len(line):
        match = ITEM.match(line, position)
        assert match, f'cannot read a KEY op "value" item at column {position + 1}'
        items.append(match.groups())
        position = match.end()
        if position < len(line):
            assert line[position] == ",", f"items must be separated by commas (col {position})"
            position += 1
    return items


def test_every_rule_line_is_well_formed():
    labels, gotos = set(), []
    for number, line in rule_lines():
        assert not line.endswith("\\"), f"line {number}: keep rules on one line"
        try:
            items = parse_rule(line)
        except AssertionError as error:
            raise AssertionError(f"{RULES.name}:{number}: {error}: {line}") from None
        for key, attr, op, value in items:
            where = f"{RULES.name}:{number}: {key}"
            if attr is not None:
                assert key in ATTR_KEYS, f"{where} takes no {{attribute}}"
            else:
                assert key in MATCH_KEYS | ASSIGN_KEYS, f"{where} is not a udev key"
            if op in ("==", "!="):
                assert key in MATCH_KEYS | ATTR_KEYS - {"RUN", "IMPORT"}, f"{where} {op}"
            else:
                assert key in ASSIGN_KEYS | {"ENV", "ATTR", "RUN", "IMPORT", "SYSCTL"}, where
                assert key not in MATCH_KEYS - ASSIGN_KEYS, f"{where} is a match key, use =="
            if key == "LABEL":
                labels.add(value)
            if key == "GOTO":
                gotos.append(value)
            if key == "ENV" and op != "==" and op != "!=" and attr.startswith("ID_MM_"):
                assert value == "1", f'{where}: ModemManager flags take "1"'
    assert set(gotos) <= labels, f"GOTO without LABEL: {set(gotos) - labels}"


def test_real_udev_parser_reads_the_rules_without_complaint():
    udevadm, unshare = shutil.which("udevadm"), shutil.which("unshare")
    if not (udevadm and unshare):
        pytest.skip("udevadm or unshare not installed: only our own parser checked the rules")
    version = subprocess.run([udevadm, "--version"], capture_output=True, text=True).stdout
    if int(version.split()[0]) >= 254:
        result = subprocess.run([udevadm, "verify", str(RULES)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        return
    probe = subprocess.run([unshare, "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here ({probe.stderr.decode().strip()}): skipped")
    with tempfile.TemporaryDirectory(prefix="gsmgw-udev-") as directory:
        shutil.copy(RULES, directory)
        script = (
            'mount -t tmpfs none /run/udev && mount --bind "$1" /etc/udev/rules.d && '
            'exec "$2" test --action=add /sys/class/tty/tty'
        )
        result = subprocess.run(
            [unshare, "-m", "sh", "-c", script, "sh", directory, udevadm],
            capture_output=True,
            text=True,
            timeout=60,
        )
    output = result.stdout + result.stderr
    assert f"Reading rules file: /etc/udev/rules.d/{RULES.name}" in output, output[-2000:]
    complaints = [line for line in output.splitlines() if RULES.name + ":" in line]
    assert complaints == [], "\n".join(complaints)


def run_rules(device: dict[str, str], env: dict[str, str], attrs: dict[str, str]):
    """Evaluate the rules on one device: its ENV after the rules and its SYMLINKs.

    A model of udev's semantics good enough for this file: patterns with | and globs,
    GOTO/LABEL, $env{} substitution; ATTR and ATTRS look in one `attrs` map.
    """
    env, symlinks = dict(env), []
    rules = [parse_rule(line) for _, line in rule_lines()]
    index = 0

    def matches(pattern, value):
        return any(fnmatch.fnmatchcase(value or "", p) for p in pattern.split("|"))

    def substitute(value):
        return re.sub(r"\$env\{([^}]+)\}", lambda m: env.get(m.group(1), ""), value)

    while index < len(rules):
        items, index = rules[index], index + 1
        actual = {
            "ACTION": lambda a: device["ACTION"],
            "SUBSYSTEM": lambda a: device["SUBSYSTEM"],
            "KERNEL": lambda a: device["KERNEL"],
            "ENV": lambda a: env.get(a, ""),
            "ATTR": lambda a: attrs.get(a, ""),
            "ATTRS": lambda a: attrs.get(a, ""),
        }
        tests = [(k, a, op, v) for k, a, op, v in items if op in ("==", "!=")]
        if not all(matches(v, actual[k](a)) == (op == "==") for k, a, op, v in tests):
            continue
        for key, attr, op, value in items:
            if key == "ENV" and op == "=":
                env[attr] = substitute(value)
            elif key == "SYMLINK" and op == "+=":
                symlinks.append(substitute(value))
            elif key == "GOTO":
                index = next(i for i, r in enumerate(rules) if ("LABEL", None, "=", value) in r)
                break
    return env, symlinks


def tty(vendor, product, interface, serial="SER123", attrs=None):
    env = {"ID_VENDOR_ID": vendor, "ID_MODEL_ID": product, "ID_USB_INTERFACE_NUM": interface}
    env.update(
        {"ID_SERIAL_SHORT": serial} if serial else {"ID_PATH_TAG": "pci-0000_00_14_0-usb-0_2_1_2"}
    )
    device = {"ACTION": "add", "SUBSYSTEM": "tty", "KERNEL": "ttyUSB2"}
    return run_rules(device, env, attrs or {})


def readme_models():
    """(model, [vendor:product in modem mode], AT interface or None) per table row."""
    rows = []
    for line in README.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 7 or cells[0] in ("model", "---"):
            continue
        ids = re.findall(r"\b([0-9a-f]{4}):([0-9a-f]{4})\b", cells[1])
        interface = re.match(r"if(\d\d)\b", cells[3])
        rows.append((cells[0], ids, interface.group(1) if interface else None, cells[3]))
    return rows


def test_readme_table_is_read():
    rows = readme_models()
    assert len(rows) >= 20
    vendors = {vendor for _, ids, _, _ in rows for vendor, _ in ids}
    assert {"12d1", "19d2", "1e0e", "2c7c", "1199", "1546"} <= vendors


@pytest.mark.parametrize("model, ids, interface, at_cell", readme_models())
def test_every_table_model_gets_named_ignored_and_its_at_port_found(model, ids, interface, at_cell):
    for vendor, product in ids:
        env, links = tty(vendor, product, interface or "00")
        assert env.get("ID_MM_DEVICE_IGNORE") == "1", f"{model}: ModemManager not told to keep away"
        assert any(link.endswith(f"-if{interface or '00'}") for link in links), model
        usb_device, _ = run_rules(
            {"ACTION": "add", "SUBSYSTEM": "usb", "KERNEL": "1-2"},
            {"DEVTYPE": "usb_device"},
            {"idVendor": vendor, "idProduct": product},
        )
        assert usb_device.get("ID_MM_DEVICE_IGNORE") == "1", f"{model}: USB device not ignored"
        if interface is None:
            continue
        assert f"gsmmodem/{links[0].split('/')[1].rsplit('-if', 1)[0]}-at" in links, model
        other = f"{(int(interface) + 1) % 10:02d}"
        _, other_links = tty(vendor, product, other)
        assert not any(link.endswith("-at") for link in other_links), f"{model} if{other}"


def test_huawei_pcui_is_found_by_interface_class():
    pcui = {"bInterfaceClass": "ff", "bInterfaceSubClass": "02", "bInterfaceProtocol": "02"}
    ppp = dict(pcui, bInterfaceProtocol="01")
    _, links = tty("12d1", "1506", "02", attrs=pcui)
    assert "gsmmodem/huawei-SER123-at" in links
    _, links = tty("12d1", "1506", "00", attrs=ppp)
    assert links == ["gsmmodem/huawei-SER123-if00"]


def test_a_dongle_without_serial_is_named_by_its_usb_path():
    _, links = tty("2c7c", "0125", "02", serial=None)
    assert links == [
        "gsmmodem/quectel-path-pci-0000_00_14_0-usb-0_2_1_2-if02",
        "gsmmodem/quectel-path-pci-0000_00_14_0-usb-0_2_1_2-at",
    ]


def test_other_devices_and_removals_are_left_alone():
    env, links = tty("10c4", "ea60", "00")  # a CP210x bridge: could be anything
    assert links == [] and "ID_MM_DEVICE_IGNORE" not in env
    removal, links = run_rules(
        {"ACTION": "remove", "SUBSYSTEM": "tty", "KERNEL": "ttyUSB2"},
        {"ID_VENDOR_ID": "2c7c", "ID_MODEL_ID": "0125", "ID_USB_INTERFACE_NUM": "02"},
        {},
    )
    assert links == [] and "ID_MM_DEVICE_IGNORE" not in removal
