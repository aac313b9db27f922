"""The command handlers of the simulated modem: one function per AT command.

Each takes the machine, the parsed command and ``now`` and returns a Reply (lines,
final result, maybe a prompt or effects); the machine renders it. What differs by
model comes from the profile (``profiles.py``); the rest follows TS 27.007 (general,
network, SIM), TS 27.005 (SMS) and V.250 (basic commands), cited where it matters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gsmgateway.sim import charsets
from gsmgateway.sim.commandline import Command, Form, SyntaxFault, int_arg, split_args
from gsmgateway.sim.model import Replug, Reply, Settings, SimState, StartTimer
from gsmgateway.sim.relay import replace_destination
from gsmgateway.sim.replies import FINAL_ERROR, Final, cme, cms
from gsmgateway.sim.states import BootingState, PromptState
from gsmgateway.sim.storage import MEMORIES, MessageKind, MessageStatus

if TYPE_CHECKING:
    from gsmgateway.sim.machine import ModemMachine

Handler = Callable[["ModemMachine", Command, float], Reply]
OPERATOR_LONG, OPERATOR_SHORT, OPERATOR_NUMERIC = "Test Network", "TestNet", "00101"
# V.250 6.2: S3 CR, S4 LF, S5 backspace; S0 auto-answer rings, S7 connect wait, S10 delay.
S_REGISTER_DEFAULTS = {"S0": 0, "S3": 13, "S4": 10, "S5": 8, "S7": 60, "S10": 15}


def handler_table(m: ModemMachine) -> dict[str, Handler]:
    """Every command this modem knows: the TS 27.007/27.005 set plus its profile's."""
    table: dict[str, Handler] = {
        "E": _switch("echo"),
        "V": _switch("verbose"),
        "Q": _switch("quiet"),
        "Z": cmd_reset_settings,
        "&F": cmd_reset_settings,
        "I": cmd_ati,
        "+CGMI": _info(lambda m: m.profile.manufacturer),
        "+GMI": _info(lambda m: m.profile.manufacturer),
        "+CGMM": _info(lambda m: m.profile.model),
        "+GMM": _info(lambda m: m.profile.model),
        "+CGMR": _info(lambda m: m.profile.revision),
        "+GMR": _info(lambda m: m.profile.revision),
        "+CGSN": cmd_cgsn,
        "+GSN": _info(lambda m: m.identity.imei),
        "+GCAP": _info(lambda m: "+GCAP: +CGSM"),
        "+CIMI": cmd_cimi,
        "+CFUN": cmd_cfun,
        "+CMEE": cmd_cmee,
        "+CPIN": cmd_cpin,
        "+CSQ": cmd_csq,
        "+CREG": cmd_creg,
        "+CGREG": cmd_creg,
        "+CGATT": cmd_cgatt,
        "+COPS": cmd_cops,
        "+CSCA": cmd_csca,
        "+CSCS": cmd_cscs,
        "+CMGF": cmd_cmgf,
        "+CSMP": cmd_csmp,
        "+CSDH": cmd_csdh,
        "+CSMS": cmd_csms,
        "+CNMI": cmd_cnmi,
        "+CNMA": cmd_cnma,
        "+CPMS": cmd_cpms,
        "+CMGL": cmd_cmgl,
        "+CMGR": cmd_cmgr,
        "+CMGD": cmd_cmgd,
        "+CMGS": cmd_cmgs,
        "+CMGW": cmd_cmgw,
        "+CMSS": cmd_cmss,
        "+CMMS": cmd_cmms,
        "+CUSD": cmd_cusd,
        "+CLAC": cmd_clac,
        "+CBC": _info(lambda m: "+CBC: 0,100"),
        "+CPAS": _info(lambda m: "+CPAS: 0"),
        "+CNUM": cmd_cnum,
        "+CCLK": cmd_cclk,
        "+CEER": _info(lambda m: "+CEER: No cause"),
    }
    for name in ("&C", "&D", "&K", "&W", "&V", "X", "+CHUP", "+CLIP", "+CRC", "+CVHU"):
        table[name] = cmd_accept
    for name in S_REGISTER_DEFAULTS:
        table[name] = cmd_s_register
    if m.profile.has_cereg:
        table["+CEREG"] = cmd_creg
    for name in m.profile.iccid_commands:
        table[name.rstrip("?")] = cmd_iccid
    vendor: dict[str, Handler] = {
        "^CURC": cmd_curc,
        "^SYSINFO": cmd_sysinfo,
        "^HWVER": _info(lambda m: '^HWVER:"CD6ATCPU"'),
        "^CARDMODE": _info(lambda m: "^CARDMODE: 1"),
        "^PORTSEL": cmd_accept,
        "+CIURC": cmd_accept,
        "+CSCLK": cmd_accept,
        "+QINDCFG": cmd_accept,
        "+QURCCFG": cmd_accept,
    }
    for name in m.profile.vendor_commands:
        table[name] = vendor[name]
    return table


def cmd_s_register(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"{m.s_registers[command.name]:03d}"])
    if not command.args.isdigit() or int(command.args) > 255:
        return Reply(final=FINAL_ERROR)
    m.s_registers[command.name] = int(command.args)
    return Reply()


def _info(text: Callable[[ModemMachine], str]) -> Handler:
    """A command whose execute form answers one line of text."""

    def handler(m: ModemMachine, command: Command, now: float) -> Reply:
        if command.form is Form.TEST:
            return Reply()
        if command.form is not Form.EXECUTE:
            return Reply(final=FINAL_ERROR)
        return Reply([text(m)])

    return handler


def cmd_accept(m: ModemMachine, command: Command, now: float) -> Reply:
    return Reply()


def _switch(attribute: str) -> Handler:
    """ATE / ATV / ATQ (V.250 6.2.4-6.2.6): <n> is 0 or 1, absent means 0."""

    def handler(m: ModemMachine, command: Command, now: float) -> Reply:
        if command.args not in ("", "0", "1"):
            return Reply(final=FINAL_ERROR)
        setattr(m.settings, attribute, command.args == "1")
        return Reply()

    return handler


def cmd_reset_settings(m: ModemMachine, command: Command, now: float) -> Reply:
    # ATZ / AT&F: back to the stored / factory profile; V.250 answers with the
    # restored format (so OK reads verbose again).
    m.settings = Settings.defaults(m.profile)
    return Reply()


def cmd_ati(m: ModemMachine, command: Command, now: float) -> Reply:
    return Reply([line.format(imei=m.identity.imei) for line in m.profile.ati])


def cmd_cgsn(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.TEST:
        return Reply()
    if command.form is Form.SET:
        return Reply([f'+CGSN: "{m.identity.imei}"'])
    return Reply([m.identity.imei])


def sim_error(m: ModemMachine) -> Final | None:
    """+CME ERROR for a command that needs the SIM unlocked (TS 27.007 9.2.1)."""
    if m.sim.state is SimState.PIN:
        return cme(11)
    if m.sim.state is SimState.PUK:
        return cme(12)
    return None


def sms_sim_error(m: ModemMachine) -> Final | None:
    """+CMS ERROR for an SMS command while the SIM is locked (TS 27.005 3.2.5)."""
    if m.sim.state is SimState.PIN:
        return cms(311)
    if m.sim.state is SimState.PUK:
        return cms(316)
    return None


def cmd_cimi(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.TEST:
        return Reply()
    error = sim_error(m)
    if error:
        return Reply(final=error)
    return Reply([m.identity.imsi])


def cmd_iccid(m: ModemMachine, command: Command, now: float) -> Reply:
    # EF_ICCID is readable without PIN verification (TS 31.102 4.1.1), so this
    # answers on a locked SIM too.
    if command.form is Form.TEST:
        return Reply()
    wants_read = any(c.endswith("?") for c in m.profile.iccid_commands)
    if (command.form is Form.READ) != wants_read:
        return Reply(final=Final(m.profile.unknown_reply))
    line = m.profile.iccid_format.format(iccid=m.identity.iccid)
    if command.name == "+ICCID":
        line = f"+ICCID: {m.identity.iccid}"
    return Reply([line])


def cmd_cfun(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"+CFUN: {m.cfun}"])
    if command.form is Form.TEST:
        return Reply(["+CFUN: (0,1,4),(0-1)"])
    if command.form is not Form.SET:
        return Reply(final=cme(50))
    values = split_args(command.args)
    fun = int_arg(values, 0)
    rst = int_arg(values, 1, 0)
    if fun not in (0, 1, 4) or rst not in (0, 1):
        return Reply(final=cme(50))
    if rst == 1:
        if m.profile.reset_replugs:
            return Reply(effects=[Replug(m.timing.replug_delay)])
        m.state = BootingState()
        return Reply(effects=[StartTimer("boot", m.timing.boot_delay)])
    previous, m.cfun = m.cfun, fun
    if fun != 1:
        m.change_registration(0)
    elif previous != 1 and m.sim.state is SimState.READY:
        m.change_registration(1)
    return Reply()


def cmd_cmee(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"+CMEE: {m.settings.cmee}"])
    if command.form is Form.TEST:
        return Reply(["+CMEE: (0-2)"])
    value = int_arg(split_args(command.args), 0, 0)
    if value not in (0, 1, 2):
        return Reply(final=cme(50))
    m.settings.cmee = value
    return Reply()


def cmd_cpin(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"+CPIN: {m.sim.state.value}"])
    if command.form is Form.TEST:
        return Reply()
    if command.form is not Form.SET:
        return Reply(final=cme(50))
    values = split_args(command.args)
    if not values or values[0] is None:
        return Reply(final=cme(50))
    sim = m.sim
    if sim.state is SimState.READY:
        return Reply(final=cme(3))  # nothing to unlock
    if sim.state is SimState.PIN:
        if values[0] == sim.pin:
            return _unlocked(m, now)
        sim.pin_attempts_left -= 1
        if sim.pin_attempts_left <= 0:
            sim.state = SimState.PUK  # TS 31.101: three wrong PINs block it
        return Reply(final=cme(16))
    # SIM PUK: AT+CPIN=<puk>,<newpin> (TS 27.007 8.3)
    if len(values) < 2 or values[1] is None:
        return Reply(final=cme(12))
    if values[0] != sim.puk:
        return Reply(final=cme(16))
    sim.pin = values[1]
    return _unlocked(m, now)


def _unlocked(m: ModemMachine, now: float) -> Reply:
    m.sim.state = SimState.READY
    m.sim.pin_attempts_left = 3
    if m.cfun == 1:
        m.change_registration(1)
    for line in m.profile.ready_urcs:
        m.emit_urc([line])
    m.drain_inbound()
    return Reply()


def cmd_csq(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.TEST:
        return Reply(["+CSQ: (0-31,99),(0-7,99)"])
    rssi = m.rssi if m.cfun == 1 else 99
    return Reply([f"+CSQ: {rssi},99"])


def cmd_creg(m: ModemMachine, command: Command, now: float) -> Reply:
    attr = command.name[1:].lower()  # creg / cgreg / cereg
    if command.form is Form.TEST:
        return Reply([f"{command.name}: (0-2)"])
    if command.form is Form.SET:
        n = int_arg(split_args(command.args), 0, 0)
        if n not in (0, 1, 2):
            return Reply(final=cme(50))
        setattr(m.settings, attr, n)
        return Reply()
    if command.form is not Form.READ:
        return Reply(final=cme(50))
    n = getattr(m.settings, attr)
    stat = m.registration
    if n == 2 and stat in (1, 5):
        act = f",{m.profile.access_technology}" if command.name != "+CREG" else ""
        return Reply([f'{command.name}: {n},{stat},"00A1","0000B2C3"{act}'])
    return Reply([f"{command.name}: {n},{stat}"])


def cmd_cgatt(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"+CGATT: {1 if m.registration in (1, 5) else 0}"])
    if command.form is Form.TEST:
        return Reply(["+CGATT: (0,1)"])
    return Reply()


def operator_name(m: ModemMachine, fmt: int) -> str:
    if fmt == 2:
        return OPERATOR_NUMERIC
    name = OPERATOR_SHORT if fmt == 1 else OPERATOR_LONG
    return charsets.encode_te(name, m.settings.cscs)


def cmd_cops(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.TEST:
        act = m.profile.access_technology
        names = f'"{operator_name(m, 0)}","{operator_name(m, 1)}","{OPERATOR_NUMERIC}"'
        return Reply([f"+COPS: (2,{names},{act}),,(0-4),(0-2)"])
    if command.form is Form.READ:
        if m.registration not in (1, 5):
            return Reply(["+COPS: 0"])
        fmt = m.settings.cops_format
        act = m.profile.access_technology
        return Reply([f'+COPS: 0,{fmt},"{operator_name(m, fmt)}",{act}'])
    values = split_args(command.args)
    mode = int_arg(values, 0, 0)
    fmt = int_arg(values, 1)
    if mode not in (0, 1, 2, 3, 4) or (fmt is not None and fmt not in (0, 1, 2)):
        return Reply(final=cme(50))
    if fmt is not None:
        m.settings.cops_format = fmt
    if mode == 2:
        m.change_registration(0)
    elif mode in (0, 1, 4) and m.cfun == 1 and m.sim.state is SimState.READY:
        m.change_registration(1)
    return Reply()


def cmd_csca(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.TEST:
        return Reply()
    error = sms_sim_error(m)
    if error:
        return Reply(final=error)
    if command.form is Form.READ:
        number = charsets.encode_te(m.sim.smsc, m.settings.cscs)
        kind = 145 if m.sim.smsc.startswith("+") else 129
        return Reply([f'+CSCA: "{number}",{kind}'])
    values = split_args(command.args)
    if not values or values[0] is None:
        return Reply(final=cms(304))
    try:
        number = charsets.decode_te(values[0], m.settings.cscs)
    except ValueError:
        return Reply(final=cms(304))
    if int_arg(values, 1, 145) == 145 and not number.startswith("+"):
        number = "+" + number
    m.sim.smsc = number
    return Reply()


def cmd_cscs(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f'+CSCS: "{m.settings.cscs}"'])
    if command.form is Form.TEST:
        listed = ",".join(f'"{c}"' for c in m.profile.charsets)
        return Reply([f"+CSCS: ({listed})"])
    values = split_args(command.args)
    wanted = (values[0] or "") if values else ""
    if wanted.upper() not in m.profile.charsets or wanted.upper() not in charsets.CHARSETS:
        return Reply(final=cme(4))
    m.settings.cscs = wanted.upper()
    return Reply()


def cmd_cmgf(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"+CMGF: {m.settings.cmgf}"])
    if command.form is Form.TEST:
        return Reply(["+CMGF: (0-1)"])
    value = int_arg(split_args(command.args), 0, 0)
    if value not in (0, 1):
        return Reply(final=cms(302))
    m.settings.cmgf = value
    return Reply()


def cmd_csmp(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply(["+CSMP: " + ",".join(str(v) for v in m.settings.csmp)])
    if command.form is Form.TEST:
        return Reply()
    values = split_args(command.args)
    current = list(m.settings.csmp)
    for position in range(4):
        value = int_arg(values, position)
        if value is not None:
            if not 0 <= value <= 255:
                return Reply(final=cms(305))
            current[position] = value
    m.settings.csmp = (current[0], current[1], current[2], current[3])
    return Reply()


def cmd_csdh(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"+CSDH: {m.settings.csdh}"])
    if command.form is Form.TEST:
        return Reply(["+CSDH: (0,1)"])
    value = int_arg(split_args(command.args), 0, 0)
    if value not in (0, 1):
        return Reply(final=cms(305))
    m.settings.csdh = value
    return Reply()


def cmd_csms(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"+CSMS: {m.settings.csms},1,1,1"])
    if command.form is Form.TEST:
        return Reply(["+CSMS: (0,1)"])
    value = int_arg(split_args(command.args), 0)
    if value not in (0, 1):
        return Reply(final=cms(303))
    m.settings.csms = value
    return Reply(["+CSMS: 1,1,1"])


def cmd_cnmi(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply(["+CNMI: " + ",".join(str(v) for v in m.settings.cnmi)])
    if command.form is Form.TEST:
        return Reply([f"+CNMI: {m.profile.cnmi_test}"])
    values = split_args(command.args)
    current = list(m.settings.cnmi)
    limits = (3, 3, 3, 2, 1)
    for position in range(5):
        value = int_arg(values, position)
        if value is not None:
            if not 0 <= value <= limits[position]:
                return Reply(final=cms(303))
            current[position] = value
    mode, mt, bm, ds, bfr = current
    m.settings.cnmi = (mode, mt, bm, ds, bfr)
    # 27.005 <bfr>: 0 flushes the TA's buffered codes to the TE, 1 clears them.
    if mode in (1, 2, 3) and bfr == 1:
        m.clear_buffered_urcs()
    return Reply()


def cmd_cnma(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.TEST:
        return Reply(["+CNMA: (0-2)"] if m.settings.cmgf == 0 else [])
    if m.settings.csms != 1 or not m.acknowledge():
        return Reply(final=cms(340))
    return Reply()


def _check_mem(m: ModemMachine, name: str | None) -> str:
    mem = (name or "").upper()
    if mem not in MEMORIES or m.store.capacity(mem) == 0:
        raise SyntaxFault(f"no memory {name!r}")
    return mem


def cmd_cpms(m: ModemMachine, command: Command, now: float) -> Reply:
    error = sms_sim_error(m)
    if error and command.form is not Form.TEST:
        return Reply(final=error)
    mems = [mem for mem in MEMORIES if m.store.capacity(mem)]
    listed = "(" + ",".join(f'"{mem}"' for mem in mems) + ")"
    if command.form is Form.TEST:
        return Reply([f"+CPMS: {listed},{listed},{listed}"])
    cpms = m.settings.cpms
    if command.form is Form.READ:
        parts = [f'"{mem}",{m.store.used(mem)},{m.store.capacity(mem)}' for mem in cpms]
        return Reply(["+CPMS: " + ",".join(parts)])
    values = split_args(command.args)
    if not values or len(values) > 3:
        return Reply(final=cms(302))
    try:
        chosen = [_check_mem(m, v) for v in values]
    except SyntaxFault:
        return Reply(final=cms(302))
    cpms[: len(chosen)] = chosen
    m.drain_inbound()  # a new <mem3> may have room for what the network holds
    counts = [f"{m.store.used(mem)},{m.store.capacity(mem)}" for mem in cpms]
    return Reply(["+CPMS: " + ",".join(counts)])


def cmd_cmgl(m: ModemMachine, command: Command, now: float) -> Reply:
    from gsmgateway.sim import textmode

    error = sms_sim_error(m)
    if error:
        return Reply(final=error)
    text = m.settings.cmgf == 1
    if command.form is Form.TEST:
        if text:
            return Reply(['+CMGL: ("REC UNREAD","REC READ","STO UNSENT","STO SENT","ALL")'])
        return Reply(["+CMGL: (0-4)"])
    values = split_args(command.args)
    wanted: set[MessageStatus]
    if not values:
        wanted = {MessageStatus.REC_UNREAD}  # 27.005 3.4.2: default "REC UNREAD"/0
    elif text:
        name = (values[0] or "").upper()
        if name == "ALL":
            wanted = set(MessageStatus)
        else:
            found = [s for s in MessageStatus if s.text == name]
            if not found:
                return Reply(final=cms(305))
            wanted = set(found)
    else:
        stat = int_arg(values, 0)
        if stat not in (0, 1, 2, 3, 4):
            return Reply(final=cms(304))
        wanted = set(MessageStatus) if stat == 4 else {MessageStatus(stat)}
    mem = m.settings.cpms[0]
    lines: list[str] = []
    for index, message in list(m.store.items(mem)):
        if message.status not in wanted:
            continue
        if text:
            lines += textmode.list_lines(index, message, m.settings)
        else:
            lines += [f"+CMGL: {index},{message.status.value},,{message.tpdu_length}"]
            lines.append(message.pdu)
        m.store.mark_read(mem, index)
    return Reply(lines)


def cmd_cmgr(m: ModemMachine, command: Command, now: float) -> Reply:
    from gsmgateway.sim import textmode

    error = sms_sim_error(m)
    if error:
        return Reply(final=error)
    if command.form is Form.TEST:
        return Reply()
    index = int_arg(split_args(command.args), 0)
    if index is None:
        return Reply(final=cms(302))
    mem = m.settings.cpms[0]
    message = m.store.get(mem, index)
    if message is None:
        return Reply(final=cms(321))
    m.store.mark_read(mem, index)
    if m.settings.cmgf == 1:
        return Reply(textmode.read_lines(message, m.settings))
    return Reply([f"+CMGR: {message.status.value},,{message.tpdu_length}", message.pdu])


def cmd_cmgd(m: ModemMachine, command: Command, now: float) -> Reply:
    error = sms_sim_error(m)
    if error:
        return Reply(final=error)
    mem = m.settings.cpms[0]
    if command.form is Form.TEST:
        used = ",".join(str(i) for i, _ in m.store.items(mem))
        return Reply([f"+CMGD: ({used}),(0-4)"])
    values = split_args(command.args)
    index = int_arg(values, 0)
    flag = int_arg(values, 1, 0)
    if flag not in (0, 1, 2, 3, 4) or (index is None and flag == 0):
        return Reply(final=cms(302))
    if flag:
        m.store.delete_by_flag(mem, flag)
    else:
        assert index is not None
        m.store.delete(mem, index)
    m.drain_inbound()  # room again: the network delivers what it held (RP-SMMA)
    return Reply()


def cmd_cmgs(m: ModemMachine, command: Command, now: float) -> Reply:
    error = sms_sim_error(m)
    if error:
        return Reply(final=error)
    if command.form is Form.TEST:
        return Reply()
    if command.form is not Form.SET:
        return Reply(final=cms(302))
    values = split_args(command.args)
    if m.settings.cmgf == 0:
        length = int_arg(values, 0)
        if length is None or not 7 <= length <= 164:
            return Reply(final=cms(304))
        return Reply(prompt=PromptState(tpdu_length=length))
    if not values or not values[0]:
        return Reply(final=cms(305))
    destination = _text_destination(m, values)
    if destination is None:
        return Reply(final=cms(305))
    return Reply(prompt=PromptState(tpdu_length=None, destination=destination))


def cmd_cmgw(m: ModemMachine, command: Command, now: float) -> Reply:
    """AT+CMGW (TS 27.005 3.5.3): write a message to <mem2>; +CMS ERROR: 322 when full."""
    error = sms_sim_error(m)
    if error:
        return Reply(final=error)
    if command.form is Form.TEST:
        return Reply()
    values = split_args(command.args)
    if m.settings.cmgf == 0:
        length = int_arg(values, 0)
        stat = int_arg(values, 1, 2)
        if length is None or not 7 <= length <= 164 or stat not in (0, 1, 2, 3):
            return Reply(final=cms(304))
        return Reply(prompt=PromptState(tpdu_length=length, command="+CMGW", stat=stat))
    if not values or not values[0]:
        return Reply(final=cms(305))
    destination = _text_destination(m, values)
    stat_name = (values[2] or "STO UNSENT").upper() if len(values) > 2 else "STO UNSENT"
    found = [s for s in MessageStatus if s.text == stat_name]
    if destination is None or not found:
        return Reply(final=cms(305))
    prompt = PromptState(
        tpdu_length=None, destination=destination, command="+CMGW", stat=found[0].value
    )
    return Reply(prompt=prompt)


def cmd_cmss(m: ModemMachine, command: Command, now: float) -> Reply:
    """AT+CMSS (TS 27.005 3.5.2): send a message from <mem2>, maybe to another <da>."""
    error = sms_sim_error(m)
    if error:
        return Reply(final=error)
    if command.form is Form.TEST:
        return Reply()
    values = split_args(command.args)
    index = int_arg(values, 0)
    if index is None:
        return Reply(final=cms(302))
    mem = m.settings.cpms[1]
    message = m.store.get(mem, index)
    if message is None:
        return Reply(final=cms(321))
    if message.kind is not MessageKind.SUBMIT:
        return Reply(final=cms(302))
    pdu = bytes.fromhex(message.pdu)
    if len(values) > 1 and values[1]:
        destination = _text_destination(m, values[1:])
        if destination is None:
            return Reply(final=cms(304 if m.settings.cmgf == 0 else 305))
        pdu = replace_destination(pdu, destination)
    if m.cfun != 1 or m.registration not in (1, 5):
        return Reply(final=cms(331))
    tpdu_length = len(pdu) - 1 - pdu[0]
    m.start_submission(pdu.hex().upper(), tpdu_length, "+CMSS", (mem, index))
    return Reply(deferred=True)


def _text_destination(m: ModemMachine, values: list[str | None]) -> str | None:
    """<da>[,<toda>] in the TE character set, as E.164 with + when <toda> is 145."""
    try:
        destination = charsets.decode_te(values[0] or "", m.settings.cscs)
    except ValueError:
        return None
    toda = int_arg(values, 1, 145 if destination.startswith("+") else 129)
    if toda == 145 and not destination.startswith("+"):
        destination = "+" + destination
    if not destination.lstrip("+").isdigit():
        return None
    return destination


def cmd_cmms(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"+CMMS: {m.settings.cmms}"])
    if command.form is Form.TEST:
        return Reply(["+CMMS: (0-2)"])
    value = int_arg(split_args(command.args), 0, 0)
    if value not in (0, 1, 2):
        return Reply(final=cms(302))
    m.settings.cmms = value
    return Reply()


def cmd_cusd(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"+CUSD: {m.settings.cusd}"])
    if command.form is Form.TEST:
        return Reply(["+CUSD: (0-2)"])
    values = split_args(command.args)
    n = int_arg(values, 0, 0)
    if n not in (0, 1, 2):
        return Reply(final=cme(50))
    if n != 2:
        m.settings.cusd = n
    if len(values) > 1 and values[1] and n != 2:
        if m.registration not in (1, 5):
            return Reply(final=cme(30))
        return Reply(effects=[StartTimer("ussd:" + values[1], m.timing.ussd_delay)])
    return Reply()


def cmd_clac(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.TEST:
        return Reply()
    return Reply(list(m.profile.clac))


def cmd_cnum(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.TEST:
        return Reply()
    error = sim_error(m)
    if error:
        return Reply(final=error)
    number = charsets.encode_te(m.identity.number, m.settings.cscs)
    return Reply([f'+CNUM: "","{number}",145'])


def cmd_cclk(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        stamp = datetime.fromtimestamp(now, UTC).strftime("%y/%m/%d,%H:%M:%S+00")
        return Reply([f'+CCLK: "{stamp}"'])
    return Reply()


def cmd_curc(m: ModemMachine, command: Command, now: float) -> Reply:
    if command.form is Form.READ:
        return Reply([f"^CURC: {m.settings.curc}"])
    if command.form is Form.TEST:
        return Reply(["^CURC: (0-1)"])
    value = int_arg(split_args(command.args), 0, 0)
    if value not in (0, 1):
        return Reply(final=cme(50))
    was, m.settings.curc = m.settings.curc, value
    if value == 1 and was == 0:
        return Reply(effects=[StartTimer("noise", m.timing.noise_interval)])
    return Reply()


def cmd_sysinfo(m: ModemMachine, command: Command, now: float) -> Reply:
    # Huawei ^SYSINFO: <srv_status>,<srv_domain>,<roam_status>,<sys_mode>,<sim_state>
    service = 2 if m.registration in (1, 5) else 0
    sim = 1 if m.sim.state is SimState.READY else 255
    return Reply([f"^SYSINFO:{service},3,0,5,{sim},,4"])
