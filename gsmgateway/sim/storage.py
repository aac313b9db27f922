"""The simulated modem's message storages (TS 27.005 3.1 <mem1..3>): SM, ME and MT.

SM (the SIM) and ME (the phone) are real memories with fixed capacities. MT is their
sum (TS 27.005: "sum of all MT related storages"): MT index 1..cap(SM) is SM's slot of
the same number, the next cap(ME) indices are ME's slots; storing into MT fills the SIM
first. Whatever the caller asked for, ``store`` returns the real memory and index, which
is what a +CMTI/+CDSI notice must name (python-gsmmodem reads from that memory).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from gsmgateway.sim.errors import InvalidIndex, StorageFull


class MessageStatus(enum.Enum):
    """<stat> of TS 27.005 3.1: the PDU-mode integer and the text-mode string."""

    REC_UNREAD = 0
    REC_READ = 1
    STO_UNSENT = 2
    STO_SENT = 3

    @property
    def text(self) -> str:
        """The text-mode form, e.g. ``REC UNREAD``."""
        return self.name.replace("_", " ")


class MessageKind(enum.Enum):
    """What a stored PDU is, so text mode can render it."""

    DELIVER = "deliver"
    STATUS_REPORT = "status-report"
    SUBMIT = "submit"


@dataclass(frozen=True)
class StoredMessage:
    """One occupied slot: the PDU as hex (with its SMSC prefix) and its TPDU length."""

    status: MessageStatus
    kind: MessageKind
    pdu: str
    tpdu_length: int


REAL_MEMORIES = ("SM", "ME")
MEMORIES = ("SM", "ME", "MT")


class MessageStore:
    """Slots of SM and ME, addressed also through MT. Pure: no IO, no clock."""

    def __init__(self, capacities: Mapping[str, int]) -> None:
        self._capacity = {mem: int(capacities[mem]) for mem in REAL_MEMORIES}
        self._slots: dict[str, dict[int, StoredMessage]] = {mem: {} for mem in REAL_MEMORIES}

    def capacity(self, mem: str) -> int:
        """Number of slots of ``mem``."""
        if mem == "MT":
            return sum(self._capacity.values())
        return self._capacity[mem]

    def used(self, mem: str) -> int:
        """Number of occupied slots of ``mem``."""
        if mem == "MT":
            return sum(len(slots) for slots in self._slots.values())
        return len(self._slots[mem])

    def _resolve(self, mem: str, index: int) -> tuple[str, int]:
        if mem == "MT":
            sm = self._capacity["SM"]
            if 1 <= index <= sm:
                return "SM", index
            return self._resolve("ME", index - sm)
        if not 1 <= index <= self._capacity[mem]:
            raise InvalidIndex(f"{mem} has no index {index}")
        return mem, index

    def _mt_index(self, mem: str, index: int) -> int:
        return index if mem == "SM" else self._capacity["SM"] + index

    def shown_index(self, mem: str, real: str, index: int) -> int:
        """The number ``mem`` gives the slot ``index`` of ``real`` (MT counts SM then ME)."""
        return self._mt_index(real, index) if mem == "MT" else index

    def set_status(self, mem: str, index: int, status: MessageStatus) -> None:
        """Change the <stat> of an occupied slot (AT+CMSS marks it STO SENT)."""
        real, real_index = self._resolve(mem, index)
        message = self._slots[real].get(real_index)
        if message is not None:
            self._slots[real][real_index] = replace(message, status=status)

    def store(self, mem: str, message: StoredMessage) -> tuple[str, int]:
        """Put ``message`` in the lowest free slot; returns (real memory, index)."""
        for real in REAL_MEMORIES if mem == "MT" else (mem,):
            slots = self._slots[real]
            for index in range(1, self._capacity[real] + 1):
                if index not in slots:
                    slots[index] = message
                    return real, index
        raise StorageFull(f"{mem} is full")

    def get(self, mem: str, index: int) -> StoredMessage | None:
        """The message at ``index`` (None for an empty slot); InvalidIndex when out of range."""
        real, real_index = self._resolve(mem, index)
        return self._slots[real].get(real_index)

    def mark_read(self, mem: str, index: int) -> None:
        """REC UNREAD becomes REC READ (TS 27.005 3.4.2/3.4.3: reading changes the status)."""
        real, real_index = self._resolve(mem, index)
        message = self._slots[real].get(real_index)
        if message is not None and message.status is MessageStatus.REC_UNREAD:
            self._slots[real][real_index] = replace(message, status=MessageStatus.REC_READ)

    def delete(self, mem: str, index: int) -> None:
        """Empty one slot (an empty slot stays empty); InvalidIndex when out of range."""
        real, real_index = self._resolve(mem, index)
        self._slots[real].pop(real_index, None)

    def delete_by_flag(self, mem: str, flag: int) -> None:
        """AT+CMGD <delflag> 1-4 (TS 27.005 3.5.4): delete by status, ignoring <index>."""
        doomed = {
            1: {MessageStatus.REC_READ},
            2: {MessageStatus.REC_READ, MessageStatus.STO_SENT},
            3: {MessageStatus.REC_READ, MessageStatus.STO_SENT, MessageStatus.STO_UNSENT},
            4: set(MessageStatus),
        }[flag]
        for index, message in list(self.items(mem)):
            if message.status in doomed:
                self.delete(mem, index)

    def items(self, mem: str) -> Iterator[tuple[int, StoredMessage]]:
        """Occupied slots of ``mem`` in index order, indices as ``mem`` numbers them."""
        reals = REAL_MEMORIES if mem == "MT" else (mem,)
        for real in reals:
            for index in sorted(self._slots[real]):
                shown = self._mt_index(real, index) if mem == "MT" else index
                yield shown, self._slots[real][index]
