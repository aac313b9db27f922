"""The verdicts, hints and renderings of ``gsmgateway probe``, from observations alone."""

import json

from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.at import PinState, RegistrationState, SignalQuality
from gsmgateway.modem import Description
from gsmgateway.probe import (
    ConfiguredModem,
    Holder,
    Observation,
    Outcome,
    Verdict,
    exit_status,
    judge,
    render_json,
    render_summary,
    render_text,
)

HUAWEI = Description(
    imei="352099000000014",
    manufacturer="huawei",
    model="E173",
    revision="11.126.85.00.209",
    profile="huawei",
    sim=PinState.READY,
    iccid="8944740000000000014",
    imsi="001010000000001",
    registration=RegistrationState.HOME,
    operator="Test Network",
    signal=SignalQuality(20, 99, -73, False),
)
MANAGER = Holder(812, "ModemManager", "/usr/sbin/ModemManager")


def described(description=HUAWEI, **fields):
    return Observation(
        "/dev/ttyUSB2", Outcome.DESCRIBED, "/dev/ttyUSB2", description=description, **fields
    )


def opened(outcome, **fields):
    return Observation("/dev/ttyUSB1", outcome, "/dev/ttyUSB1", opened=True, seconds=3, **fields)


def test_a_described_port_is_a_modem_named_by_its_identity():
    report = judge(described())
    assert report.verdict is Verdict.MODEM
    assert report.reason == "huawei E173"
    assert (report.profile, report.profile_source) == ("huawei", "identity")
    assert report.hints == ()


def test_silence_garbage_and_an_at_port_without_imei_are_told_apart():
    silent = judge(opened(Outcome.NO_MODEM, error="/dev/ttyUSB1: no answer to AT"))
    assert silent.verdict is Verdict.SILENT
    assert silent.reason == "no answer to AT within 3.0 s: not an AT port"
    garbage = judge(
        opened(Outcome.NO_MODEM, bytes_received=33, first_bytes=b"\x80\x81~", error="no answer")
    )
    assert garbage.verdict is Verdict.GARBAGE
    assert garbage.reason == "33 bytes, none an AT result (first: \\x80\\x81~)"
    long = judge(opened(Outcome.NO_MODEM, bytes_received=99, first_bytes=bytes(range(64))))
    assert long.reason.endswith("\\x0e\\x0f...)")
    gps = judge(opened(Outcome.NO_MODEM, bytes_received=70, first_bytes=b"$GPGGA,1235"))
    assert "GPS port" in gps.hints[-1]
    no_imei = judge(
        opened(Outcome.NO_MODEM, bytes_received=40, answers=5, error="/dev/ttyUSB1: no IMEI")
    )
    assert no_imei.verdict is Verdict.NOT_A_MODEM
    assert no_imei.reason == "answers AT but is not a modem: no IMEI"


def test_running_out_of_time_is_silence_before_any_answer_and_a_failure_after():
    assert judge(opened(Outcome.OUT_OF_TIME)).verdict is Verdict.SILENT
    late = judge(opened(Outcome.OUT_OF_TIME, bytes_received=9, answers=2))
    assert late.verdict is Verdict.FAILED and "did not finish within 3.0 s" in late.reason
    queued = judge(Observation("/dev/ttyUSB9", Outcome.NOT_PROBED, "/dev/ttyUSB9"))
    assert queued.verdict is Verdict.FAILED and "not probed" in queued.reason
    stuck = judge(Observation("/dev/ttyUSB9", Outcome.OUT_OF_TIME, "/dev/ttyUSB9", seconds=2))
    assert (stuck.verdict, stuck.reason) == (Verdict.FAILED, "did not open within 2.0 s")


def test_a_busy_port_names_its_holder_and_ModemManager_when_it_is_the_likely_cause():
    held = judge(Observation("/dev/ttyUSB2", Outcome.BUSY, "/dev/ttyUSB2", holders=(MANAGER,)))
    assert held.verdict is Verdict.BUSY
    assert held.reason == "held by ModemManager (pid 812)"
    assert "systemctl stop ModemManager" in held.hints[0]
    guessed = judge(
        Observation(
            "/dev/ttyUSB2",
            Outcome.BUSY,
            "/dev/ttyUSB2",
            modem_manager=(812,),
            holders_complete=False,
        )
    )
    assert "ModemManager is running (pid 812) and is the likely holder" in guessed.reason
    assert any("sudo fuser -v /dev/ttyUSB2" in hint for hint in guessed.hints)
    picocom = Holder(900, "picocom", "picocom -b 115200 /dev/ttyUSB2")
    other = judge(
        Observation(
            "/dev/ttyUSB2", Outcome.BUSY, "/dev/ttyUSB2", holders=(picocom,), modem_manager=(812,)
        )
    )
    assert other.reason == "held by picocom (pid 900)"
    assert other.hints == ("close that program first: a serial port has one user at a time",)
    unknown = judge(Observation("/dev/ttyUSB2", Outcome.BUSY, "/dev/ttyUSB2"))
    assert unknown.reason == "another process holds it"
    assert not any("ModemManager" in hint for hint in unknown.hints)
    gateway = Holder(99, "gsmgateway", "/opt/gsmgateway/.venv/bin/gsmgateway serve --config x")
    ours = judge(Observation("/dev/ttyUSB2", Outcome.BUSY, "/dev/ttyUSB2", holders=(gateway,)))
    assert any("systemctl stop gsmgateway" in hint for hint in ours.hints)


def test_a_modem_port_someone_else_has_open_too_is_flagged():
    report = judge(described(holders=(MANAGER,)))
    assert report.verdict is Verdict.MODEM
    assert report.hints == (
        "also open in ModemManager (pid 812): two programs on one port take each other's answers",
    )


def test_sim_states_each_get_their_hint_and_probe_never_offers_to_enter_a_pin():
    def hints(sim, sim_error="", configured=None):
        description = Description(imei="1", sim=sim, sim_error=sim_error)
        return " ".join(judge(described(description, configured=configured)).hints)

    assert "probe never enters one" in hints(PinState.SIM_PIN)
    assert "the config holds one" in hints(
        PinState.SIM_PIN, configured=ConfiguredModem(has_pin=True)
    )
    assert "the config holds none" in hints(PinState.SIM_PIN, configured=ConfiguredModem())
    assert "PUK" in hints(PinState.SIM_PUK)
    assert "no SIM" in hints(PinState.NOT_INSERTED)
    assert "still starting" in hints(PinState.NOT_READY)
    assert "+CME ERROR: 13 (SIM failure)" in hints(None, "+CME ERROR: 13 (SIM failure)")
    assert "PH-NET PIN" in hints(PinState.PH_NET_PIN)


def test_an_unregistered_modem_with_a_ready_sim_gets_a_hint():
    description = Description(imei="1", sim=PinState.READY, registration=RegistrationState.DENIED)
    assert "not registered (denied)" in judge(described(description)).hints[0]


def test_the_config_can_name_the_profile_and_disable_the_modem():
    configured = ConfiguredModem(profile="generic", enabled=False, has_entry=True)
    report = judge(described(configured=configured))
    assert (report.profile, report.profile_source) == ("generic", "config")
    assert "its identity points to huawei" in report.hints[0]
    assert "disabled in the config" in report.hints[1]
    assert "generic (from the config)" in render_text([report], summary=False)


def test_missing_ports_say_where_to_look():
    udev = judge(Observation("/dev/gsmmodem/huawei-1-at", Outcome.MISSING))
    assert udev.verdict is Verdict.MISSING and "ls -l /dev/gsmmodem/" in udev.hints[0]
    plain = judge(Observation("/dev/ttyUSB7", Outcome.MISSING))
    assert "/dev/serial/by-id/" in plain.hints[0]


def test_the_text_block_lists_identity_sim_network_and_signal():
    text = render_text([judge(described(aliases=("/dev/serial/by-id/usb-x",)))], summary=False)
    lines = text.splitlines()
    assert lines[0] == "/dev/ttyUSB2: modem (huawei E173)"
    rows = dict(line.split(None, 1) for line in lines[1:] if not line.startswith("  also"))
    assert rows["imei"] == "352099000000014"
    assert rows["sim"] == "READY"
    assert rows["registration"] == "home"
    assert rows["signal"] == "CSQ 20 (-73 dBm)"
    assert "  also named    /dev/serial/by-id/usb-x" in lines


def test_the_json_shape_is_the_documented_one():
    reports = [judge(described()), judge(opened(Outcome.NO_MODEM))]
    document = json.loads(render_json(reports))
    assert document["modems"] == 1
    port, silent = document["ports"]
    assert set(port) == {
        "port", "device", "aliases", "verdict", "reason", "hints", "modem", "holders",
        "modem_manager_pids", "holders_complete", "bytes_received", "first_bytes_hex", "seconds",
    }  # fmt: skip
    assert port["modem"] == {
        "manufacturer": "huawei",
        "model": "E173",
        "revision": "11.126.85.00.209",
        "imei": "352099000000014",
        "profile": "huawei",
        "profile_source": "identity",
        "sim": "READY",
        "sim_error": None,
        "iccid": "8944740000000000014",
        "imsi": "001010000000001",
        "operator": "Test Network",
        "registration": "home",
        "registered": True,
        "signal": {"csq": 20, "ber": 99, "dbm": -73},
    }
    assert silent["verdict"] == "silent" and silent["modem"] is None


def test_exit_status_and_summary():
    modem, silent = judge(described()), judge(opened(Outcome.NO_MODEM))
    assert exit_status([modem, silent]) == 0
    assert exit_status([silent]) == 1
    assert exit_status([]) == 1
    assert render_summary([modem, silent]) == "2 ports probed: 1 modem (/dev/ttyUSB2), 1 silent"


descriptions = st.builds(
    Description,
    imei=st.text("0123456789", min_size=1, max_size=15),
    sim=st.none() | st.sampled_from(PinState),
    registration=st.none() | st.sampled_from(RegistrationState),
    operator=st.none() | st.text(max_size=20),
    signal=st.none()
    | st.builds(SignalQuality, st.integers(0, 31), st.just(99), st.none(), st.just(False)),
)
observations = st.builds(
    Observation,
    port=st.text(min_size=1, max_size=30),
    outcome=st.sampled_from(Outcome),
    device=st.none() | st.text(min_size=1, max_size=30),
    description=st.none() | descriptions,
    error=st.text(max_size=40),
    opened=st.booleans(),
    seconds=st.floats(0, 100),
    bytes_received=st.integers(0, 10_000),
    answers=st.integers(0, 100),
    first_bytes=st.binary(max_size=64),
    holders=st.lists(
        st.builds(Holder, st.integers(1, 10**6), st.text(max_size=15)), max_size=3
    ).map(tuple),
    modem_manager=st.lists(st.integers(1, 10**6), max_size=2).map(tuple),
    configured=st.none()
    | st.builds(ConfiguredModem, profile=st.sampled_from(["auto", "generic", "sim800"])),
)


@given(observations)
def test_every_observation_gets_one_verdict_and_renders(observation):
    report = judge(observation)
    is_modem = observation.outcome is Outcome.DESCRIBED and observation.description is not None
    assert (report.verdict is Verdict.MODEM) == is_modem
    assert report.reason
    assert render_text([report], summary=True).startswith(f"{observation.port}: ")
    assert json.loads(render_json([report]))["ports"][0]["verdict"] == report.verdict.value
