"""The sans-IO AT connection: bytes in, events out, bytes to write returned by each call.

No IO, no clock, no sleeping. The caller (the modem driver) writes what ``send``,
``send_pdu``, ``cancel_prompt`` and ``abandon`` return, feeds what it reads to
``receive_data``, and takes events from ``next_event`` until it gets ``NEED_DATA``.
It owns the clock: when a command takes too long it calls ``abandon``.

Ownership of lines follows ``commands.Command`` (declared prefixes, bare lines, shape);
the phases follow the table in ``phases``. A line whose first byte arrived before the
command was written is never that command's. PDU lines are paired with the header
before them (``+CMGL``/``+CMGR`` answers, ``+CMT``/``+CDS``/``+CBM`` URCs); a known URC
that a modem slips in between an answer's header and its PDU is reported and the
pairing kept, while any other line ends the wait (the header is reported without PDU).

Resynchronisation (after ``abandon`` or ``cancel_prompt``). The modem answers commands
in order, so the abandoned commands' answers, if they come at all, come before the
probe's. The core writes a probe whose answer cannot be mistaken for theirs:

- plain ``AT`` when none of them can answer with a bare OK (its answer is a bare OK);
- otherwise a query with a tagged answer none of them owns (``AT+CSQ``, ``AT+CMEE?``,
  ``AT+CFUN?``): its final is the one that follows its tagged line.

Until the probe's final, every final goes to the earliest abandoned command that can
have sent it (the one owning the lines before it, or one that may end that way) and is
reported as ``LateResponse``; then ``Resynchronised`` lists the commands whose answer
never came. A pending prompt is cancelled with ESC first; after Ctrl-Z no ESC is sent
(the submission may be under way and its ``+CMGS`` may still come). Abandoning the
probe itself is allowed (``Limits.max_abandoned`` deep) and sends ESC too, in case the
modem sits in PDU entry; past that the caller must reopen the port and start anew.
``abandon`` while idle (port just opened, garbage seen) assumes an unknown command may
still answer, so it sends ESC and a tagged probe.

Limits: the rule relies on in-order answers (V.250 5.6: one command line at a time)
and on the probe's answer being its own; a stale answer to an earlier, unrelated
``AT+CSQ`` still in flight when the line is distrusted would be taken for the probe's.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from gsmgateway.at.commands import CTRL_Z, ESC, Command, attention
from gsmgateway.at.errors import CommandArgumentError, LocalProtocolError
from gsmgateway.at.events import (
    NEED_DATA,
    Event,
    LateResponse,
    NeedData,
    Noise,
    NoiseKind,
    Prompt,
    Response,
    Resynchronised,
    StrayFinal,
    Urc,
)
from gsmgateway.at.fields import tag_of
from gsmgateway.at.finals import FINAL_RESULTS, FinalResult, FinalTable
from gsmgateway.at.framer import Frame, FrameKind, Framer
from gsmgateway.at.phases import Phase, Trigger, next_phase
from gsmgateway.at.urcs import carries_pdu, is_untagged_urc, urc_name

_HEX = re.compile(r"^(?:[0-9A-Fa-f]{2})+$")


@dataclass(frozen=True)
class Limits:
    """Bounds on everything the modem can make the core hold."""

    max_line: int = 4096
    # The longest PDU line, in hex: an SMSC address (12 octets) and a TPDU of up to 176
    # octets, above every TPDU of TS 23.040 (an SMS-SUBMIT is at most 164).
    max_pdu_line: int = 2 * (12 + 176)
    max_response_lines: int = 2048
    max_queued_events: int = 4096
    noise_sample: int = 64
    max_abandoned: int = 3

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 1:
                raise ValueError(f"Limits.{name} must be positive, got {value}")


@dataclass(frozen=True)
class ConnectionStats:
    """Counters since the connection was made."""

    responses: int = 0
    urcs: int = 0
    late_responses: int = 0
    stray_finals: int = 0
    noise: int = 0
    resyncs: int = 0
    lost: int = 0


# Probes in order of preference; each tagged one is used only when no abandoned command
# owns its tag. AT+CMEE? and AT+CFUN? are answered by any TS 27.007 modem.
_PROBES: tuple[Command, ...] = (
    attention(),
    Command("AT+CSQ", prefixes=("+CSQ:",), max_lines=1, answer_has_lines=True),
    Command("AT+CMEE?", prefixes=("+CMEE:",), max_lines=1, answer_has_lines=True),
    Command("AT+CFUN?", prefixes=("+CFUN:",), max_lines=1, answer_has_lines=True),
)


@dataclass(frozen=True)
class _Owed:
    """An abandoned command that may still answer (``command`` None: unknown history)."""

    command: Command | None
    may_end_bare: bool
    is_probe: bool

    def owns(self, line: str, owned_so_far: int) -> bool:
        return self.command is not None and self.command.owns(line, owned_so_far)


class _Answer:
    """The lines collected so far for one command."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self.lines: list[str] = []
        self.pdus: list[str | None] = []
        self.echo_seen = False
        self.truncated = False


@dataclass(frozen=True)
class _Header:
    """A line waiting for its PDU line: a URC's, an answer's (``answer``), or one to drop."""

    line: str
    answer: _Answer | None = None
    drop: bool = False


class AtConnection:
    """One modem's AT dialogue as a state machine; see the module docstring."""

    def __init__(self, *, finals: FinalTable = FINAL_RESULTS, limits: Limits | None = None) -> None:
        self._finals = finals
        self._limits = limits or Limits()
        self._framer = Framer(
            max_line=self._limits.max_line,
            max_pdu_line=self._limits.max_pdu_line,
            noise_sample=self._limits.noise_sample,
        )
        self._phase = Phase.IDLE
        self._events: deque[Event] = deque()
        self._answer: _Answer | None = None
        self._pdu_sent: str | None = None
        self._header: _Header | None = None
        self._owed: list[_Owed] = []
        self._probe: Command | None = None
        self._late: _Answer | None = None
        self._late_owner: _Owed | None = None
        self._probe_line_seen = False
        self._escape_pending = False
        self._lost: list[Command] = []
        self._counts = dict.fromkeys(vars(ConnectionStats()), 0)

    # --- State -------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        """The current phase (see ``phases``)."""
        return self._phase

    @property
    def pending(self) -> Command | None:
        """The command waiting for its answer, if any."""
        return self._answer.command if self._answer is not None else None

    @property
    def stats(self) -> ConnectionStats:
        """A snapshot of the counters."""
        return ConnectionStats(**self._counts)

    # --- Caller actions ----------------------------------------------------------------

    def send(self, command: Command) -> bytes:
        """Start ``command``; returns the bytes to write. Only while IDLE."""
        trigger = Trigger.SEND_PROMPTING if command.prompt else Trigger.SEND
        self._phase = next_phase(self._phase, trigger)
        self._answer = _Answer(command)
        self._pdu_sent = None
        self._framer.mark_sent()
        return command.encode()

    def send_pdu(self, pdu_hex: str) -> bytes:
        """After the Prompt event: the PDU (SMSC octets first) and Ctrl-Z to write."""
        following = next_phase(self._phase, Trigger.SEND_PDU)
        assert self._answer is not None
        declared = self._answer.command.tpdu_length
        if not _HEX.match(pdu_hex):
            raise CommandArgumentError("the PDU must be an even number of hex digits")
        smsc_octets = int(pdu_hex[:2], 16)
        octets = len(pdu_hex) // 2
        if declared is None or octets != 1 + smsc_octets + declared:
            raise CommandArgumentError(
                f"PDU has {octets} octets but AT+CMGS={declared} with a {smsc_octets}-octet "
                f"SMSC needs {1 + smsc_octets + (declared or 0)}"
            )
        self._phase = following
        self._pdu_sent = pdu_hex.upper()
        self._framer.mark_sent()
        return pdu_hex.upper().encode("ascii") + CTRL_Z

    def cancel_prompt(self) -> bytes:
        """Give up an AT+CMGS before its PDU: ESC and a resync probe to write."""
        following = next_phase(self._phase, Trigger.CANCEL_PROMPT)
        return self._begin_resync(following)

    def abandon(self) -> bytes:
        """The pending command timed out (or the line is not trusted): the bytes to write.

        Nothing is credited to any command until ``Resynchronised``; see the module rules.
        """
        following = next_phase(self._phase, Trigger.ABANDON)
        return self._begin_resync(following)

    # --- Input ---------------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        """Bytes read from the modem, in any chunking."""
        if len(self._events) >= self._limits.max_queued_events:
            raise LocalProtocolError(
                f"{len(self._events)} events not taken",
                hint="call next_event() until NEED_DATA before feeding more bytes",
            )
        self._framer.feed(data)
        while True:
            frame = self._framer.next_frame(
                expect_prompt=self._phase is Phase.AWAITING_PROMPT,
                expect_pdu=self._header is not None,
            )
            if frame is None:
                return
            self._on_frame(frame)

    def next_event(self) -> Event | NeedData:
        """The next event, or ``NEED_DATA`` when everything received has been reported."""
        return self._events.popleft() if self._events else NEED_DATA

    def events(self) -> Iterator[Event]:
        """All events ready now."""
        while self._events:
            yield self._events.popleft()

    # --- Frames ------------------------------------------------------------------------

    def _emit(self, event: Event, counter: str | None = None) -> None:
        self._events.append(event)
        if counter is not None:
            self._counts[counter] += 1

    def _noise(self, kind: NoiseKind, sample: bytes) -> None:
        self._emit(Noise(kind, sample[: self._limits.noise_sample]), "noise")

    def _on_frame(self, frame: Frame) -> None:
        if self._header is not None:
            header = self._header
            if frame.kind is FrameKind.LINE and _HEX.match(frame.text):
                self._header = None
                self._attach_pdu(header, frame.text.upper())
                return
            if frame.kind is FrameKind.LINE and self._is_interjection(header, frame.text):
                # Modems that insert URCs at any line boundary may split header and PDU.
                self._emit(Urc(urc_name(frame.text), frame.text), "urcs")
                return
            self._header = None
            self._attach_pdu(header, None)
            if frame.kind is FrameKind.OVERLONG and frame.pdu_limit:
                self._noise(NoiseKind.OVERLONG_PDU, frame.sample)
                return
        if frame.kind is FrameKind.PROMPT:
            self._on_prompt(frame)
        elif frame.kind is FrameKind.LINE:
            self._on_line(frame.text, frame.before_send)
        else:
            kind = NoiseKind.OVERLONG_LINE
            if frame.kind is FrameKind.UNDECODABLE:
                kind = NoiseKind.UNDECODABLE_LINE
            elif frame.pdu_limit:
                kind = NoiseKind.OVERLONG_PDU
            self._noise(kind, frame.sample)

    def _is_interjection(self, header: _Header, text: str) -> bool:
        """A plain URC between an answer's header and its PDU line (it keeps the PDU awaited)."""
        if header.answer is None or self._finals.match(text) is not None:
            return False
        if header.answer.command.owns(text, len(header.answer.lines)):
            return False
        name = urc_name(text)
        known = tag_of(text) is not None or is_untagged_urc(text)
        return known and not carries_pdu(name, text)

    def _attach_pdu(self, header: _Header, pdu: str | None) -> None:
        if header.drop:
            return
        if header.answer is None:
            self._emit(Urc(urc_name(header.line), header.line, pdu), "urcs")
        else:
            header.answer.pdus[-1] = pdu

    def _on_prompt(self, frame: Frame) -> None:
        if self._phase is Phase.AWAITING_PROMPT and not frame.before_send:
            assert self._answer is not None
            self._phase = next_phase(self._phase, Trigger.PROMPT)
            self._emit(Prompt(self._answer.command))
        else:
            self._phase = next_phase(self._phase, Trigger.NOISE)
            self._noise(NoiseKind.STRAY_PROMPT, b"> ")

    def _on_line(self, text: str, before_send: bool) -> None:
        final = self._finals.match(text)
        if self._phase is Phase.RESYNCING:
            self._on_resync_line(text, final, before_send)
            return
        answer = self._answer if not before_send else None
        if final is not None:
            self._on_final(answer, final)
        elif answer is not None and self._is_echo(answer, text):
            return
        elif answer is not None and answer.command.owns(text, len(answer.lines)):
            self._take_line(answer, text)
        else:
            self._on_urc(text)

    def _is_echo(self, answer: _Answer, text: str) -> bool:
        if not answer.echo_seen and not answer.lines and answer.command.is_echo(text):
            answer.echo_seen = True
            return True
        # With echo on, modems echo the PDU typed after the prompt.
        if self._pdu_sent is not None and text.upper() == self._pdu_sent:
            self._pdu_sent = None
            return True
        return False

    def _on_final(self, answer: _Answer | None, final: FinalResult) -> None:
        trigger = Trigger.FINAL_SUCCESS if final.success else Trigger.FINAL_FAILURE
        following = next_phase(self._phase, trigger)
        if answer is None or following is not Phase.IDLE or self._phase is Phase.IDLE:
            self._emit(StrayFinal(final), "stray_finals")
            return
        self._phase = following
        self._answer = None
        self._pdu_sent = None
        command = answer.command
        pdus = tuple(answer.pdus) if command.pdu_after else ()
        response = Response(command, tuple(answer.lines), final, pdus, answer.truncated)
        self._emit(response, "responses")

    def _take_line(self, answer: _Answer, text: str) -> None:
        if len(answer.lines) >= self._limits.max_response_lines:
            if not answer.truncated:
                answer.truncated = True
                self._noise(NoiseKind.RESPONSE_TOO_LONG, text.encode())
            if answer.command.pdu_after:
                self._header = _Header(text, drop=True)
            return
        answer.lines.append(text)
        if answer.command.pdu_after:
            answer.pdus.append(None)
            self._header = _Header(text, answer=answer)

    def _on_urc(self, text: str) -> None:
        name = urc_name(text)
        if carries_pdu(name, text):
            self._header = _Header(text)
        else:
            self._emit(Urc(name, text), "urcs")

    # --- Resynchronisation -------------------------------------------------------------

    def _begin_resync(self, following: Phase) -> bytes:
        owed = list(self._owed)
        escape = self._escape_pending
        late, late_owner = self._late, self._late_owner
        if self._phase is Phase.RESYNCING:
            assert self._probe is not None
            owed.append(_Owed(self._probe, not self._probe.answer_has_lines, is_probe=True))
            # The probe went unanswered: the modem may sit in PDU entry (a lost Ctrl-Z).
            escape = True
        elif self._phase is Phase.IDLE:
            # Unknown history (port just opened, or after garbage): assume the worst.
            owed.append(_Owed(None, may_end_bare=True, is_probe=False))
            escape = True
        else:
            assert self._answer is not None
            command = self._answer.command
            # After ESC, modems differ: OK, an error, or nothing at all.
            in_prompt = self._phase in (Phase.AWAITING_PROMPT, Phase.PROMPT)
            entry = _Owed(command, in_prompt or not command.answer_has_lines, is_probe=False)
            owed.append(entry)
            escape = escape or in_prompt
            if self._answer.lines:
                late, late_owner = self._answer, entry
        if len(owed) > self._limits.max_abandoned:
            raise LocalProtocolError(
                f"{len(owed)} abandoned commands may still answer",
                hint="the modem is not answering: reopen the port and make a new AtConnection",
            )
        probe = _choose_probe(owed)
        self._phase = following
        self._owed = owed
        self._probe = probe
        self._answer = None
        self._late, self._late_owner = late, late_owner
        self._probe_line_seen = False
        self._escape_pending = escape
        self._framer.mark_sent()
        return (ESC if escape else b"") + probe.encode()

    def _on_resync_line(self, text: str, final: FinalResult | None, before_send: bool) -> None:
        if final is not None:
            self._on_resync_final(final, before_send)
            return
        if self._is_resync_echo(text):
            return
        probe = self._probe
        assert probe is not None
        if probe.prefixes and text.startswith(probe.prefixes[0]) and not before_send:
            self._probe_line_seen = True
            return
        late, owner = self._late, self._late_owner
        if late is not None and owner is not None and owner.owns(text, len(late.lines)):
            self._take_line(late, text)
            return
        if late is None or not late.lines:
            for entry in self._owed:
                if entry.owns(text, 0):
                    assert entry.command is not None
                    self._late, self._late_owner = _Answer(entry.command), entry
                    self._take_line(self._late, text)
                    return
        self._on_urc(text)

    def _is_resync_echo(self, text: str) -> bool:
        assert self._probe is not None
        if self._probe.is_echo(text):
            return True
        if any(entry.command is not None and entry.command.is_echo(text) for entry in self._owed):
            return True
        return self._pdu_sent is not None and text.upper() == self._pdu_sent

    def _on_resync_final(self, final: FinalResult, before_send: bool) -> None:
        late = self._late if self._late is not None and self._late.lines else None
        if not before_send and self._is_probe_final(final, late):
            self._finish_resync()
            return
        owner = self._late_owner if late is not None else self._first_able_to_end(final)
        self._late, self._late_owner = None, None
        self._probe_line_seen = False
        if owner is None or owner not in self._owed:
            self._emit(StrayFinal(final), "stray_finals")
            return
        position = self._owed.index(owner)
        for skipped in self._owed[:position]:
            if skipped.command is not None and not skipped.is_probe:
                self._lost.append(skipped.command)
        del self._owed[: position + 1]
        if owner.command is None or owner.is_probe:
            self._emit(StrayFinal(final), "stray_finals")
            return
        lines = tuple(late.lines) if late is not None else ()
        pdus: tuple[str | None, ...] = ()
        if owner.command.pdu_after and late is not None:
            pdus = tuple(late.pdus)
        self._emit(LateResponse(owner.command, lines, final, pdus), "late_responses")

    def _is_probe_final(self, final: FinalResult, late: _Answer | None) -> bool:
        assert self._probe is not None
        if not self._owed:
            # Nothing abandoned can still answer, so this is the probe's (answers are in order).
            return True
        if self._probe.prefixes and self._probe_line_seen:
            return True
        if late is not None or self._probe.prefixes:
            return False
        # The AT probe is only chosen when no abandoned command can end with a bare OK.
        return final.success

    def _first_able_to_end(self, final: FinalResult) -> _Owed | None:
        for entry in self._owed:
            if entry.may_end_bare or not final.success:
                return entry
        return None

    def _finish_resync(self) -> None:
        lost = self._lost + [
            entry.command
            for entry in self._owed
            if entry.command is not None and not entry.is_probe
        ]
        self._phase = next_phase(self._phase, Trigger.PROBE_FINAL)
        self._owed = []
        self._probe = None
        self._late, self._late_owner = None, None
        self._probe_line_seen = False
        self._escape_pending = False
        self._lost = []
        self._pdu_sent = None
        self._counts["lost"] += len(lost)
        self._emit(Resynchronised(tuple(lost)), "resyncs")


def _choose_probe(owed: list[_Owed]) -> Command:
    for probe in _PROBES:
        if not probe.prefixes:
            if not any(entry.may_end_bare for entry in owed):
                return probe
            continue
        tag = probe.prefixes[0]
        if not any(entry.command is not None and tag in entry.command.prefixes for entry in owed):
            return probe
    raise LocalProtocolError(
        "no resync probe can be told apart from the abandoned commands",
        hint="reopen the port and make a new AtConnection",
    )
