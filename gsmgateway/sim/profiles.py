"""Model profiles: what differs between real modems, as data (one entry per model).

Each quirk names the model and where the fact comes from. Everything not listed here
follows 3GPP TS 27.007 / 27.005 and ITU-T V.250 and lives in ``machine.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from gsmgateway.sim.errors import UnknownProfile

# Commands every profile answers (for AT+CLAC); vendor commands are added per profile.
COMMON_COMMANDS = (
    "&C", "&D", "&F", "&K", "&V", "&W", "E", "I", "Q", "V", "X", "Z", "S0", "S3", "S4", "S5",
    "S7", "S10",
    "+CBC", "+CCLK", "+CEER", "+CFUN", "+CGATT", "+CGMI", "+CGMM", "+CGMR", "+CGREG",
    "+CGSN", "+CHUP", "+CIMI", "+CLAC", "+CLIP", "+CMEE", "+CMGD", "+CMGF", "+CMGL",
    "+CMGR", "+CMGS", "+CMGW", "+CMMS", "+CMSS", "+CNMA", "+CNMI", "+CNUM", "+COPS",
    "+CPAS", "+CPIN",
    "+CPMS", "+CRC", "+CREG", "+CSCA", "+CSCS", "+CSDH", "+CSMP", "+CSMS", "+CSQ",
    "+CUSD", "+CVHU", "+GCAP", "+GMI", "+GMM", "+GMR", "+GSN",
)  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """One modem model's identity strings and quirks."""

    name: str
    manufacturer: str  # AT+CGMI
    model: str  # AT+CGMM
    revision: str  # AT+CGMR
    ati: tuple[str, ...]  # ATI lines; {imei} is filled in
    iccid_commands: tuple[str, ...]  # the ICCID command(s) this model knows
    iccid_format: str  # its answer line; {iccid} is filled in
    boot_urcs: tuple[str, ...]  # after power-on / reset, in order
    ready_urcs: tuple[str, ...] = ()  # once the SIM is ready (at boot, or after the PIN)
    noise_urcs: tuple[str, ...] = ()  # periodic, until the model's switch turns them off
    unknown_reply: str = "ERROR"  # the final line for a command the model lacks
    charsets: tuple[str, ...] = ("GSM", "IRA", "UCS2", "HEX", "8859-1", "PCCP437")
    default_charset: str = "GSM"
    sm_capacity: int = 30
    me_capacity: int = 30
    cnmi_test: str = "(0-3),(0-3),(0,2),(0-2),(0,1)"
    default_cnmi: tuple[int, int, int, int, int] = (1, 1, 0, 0, 0)
    access_technology: int = 0  # <AcT> of +COPS/+CREG (TS 27.007 7.3): 0 GSM, 2 UTRAN, 7 E-UTRAN
    has_cereg: bool = False
    reset_replugs: bool = False  # AT+CFUN=1,1 re-enumerates the USB device: the tty goes away
    vendor_commands: tuple[str, ...] = ()

    @property
    def clac(self) -> tuple[str, ...]:
        """What AT+CLAC lists."""
        own = list(COMMON_COMMANDS) + list(self.vendor_commands)
        own += [c.rstrip("?") for c in self.iccid_commands]
        if self.has_cereg:
            own.append("+CEREG")
        return tuple(sorted(set(own)))


GENERIC = Profile(
    name="generic",
    manufacturer="gsmgateway",
    model="SIM-MODEM",
    revision="1.0.0",
    ati=("gsmgateway SIM-MODEM", "Revision: 1.0.0"),
    # TS 27.007 has no ICCID command; +CCID and +ICCID are the two names most modems
    # use (python-gsmmodem's reference transcript lists both in AT+CLAC).
    iccid_commands=("+CCID", "+ICCID"),
    iccid_format="+CCID: {iccid}",
    boot_urcs=(),
    has_cereg=True,
)

HUAWEI = Profile(
    name="huawei",
    manufacturer="huawei",
    model="E173",
    revision="11.126.85.00.209",
    # ATI as the E3372h answers it (its ATI output is quoted in public notes on the
    # E3372h-153: Manufacturer/Model/Revision/IMEI/+GCAP lines).
    ati=(
        "Manufacturer: huawei",
        "Model: E173",
        "Revision: 11.126.85.00.209",
        "IMEI: {imei}",
        "+GCAP: +CGSM,+DS,+ES",
    ),
    # Huawei AT reference (E1550/E173/ME909): AT^ICCID? answers "^ICCID: <iccid>".
    iccid_commands=("^ICCID?",),
    iccid_format="^ICCID: {iccid}",
    boot_urcs=("^SIMST: 1", "^SRVST: 2"),
    # Huawei E1550/E173: ^RSSI on signal change, ^MODE on system mode change and a
    # ^BOOT heartbeat every few seconds on the PC UI and modem ports until AT^CURC=0
    # (Huawei AT reference, ^CURC; the E3372 shows the same ^RSSI/^HCSQ stream).
    noise_urcs=("^RSSI: {rssi}", "^MODE: 5,4", "^BOOT:{boot},0,0,0,72"),
    # Older Huawei firmware answers an unknown command with this line instead of
    # ERROR (ModemManager and gammu both treat it as an error result).
    unknown_reply="COMMAND NOT SUPPORT",
    charsets=("IRA", "GSM", "UCS2"),
    default_charset="IRA",
    sm_capacity=50,
    me_capacity=30,
    cnmi_test="(0-2),(0-3),(0,2),(0-2),(0,1)",
    default_cnmi=(0, 0, 0, 0, 0),
    access_technology=2,
    reset_replugs=True,
    # ^PORTSEL picks the port that carries URCs (Huawei AT reference); gammu's Huawei
    # support sends AT^PORTSEL=1 after connecting and gives up if it fails.
    vendor_commands=("^CURC", "^SYSINFO", "^HWVER", "^CARDMODE", "^PORTSEL"),
)

SIM800 = Profile(
    name="sim800",
    manufacturer="SIMCOM_Ltd",
    model="SIMCOM_SIM800L",
    revision="Revision:1418B04SIM800L24",
    ati=("SIM800 R14.18",),
    # SIM800 Series AT Command Manual V1.09, AT+CCID: the ICCID alone on its line.
    iccid_commands=("+CCID",),
    iccid_format="{iccid}",
    # SIM800 manual V1.09 URC table: "RDY" only at a fixed baud rate (not with
    # auto-bauding, the default, so not here); "+CFUN: 1", "+CPIN: READY", then
    # "Call Ready" (phonebook done) and "SMS Ready" (SMS done).
    boot_urcs=("+CFUN: 1", "+CPIN: {cpin}"),
    ready_urcs=("Call Ready", "SMS Ready"),
    charsets=("IRA", "GSM", "UCS2", "HEX", "PCCP936"),
    default_charset="IRA",
    sm_capacity=30,
    me_capacity=30,
    cnmi_test="(0-3),(0-3),(0,2),(0-2),(0,1)",
    default_cnmi=(2, 1, 0, 0, 0),
    vendor_commands=("+CIURC", "+CSCLK"),
)

QUECTEL = Profile(
    name="quectel",
    manufacturer="Quectel",
    model="EC25",
    revision="EC25EFAR06A03M4G",
    ati=("Quectel", "EC25", "Revision: EC25EFAR06A03M4G"),
    # EC25&EC21 AT Commands Manual: AT+QCCID answers "+QCCID: <iccid>".
    iccid_commands=("+QCCID",),
    iccid_format="+QCCID: {iccid}",
    # EC25&EC21 AT Commands Manual, URC table: "RDY" when the module is ready, then
    # "+CFUN: 1", "+CPIN: READY", "+QUSIM: 1" and "+QIND: SMS DONE" / "PB DONE".
    boot_urcs=("RDY", "+CFUN: 1", "+CPIN: {cpin}", "+QUSIM: 1"),
    ready_urcs=("+QIND: SMS DONE", "+QIND: PB DONE"),
    charsets=("GSM", "IRA", "UCS2"),
    default_charset="GSM",
    sm_capacity=50,
    me_capacity=255,
    cnmi_test="(0-2),(0-3),(0-2),(0-2),(0,1)",
    default_cnmi=(2, 1, 0, 0, 0),
    access_technology=7,
    has_cereg=True,
    # The EC25 is a USB device: AT+CFUN=1,1 restarts it and the ttyUSB ports go away.
    reset_replugs=True,
    vendor_commands=("+QINDCFG", "+QURCCFG"),
)

PROFILES: dict[str, Profile] = {p.name: p for p in (GENERIC, HUAWEI, SIM800, QUECTEL)}
MIXED_ORDER = ("generic", "huawei", "sim800", "quectel")


def profile_named(name: str) -> Profile:
    """The profile called ``name``; UnknownProfile lists the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join([*PROFILES, "mixed"])
        raise UnknownProfile(f"no profile {name!r} (known: {known})") from None


def profile_for(name: str, index: int) -> Profile:
    """Modem ``index``'s profile under ``--profile name`` (``mixed`` cycles the four)."""
    if name == "mixed":
        return PROFILES[MIXED_ORDER[index % len(MIXED_ORDER)]]
    return profile_named(name)
