"""``phonenumbers.parse`` and ``is_valid_number`` with the same answers, much faster for
the common case.

``split_international`` reads a number written as ``+`` and digits only (the form API
clients send) without phonenumbers' general parser, and gives up (None: use
``phonenumbers.parse``) wherever that parser would do more than split off the country
code: a national part starting with 0 (Italian leading zeros) or one its national
prefix pattern matches (the prefix may be stripped or transformed), lengths out of range.

phonenumbers decides validity by matching a number against up to a dozen per-type
patterns of its region, compiling (from a cache) and calling a helper per pattern: on
the API's hot path that costs more than the rest of a request. Here each region's
patterns are compiled once into two checks: the region's general pattern, and one
alternation of every type pattern that allows the number's length. The rules are
phonenumbers' own (``_region_code_for_number_from_list``, ``_number_type_helper``,
``_is_number_matching_desc``), read from its public metadata:

- a number is valid for a region when it matches the general description and at least
  one type description (premium rate, toll free, ..., fixed line, mobile); a
  description matches when the length is one of its possible lengths (no lengths: any)
  and its national number pattern matches the whole number;
- the region is the only one of the country code, or the first of its regions whose
  ``leading_digits`` match the start of the number or, for a region without
  ``leading_digits``, for which the number is valid; none found: invalid.

tests/api/test_phone.py checks both against phonenumbers itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata, PhoneNumber

_TYPE_DESCS = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)
_NON_GEO = phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY


@dataclass(frozen=True)
class _RegionRule:
    leading_digits: re.Pattern[str] | None
    general: re.Pattern[str] | None
    general_lengths: frozenset[int]  # empty: any length
    types_by_length: dict[int, re.Pattern[str]]
    types_any_length: re.Pattern[str] | None
    # is_valid_number_for_region: the region's own country code must be the number's.
    own_country_code: bool = True

    def valid(self, nsn: str) -> bool:
        if self.general is None or not self.own_country_code:
            return False
        length = len(nsn)
        if self.general_lengths and length not in self.general_lengths:
            return False
        if self.general.fullmatch(nsn) is None:
            return False
        by_length = self.types_by_length.get(length)
        if by_length is not None and by_length.fullmatch(nsn) is not None:
            return True
        return (
            self.types_any_length is not None and self.types_any_length.fullmatch(nsn) is not None
        )


def _alternation(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


def _rule(metadata: PhoneMetadata, own_country_code: bool) -> _RegionRule:
    general = metadata.general_desc
    by_length: dict[int, list[str]] = {}
    any_length: list[str] = []
    for name in _TYPE_DESCS:
        desc = getattr(metadata, name)
        if desc is None or desc.national_number_pattern is None:
            continue
        if not desc.possible_length:
            any_length.append(desc.national_number_pattern)
            continue
        for length in desc.possible_length:
            by_length.setdefault(length, []).append(desc.national_number_pattern)
    general_pattern = general.national_number_pattern if general is not None else None
    return _RegionRule(
        leading_digits=re.compile(metadata.leading_digits) if metadata.leading_digits else None,
        general=re.compile(general_pattern) if general_pattern is not None else None,
        general_lengths=frozenset(general.possible_length) if general is not None else frozenset(),
        types_by_length={
            length: pattern
            for length, patterns in by_length.items()
            if (pattern := _alternation(patterns)) is not None
        },
        types_any_length=_alternation(any_length),
        own_country_code=own_country_code,
    )


_RULES: dict[int, tuple[bool, tuple[_RegionRule, ...]]] = {}


def _rules_for(country_code: int) -> tuple[bool, tuple[_RegionRule, ...]]:
    """Whether the code has a single region, and the rules of its regions with metadata."""
    known = _RULES.get(country_code)
    if known is None:
        regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
        found = []
        for region in regions:
            if region == _NON_GEO:
                metadata = PhoneMetadata.metadata_for_nongeo_region(country_code, None)
                own = True
            else:
                metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
                own = phonenumbers.country_code_for_region(region) == country_code
            if metadata is not None:
                found.append(_rule(metadata, own))
        known = _RULES[country_code] = (len(regions) == 1, tuple(found))
    return known


def is_valid_number(number: PhoneNumber) -> bool:
    """True exactly when ``phonenumbers.is_valid_number(number)`` is."""
    return is_valid_national(
        number.country_code or 0, phonenumbers.national_significant_number(number)
    )


def is_valid_national(country_code: int, nsn: str) -> bool:
    """Whether the national significant number ``nsn`` is valid under ``country_code``."""
    single, rules = _rules_for(country_code)
    if not rules:
        return False
    if single:
        return rules[0].valid(nsn)
    for rule in rules:
        if rule.leading_digits is not None:
            if rule.leading_digits.match(nsn):
                return rule.valid(nsn)
        elif rule.valid(nsn):
            return True
    return False


_MIN_NSN, _MAX_NSN = 2, 17  # phonenumbers' _MIN_LENGTH_FOR_NSN, _MAX_LENGTH_FOR_NSN
_INTERNATIONAL = re.compile(r"\+([1-9][0-9]{2,16})")
_PREFIX_PATTERNS: dict[int, re.Pattern[str] | None] = {}


def _national_prefix(country_code: int) -> re.Pattern[str] | None:
    if country_code not in _PREFIX_PATTERNS:
        region = phonenumbers.region_code_for_country_code(country_code)
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
        pattern = metadata.national_prefix_for_parsing if metadata is not None else None
        _PREFIX_PATTERNS[country_code] = re.compile(pattern) if pattern else None
    return _PREFIX_PATTERNS[country_code]


def split_international(text: str) -> tuple[int, str] | None:
    """(country code, national significant number) as ``phonenumbers.parse(text, None)``
    reads ``+DIGITS``, or None when this quick reading does not apply (ask phonenumbers).
    When it applies, the E.164 form of the number is ``text`` itself."""
    match = _INTERNATIONAL.fullmatch(text)
    if match is None:
        return None
    digits = match.group(1)
    for length in (1, 2, 3):
        code = int(digits[:length])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = digits[length:]
    if not _MIN_NSN <= len(national) <= _MAX_NSN or national[0] == "0":
        return None
    prefix = _national_prefix(code)
    if prefix is not None and prefix.match(national) is not None:
        return None
    return code, national
