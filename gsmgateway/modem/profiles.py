"""Model profiles: what the driver does differently per modem family, as data.

Everything not listed here follows 3GPP TS 27.007 / 27.005. Each quirk names the model
and where the fact comes from. A profile is chosen from the identity (``AT+CGMI`` /
``AT+CGMM``) unless the config names one.
"""

from __future__ import annotations

from dataclasses import dataclass

# TS 27.007 has no ICCID command of its own; AT+CRSM (8.18) reads EF_ICCID (file 2FE2)
# with READ BINARY: the standard way, so every profile tries it last. The names are
# the AT core's ICCID command variants (``gsmgateway.at.query_iccid``).
CRSM_ICCID = "crsm"


@dataclass(frozen=True)
class Profile:
    """One model family's quirks."""

    name: str
    # Tried in order until one answers; CRSM last, as every 27.007 modem should know it.
    iccid_commands: tuple[str, ...]
    # Sent after the common init (each may fail harmlessly on firmware that lacks it).
    init_commands: tuple[str, ...] = ()
    # AT+CFUN=1,1 re-enumerates the USB device: the tty goes away and comes back.
    reset_replugs: bool = False
    # Lines after which SMS commands work once the modem has booted (none: at once).
    ready_lines: tuple[str, ...] = ()
    # Seconds a freshly booted modem may take before it answers AT at all.
    boot_seconds: float = 20.0


GENERIC = Profile(
    name="generic",
    # +CCID and +ICCID are the names most modems use (python-gsmmodem's reference
    # transcript lists both in AT+CLAC; ZTE and u-blox answer +CCID).
    iccid_commands=("ccid", "iccid", CRSM_ICCID),
)

HUAWEI = Profile(
    name="huawei",
    # Huawei AT reference (E1550/E173/ME909): AT^ICCID? answers "^ICCID: <iccid>".
    iccid_commands=("huawei", CRSM_ICCID),
    # Huawei E1550/E173: ^RSSI, ^MODE and ^BOOT arrive unasked on the modem port until
    # AT^CURC=0 (Huawei AT reference, ^CURC); the ^BOOT heartbeat is pure noise, and
    # signal is polled lightly instead.
    init_commands=("AT^CURC=0",),
    # E173/E3372 are USB devices: a reset makes the ttyUSB ports leave and return.
    reset_replugs=True,
    boot_seconds=30.0,
)

SIM800 = Profile(
    name="sim800",
    # SIM800 Series AT Command Manual V1.09, AT+CCID: the ICCID alone on its line.
    iccid_commands=("ccid", CRSM_ICCID),
    # SIM800 manual V1.09: "SMS Ready" once the SMS part is initialised after boot.
    ready_lines=("SMS Ready",),
    boot_seconds=15.0,
)

QUECTEL = Profile(
    name="quectel",
    # Quectel EC25&EC21 AT Commands Manual: AT+QCCID answers "+QCCID: <iccid>".
    iccid_commands=("quectel", CRSM_ICCID),
    # EC25 manual, URC table: "+QIND: SMS DONE" once SMS is initialised after boot.
    ready_lines=("+QIND: SMS DONE",),
    # The EC25 is a USB device: AT+CFUN=1,1 restarts it and its ttyUSB ports go away.
    reset_replugs=True,
    boot_seconds=30.0,
)

PROFILES: dict[str, Profile] = {p.name: p for p in (GENERIC, HUAWEI, SIM800, QUECTEL)}


def profile_named(name: str) -> Profile:
    """The profile called ``name``; KeyError names the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"no modem profile {name!r} (known: {', '.join(PROFILES)})") from None


def choose_profile(manufacturer: str, model: str, configured: str = "auto") -> Profile:
    """The profile for a modem: the configured one, else the one its identity points to."""
    if configured != "auto":
        return profile_named(configured)
    maker = manufacturer.lower()
    name = model.lower()
    if "huawei" in maker:
        return HUAWEI
    if "simcom" in maker and "sim800" in name:
        return SIM800
    if "quectel" in maker:
        return QUECTEL
    return GENERIC
