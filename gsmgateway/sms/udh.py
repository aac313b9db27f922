"""The user data header (TS 23.040 9.2.3.24): information elements we build and read.

Built: concatenation with an 8-bit reference (IE 0x00, 9.2.3.24.1) or a 16-bit one (IE
0x08, 9.2.3.24.8), and the national language single shift (IE 0x24, 9.2.3.24.15) and
locking shift (IE 0x25, 9.2.3.24.16) elements. Read: every element, kept raw; those
four also interpreted. Rules of 9.2.3.24 applied when reading:
- an element whose length runs past the header makes the PDU malformed;
- a concatenation element with a total or sequence number of 0, or a sequence number
  above the total, is ignored (9.2.3.24.1), as is an element with the wrong length;
- when an element is repeated, the last (valid) occurrence counts;
- a reserved national language identifier is ignored (the default table applies).
"""

from __future__ import annotations

from dataclasses import dataclass

from gsmgateway.sms import national
from gsmgateway.sms.errors import EncodeError, PduDecodeError

IEI_CONCAT_8 = 0x00
IEI_CONCAT_16 = 0x08
IEI_SINGLE_SHIFT = 0x24
IEI_LOCKING_SHIFT = 0x25

CONCAT_IE_OCTETS = {8: 5, 16: 6}  # IEI + length + data
SHIFT_IE_OCTETS = 3


@dataclass(frozen=True)
class Concat:
    """A concatenation header: reference, total parts, this part's number (1-based)."""

    ref: int
    total: int
    seq: int
    ref_bits: int = 8

    def __post_init__(self) -> None:
        if self.ref_bits not in CONCAT_IE_OCTETS:
            raise EncodeError(f"a concatenation reference has 8 or 16 bits, not {self.ref_bits}")
        if not 0 <= self.ref < 1 << self.ref_bits:
            raise EncodeError(
                f"concatenation reference {self.ref} does not fit in {self.ref_bits} bits"
            )
        if not 1 <= self.seq <= self.total <= 255:
            raise EncodeError(
                f"concatenation part {self.seq} of {self.total}: parts are numbered 1..total, "
                "total at most 255"
            )


@dataclass(frozen=True)
class UdhElement:
    """One user data header information element, kept raw."""

    iei: int
    data: bytes


@dataclass(frozen=True)
class UserDataHeader:
    """A parsed header: its elements in order and what the known ones say."""

    elements: tuple[UdhElement, ...]
    concat: Concat | None
    locking: str | None
    single: str | None


def header_octets(ref_bits: int | None, *, locking: bool, single: bool) -> int:
    """Octets of the header we build (UDHL included); 0 when there is none."""
    size = CONCAT_IE_OCTETS[ref_bits] if ref_bits is not None else 0
    size += SHIFT_IE_OCTETS * (locking + single)
    return size + 1 if size else 0


def _national_ies(locking: str | None, single: str | None) -> bytes:
    out = b""
    if single is not None:
        out += bytes((IEI_SINGLE_SHIFT, 1, national.LANGUAGE_IDS[single]))
    if locking is not None:
        out += bytes((IEI_LOCKING_SHIFT, 1, national.LANGUAGE_IDS[locking]))
    return out


def build_udh(concat: Concat | None, locking: str | None, single: str | None) -> bytes:
    """The header (UDHL first), or b"" when no element is needed."""
    body = concat_ie(concat) if concat is not None else b""
    body += _national_ies(locking, single)
    return bytes((len(body),)) + body if body else b""


def concat_ie(concat: Concat) -> bytes:
    """The concatenation element of one part."""
    if concat.ref_bits == 8:
        return bytes((IEI_CONCAT_8, 3, concat.ref, concat.total, concat.seq))
    return bytes((IEI_CONCAT_16, 4, concat.ref >> 8, concat.ref & 0xFF, concat.total, concat.seq))


def _concat_of(iei: int, value: bytes) -> Concat | None:
    if iei == IEI_CONCAT_8 and len(value) == 3:
        ref, total, seq = value
        bits = 8
    elif iei == IEI_CONCAT_16 and len(value) == 4:
        ref, total, seq, bits = (value[0] << 8) | value[1], value[2], value[3], 16
    else:
        return None
    if not 1 <= seq <= total:
        return None
    return Concat(ref, total, seq, bits)


def parse_udh(data: bytes, start: int, end: int) -> UserDataHeader:
    """The elements in ``data[start:end]`` (the header after its UDHL octet)."""
    elements: list[UdhElement] = []
    concat: Concat | None = None
    locking: str | None = None
    single: str | None = None
    offset = start
    while offset < end:
        if offset + 2 > end:
            raise PduDecodeError("user data header element without its length", octet=offset)
        iei, length = data[offset], data[offset + 1]
        value_end = offset + 2 + length
        if value_end > end:
            raise PduDecodeError(
                f"user data header element {iei:#04x} of {length} octets runs past the header",
                octet=offset,
            )
        value = data[offset + 2 : value_end]
        elements.append(UdhElement(iei, value))
        if iei in (IEI_CONCAT_8, IEI_CONCAT_16):
            concat = _concat_of(iei, value) or concat
        elif iei == IEI_SINGLE_SHIFT and length == 1:
            single = national.single_shift_language(value[0])
        elif iei == IEI_LOCKING_SHIFT and length == 1:
            locking = national.locking_language(value[0])
        offset = value_end
    return UserDataHeader(tuple(elements), concat, locking, single)
