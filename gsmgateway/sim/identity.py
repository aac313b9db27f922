"""Stable identities of simulated modems: IMEI, IMSI, ICCID and phone number per index.

Everything derives from the modem's index alone, so a test can name modem K's number
or IMEI without asking the simulator. Check digits follow the Luhn algorithm (IMEI:
3GPP TS 23.003 6.2.1 and annex B; ICCID: ITU-T E.118).
"""

from __future__ import annotations

from dataclasses import dataclass

# TAC of no real device model (8 digits, TS 23.003 6.2.1); serial = index.
IMEI_TAC = "35209900"
# MCC 001 / MNC 01: the test network of ITU-T E.212, never a live operator.
HOME_MCC_MNC = "00101"
# Issuer identifier number: 89 (telecom) + 44 + issuer 74; account = index (ITU-T E.118).
ICCID_PREFIX = "894474"
# UK mobile numbers +44 7400 1xxxxx: accepted as valid by libphonenumber, and the
# simulator only ever "sends" to them inside its own virtual network.
NUMBER_PREFIX = "+4474001"
MAX_MODEMS = 100_000


def luhn_check_digit(digits: str) -> str:
    """The Luhn check digit that makes ``digits + check`` pass the Luhn test."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    """True when the last digit of ``number`` is its Luhn check digit."""
    return number.isdigit() and len(number) >= 2 and luhn_check_digit(number[:-1]) == number[-1]


@dataclass(frozen=True)
class Identity:
    """Who modem ``index`` is: its equipment and SIM identities and its number (E.164)."""

    index: int
    imei: str
    imsi: str
    iccid: str
    number: str

    def __post_init__(self) -> None:
        if not (len(self.imei) == 15 and luhn_valid(self.imei)):
            raise ValueError(f"IMEI {self.imei!r} is not 15 digits with a Luhn check digit")
        if not (len(self.iccid) in (19, 20) and luhn_valid(self.iccid)):
            raise ValueError(f"ICCID {self.iccid!r} is not 19-20 digits with a Luhn check digit")


def identity_for(index: int) -> Identity:
    """The identity of simulated modem ``index`` (0 <= index < MAX_MODEMS)."""
    if not 0 <= index < MAX_MODEMS:
        raise ValueError(f"modem index {index} outside 0..{MAX_MODEMS - 1}")
    imei_body = f"{IMEI_TAC}{index:06d}"
    iccid_body = f"{ICCID_PREFIX}{index:012d}"
    return Identity(
        index=index,
        imei=imei_body + luhn_check_digit(imei_body),
        imsi=f"{HOME_MCC_MNC}{index:010d}",
        iccid=iccid_body + luhn_check_digit(iccid_body),
        number=f"{NUMBER_PREFIX}{index:05d}",
    )
