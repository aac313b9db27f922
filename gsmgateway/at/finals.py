"""Final result codes: which lines end a command, and what they say.

A table of rules, like oFono gatchat's terminator table, that a modem profile can
extend (``FINAL_RESULTS.extended(...)``) or trim (``.without(...)``). Matching is
case-insensitive on the whole line (V.250 5.7.1 result codes), with the numeric and
verbose forms of ``+CME ERROR`` / ``+CMS ERROR`` both read, as ModemManager's
``mm-serial-parsers.c`` does. The error's domain stays apart from its code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gsmgateway.at.error_codes import ErrorDomain, code_for_text
from gsmgateway.at.fields import is_number


class FinalKind(enum.Enum):
    """The kind of final result a line is."""

    OK = "OK"
    CONNECT = "CONNECT"
    ERROR = "ERROR"
    CME_ERROR = "+CME ERROR"
    CMS_ERROR = "+CMS ERROR"
    EXT_ERROR = "+EXT ERROR"
    NO_CARRIER = "NO CARRIER"
    BUSY = "BUSY"
    NO_ANSWER = "NO ANSWER"
    NO_DIALTONE = "NO DIALTONE"
    VENDOR_ERROR = "vendor error"


class Match(enum.Enum):
    """How a rule's text is compared with a line."""

    EXACT = "exact"  # the whole line
    WORD = "word"  # the whole line, or the text followed by a space and more (CONNECT 9600)
    PREFIX = "prefix"  # the line starts with the text; the rest is a code or a verbose text


_DOMAIN_OF_KIND: dict[FinalKind, ErrorDomain | None] = {
    FinalKind.OK: None,
    FinalKind.CONNECT: None,
    FinalKind.ERROR: ErrorDomain.PLAIN,
    FinalKind.CME_ERROR: ErrorDomain.CME,
    FinalKind.CMS_ERROR: ErrorDomain.CMS,
    FinalKind.EXT_ERROR: ErrorDomain.PLAIN,
    FinalKind.NO_CARRIER: ErrorDomain.CONNECTION,
    FinalKind.BUSY: ErrorDomain.CONNECTION,
    FinalKind.NO_ANSWER: ErrorDomain.CONNECTION,
    FinalKind.NO_DIALTONE: ErrorDomain.CONNECTION,
    FinalKind.VENDOR_ERROR: ErrorDomain.PLAIN,
}


@dataclass(frozen=True)
class FinalRule:
    """One line form that ends a command; ``source`` names who needs it."""

    text: str
    match: Match
    kind: FinalKind
    source: str

    def __post_init__(self) -> None:
        if not self.text or self.text != self.text.strip():
            raise ValueError(f"final rule text must be non-empty and trimmed: {self.text!r}")

    def matches(self, line: str) -> str | None:
        """The rest of ``line`` after the rule's text if the rule applies, else ``None``."""
        folded = line.upper()
        text = self.text.upper()
        if self.match is Match.EXACT:
            return "" if folded == text else None
        if self.match is Match.WORD:
            if folded == text:
                return ""
            return line[len(text) + 1 :].strip() if folded.startswith(text + " ") else None
        return line[len(text) :].strip() if folded.startswith(text) else None


@dataclass(frozen=True)
class FinalResult:
    """A final result as the modem sent it: kind, error domain, code and verbose text."""

    line: str
    kind: FinalKind
    domain: ErrorDomain | None
    code: int | None = None
    text: str | None = None

    @property
    def success(self) -> bool:
        """True for OK and CONNECT."""
        return self.domain is None


class FinalTable:
    """An ordered set of final-result rules; the first rule that matches a line wins."""

    def __init__(self, rules: tuple[FinalRule, ...]) -> None:
        texts = [rule.text.upper() for rule in rules]
        if len(set(texts)) != len(texts):
            raise ValueError("final result rules must have distinct texts")
        self.rules = rules

    def extended(self, *rules: FinalRule) -> FinalTable:
        """A new table with ``rules`` tried before these (a modem profile's additions)."""
        return FinalTable(rules + self.rules)

    def without(self, *texts: str) -> FinalTable:
        """A new table without the rules of these texts (a profile's blacklist)."""
        dropped = {text.upper() for text in texts}
        return FinalTable(tuple(rule for rule in self.rules if rule.text.upper() not in dropped))

    def match(self, line: str) -> FinalResult | None:
        """The final result ``line`` is, or ``None`` if it is not one."""
        for rule in self.rules:
            rest = rule.matches(line)
            if rest is None:
                continue
            domain = _DOMAIN_OF_KIND[rule.kind]
            if rule.match is not Match.PREFIX or domain is None:
                return FinalResult(line, rule.kind, domain, None, rest or None)
            return _with_code(line, rule.kind, domain, rest)
        return None


def _with_code(line: str, kind: FinalKind, domain: ErrorDomain, rest: str) -> FinalResult:
    if is_number(rest):
        return FinalResult(line, kind, domain, int(rest), None)
    if not rest:
        return FinalResult(line, kind, domain, None, None)
    # Verbose form (AT+CMEE=2): map the text back to its code where we know it.
    return FinalResult(line, kind, domain, code_for_text(domain, rest), rest)


FINAL_RESULTS = FinalTable(
    (
        FinalRule("OK", Match.EXACT, FinalKind.OK, "ITU-T V.250 5.7.1"),
        FinalRule("CONNECT", Match.WORD, FinalKind.CONNECT, "ITU-T V.250 5.7.1"),
        FinalRule("ERROR", Match.EXACT, FinalKind.ERROR, "ITU-T V.250 5.7.1"),
        FinalRule("NO CARRIER", Match.EXACT, FinalKind.NO_CARRIER, "ITU-T V.250 5.7.1"),
        FinalRule("BUSY", Match.EXACT, FinalKind.BUSY, "ITU-T V.250 5.7.1"),
        FinalRule("NO ANSWER", Match.EXACT, FinalKind.NO_ANSWER, "ITU-T V.250 5.7.1"),
        FinalRule("NO DIALTONE", Match.EXACT, FinalKind.NO_DIALTONE, "ITU-T V.250 5.7.1"),
        FinalRule("+CME ERROR:", Match.PREFIX, FinalKind.CME_ERROR, "TS 27.007 9.2"),
        FinalRule("+CMS ERROR:", Match.PREFIX, FinalKind.CMS_ERROR, "TS 27.005 3.2.5"),
        FinalRule("+EXT ERROR:", Match.PREFIX, FinalKind.EXT_ERROR, "oFono gatchat terminator"),
        # Huawei dongles answer unknown commands this way (oFono plugins/huawei.c adds it
        # as a terminator; ModemManager mm-serial-parsers.c matches it as an error).
        FinalRule(
            "COMMAND NOT SUPPORT", Match.EXACT, FinalKind.VENDOR_ERROR, "Huawei (oFono huawei.c)"
        ),
        # Huawei EM770 (oFono plugins/em770.c adds it as a terminator).
        FinalRule(
            "TOO MANY PARAMETERS", Match.EXACT, FinalKind.VENDOR_ERROR, "Huawei EM770 (oFono)"
        ),
    )
)
