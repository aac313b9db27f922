"""The command phase machine of one AT connection: every rule in one table.

Rules that hold (checked by ``tests/at/test_phases.py`` over every phase x trigger):

1. One command at a time: ``send`` only from IDLE.
2. The modem can never make the machine raise: every (phase, modem trigger) pair has a
   transition, except PROBE_FINAL, which the connection only produces while RESYNCING.
3. A final result ends the pending command exactly when the table takes a non-idle
   phase to IDLE; any other final is stray and reported as such.
4. AT+CMGS: the line, then ``> `` (PROMPT), then the PDU and Ctrl-Z
   (AWAITING_SUBMIT_RESULT). An OK before the PDU is sent is stray: per TS 27.005 3.5.1
   success always carries ``+CMGS: <mr>``; an error result ends the command in any phase.
5. After ``abandon`` (a timeout) or ``cancel_prompt``, nothing is credited to any
   command until the probe the core asked for is answered (RESYNCING -> IDLE on
   PROBE_FINAL); late answers of abandoned commands are reported as late.
6. Caller triggers not in the table are our own misuse and raise LocalProtocolError
   with a hint; they leave the phase unchanged.
"""

from __future__ import annotations

import enum

from gsmgateway.at.errors import LocalProtocolError


class Phase(enum.Enum):
    """Where the connection stands with the modem."""

    IDLE = "idle"
    AWAITING_RESPONSE = "awaiting response"
    AWAITING_PROMPT = "awaiting prompt"
    PROMPT = "prompt"
    AWAITING_SUBMIT_RESULT = "awaiting submit result"
    RESYNCING = "resyncing"


class Trigger(enum.Enum):
    """What can happen: a call by the caller or something read from the modem."""

    SEND = "send"
    SEND_PROMPTING = "send prompting command"
    SEND_PDU = "send pdu"
    CANCEL_PROMPT = "cancel prompt"
    ABANDON = "abandon"
    LINE = "line"
    PROMPT = "prompt"
    FINAL_SUCCESS = "final success"
    FINAL_FAILURE = "final failure"
    PROBE_FINAL = "probe final"
    NOISE = "noise"


CALLER_TRIGGERS = frozenset(
    {
        Trigger.SEND,
        Trigger.SEND_PROMPTING,
        Trigger.SEND_PDU,
        Trigger.CANCEL_PROMPT,
        Trigger.ABANDON,
    }
)
MODEM_TRIGGERS = frozenset(Trigger) - CALLER_TRIGGERS

_P = Phase
_T = Trigger


def _stays(phase: Phase, *triggers: Trigger) -> dict[tuple[Phase, Trigger], Phase]:
    return {(phase, trigger): phase for trigger in triggers}


TRANSITIONS: dict[tuple[Phase, Trigger], Phase] = {
    (_P.IDLE, _T.SEND): _P.AWAITING_RESPONSE,
    (_P.IDLE, _T.SEND_PROMPTING): _P.AWAITING_PROMPT,
    (_P.IDLE, _T.ABANDON): _P.RESYNCING,
    **_stays(_P.IDLE, _T.LINE, _T.PROMPT, _T.FINAL_SUCCESS, _T.FINAL_FAILURE, _T.NOISE),
    (_P.AWAITING_RESPONSE, _T.FINAL_SUCCESS): _P.IDLE,
    (_P.AWAITING_RESPONSE, _T.FINAL_FAILURE): _P.IDLE,
    (_P.AWAITING_RESPONSE, _T.ABANDON): _P.RESYNCING,
    **_stays(_P.AWAITING_RESPONSE, _T.LINE, _T.PROMPT, _T.NOISE),
    (_P.AWAITING_PROMPT, _T.PROMPT): _P.PROMPT,
    (_P.AWAITING_PROMPT, _T.FINAL_FAILURE): _P.IDLE,
    (_P.AWAITING_PROMPT, _T.ABANDON): _P.RESYNCING,
    (_P.AWAITING_PROMPT, _T.CANCEL_PROMPT): _P.RESYNCING,
    **_stays(_P.AWAITING_PROMPT, _T.LINE, _T.FINAL_SUCCESS, _T.NOISE),
    (_P.PROMPT, _T.SEND_PDU): _P.AWAITING_SUBMIT_RESULT,
    (_P.PROMPT, _T.CANCEL_PROMPT): _P.RESYNCING,
    (_P.PROMPT, _T.ABANDON): _P.RESYNCING,
    # The modem may give up waiting for the PDU itself (e.g. +CMS ERROR after its timer).
    (_P.PROMPT, _T.FINAL_FAILURE): _P.IDLE,
    **_stays(_P.PROMPT, _T.LINE, _T.PROMPT, _T.FINAL_SUCCESS, _T.NOISE),
    (_P.AWAITING_SUBMIT_RESULT, _T.FINAL_SUCCESS): _P.IDLE,
    (_P.AWAITING_SUBMIT_RESULT, _T.FINAL_FAILURE): _P.IDLE,
    (_P.AWAITING_SUBMIT_RESULT, _T.ABANDON): _P.RESYNCING,
    **_stays(_P.AWAITING_SUBMIT_RESULT, _T.LINE, _T.PROMPT, _T.NOISE),
    (_P.RESYNCING, _T.PROBE_FINAL): _P.IDLE,
    (_P.RESYNCING, _T.ABANDON): _P.RESYNCING,
    **_stays(_P.RESYNCING, _T.LINE, _T.PROMPT, _T.FINAL_SUCCESS, _T.FINAL_FAILURE, _T.NOISE),
}

# Pairs the connection never produces (rule 2): a probe exists only while resyncing.
IMPOSSIBLE = frozenset((phase, Trigger.PROBE_FINAL) for phase in Phase if phase is not _P.RESYNCING)

_MISUSE_HINTS: dict[Phase, str] = {
    _P.IDLE: "nothing is pending: send() a command first",
    _P.AWAITING_RESPONSE: "a command is pending: wait for its Response, or abandon() it",
    _P.AWAITING_PROMPT: "AT+CMGS is pending: wait for the Prompt event, or cancel_prompt()",
    _P.PROMPT: "the modem shows its prompt: send_pdu() or cancel_prompt()",
    _P.AWAITING_SUBMIT_RESULT: "the PDU is sent and cannot be taken back: wait, or abandon()",
    _P.RESYNCING: "resynchronising: wait for Resynchronised, or abandon() again",
}


def next_phase(phase: Phase, trigger: Trigger) -> Phase:
    """The phase after ``trigger``; raises LocalProtocolError for a caller's misuse."""
    following = TRANSITIONS.get((phase, trigger))
    if following is not None:
        return following
    if trigger in CALLER_TRIGGERS:
        raise LocalProtocolError(
            f"cannot {trigger.value} while {phase.value}", hint=_MISUSE_HINTS[phase]
        )
    raise RuntimeError(f"the connection produced the impossible pair {phase}, {trigger}")
