"""Inbound SMS and status reports: from a modem's decoded PDU to the store.

The glue between ``modem/`` (which reads and decodes what the SIM holds) and ``store/``:
a part is committed before the caller deletes it from the SIM; concatenated parts go
through one ``Reassembler`` per receiving modem (parts of one message reach one SIM),
re-fed from the store at start; sets that stay incomplete too long become partial
messages. A status report goes to the most recent part with its TP-MR on that modem.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from gsmgateway.modem.decoding import ReceivedReport, ReceivedSms
from gsmgateway.sms.reassembly import AssembledMessage, InboundPart, Reassembler
from gsmgateway.sms.status import classify_status
from gsmgateway.store.interface import ReportOutcome, Store

log = logging.getLogger(__name__)

_OUTCOMES = {
    "delivered": ReportOutcome.DELIVERED,
    "pending": ReportOutcome.PENDING,
    "failed": ReportOutcome.FAILED,
}


class InboundRouter:
    """Stores what modems receive. One per pool."""

    def __init__(self, store: Store, clock: Callable[[], float], *, timeout: float) -> None:
        self.store = store
        self.clock = clock
        self.timeout = timeout
        self._sets: dict[str, Reassembler] = {}

    def _reassembler(self, modem: str) -> Reassembler:
        if modem not in self._sets:
            self._sets[modem] = Reassembler()
        return self._sets[modem]

    async def restore(self) -> int:
        """Re-feed the parts committed but not yet completed (at start); returns how many."""
        pending = await self.store.pending_inbound_parts()
        for stored in pending:
            message = self._reassembler(stored.modem).add(
                stored.as_inbound_part(), stored.received_at
            )
            if message is not None:
                await self._complete(message)
        return len(pending)

    async def sms(self, modem: str, received: ReceivedSms) -> bool:
        """Commit one received part (and its message when it completes one).

        Returns True when the part was new, False when the store already had it.
        """
        now = self.clock()
        concat = received.concat
        added = await self.store.add_inbound_part(
            modem,
            pdu_hex=received.pdu_hex,
            sender=received.sender,
            text=received.text,
            now=now,
            ref=concat.ref if concat else None,
            total=concat.total if concat else 1,
            seq=concat.seq if concat else 1,
            ref_bits=concat.ref_bits if concat else 8,
            scts=received.scts,
        )
        if added.duplicate:
            return False
        part = InboundPart(
            sender=received.sender,
            text=received.text,
            ref=concat.ref if concat else None,
            total=concat.total if concat else 1,
            seq=concat.seq if concat else 1,
            ref_bits=concat.ref_bits if concat else 8,
            key=added.key,
        )
        message = self._reassembler(modem).add(part, now)
        if message is not None:
            await self._complete(message)
        return True

    async def report(self, modem: str, received: ReceivedReport) -> ReportOutcome | None:
        """Apply one status report; its outcome when it matched a part, else None."""
        outcome = _OUTCOMES[classify_status(received.status).value]
        part = await self.store.apply_status_report(
            modem,
            received.mr,
            outcome,
            now=self.clock(),
            detail=f"TP-ST 0x{received.status:02X}",
        )
        if part is None:
            log.info("modem %s: status report for TP-MR %d matches no part", modem, received.mr)
            return None
        return outcome

    async def expire(self, now: float) -> int:
        """Complete, as partial, every set whose first part came more than ``timeout`` ago."""
        count = 0
        for reassembler in self._sets.values():
            for message in reassembler.expire(now - self.timeout):
                await self._complete(message)
                count += 1
        return count

    async def _complete(self, message: AssembledMessage) -> None:
        await self.store.complete_inbound(
            message.keys,
            sender=message.sender,
            text=message.text,
            partial=message.partial,
            now=self.clock(),
        )
