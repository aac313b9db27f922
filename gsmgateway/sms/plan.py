"""Encoding choice and segmentation: which alphabet a text goes out in, and its segments.

Interface stub: the contract between the codec and its callers (API preview, pool, sim).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from gsmgateway.sms.dcs import Encoding

DEFAULT_MAX_SEGMENTS = 10


class EncodingRequest(enum.Enum):
    """What the caller asks for: the cheapest fit, or one forced alphabet."""

    AUTO = "auto"
    GSM7 = "gsm7"
    UCS2 = "ucs2"


@dataclass(frozen=True)
class Replacement:
    """One smart-encoding substitution: ``original`` at ``position`` became ``replacement``."""

    position: int
    original: str
    replacement: str


@dataclass(frozen=True)
class TextPlan:
    """How one text is sent: the alphabet (and national tables) and each segment's text.

    ``text`` is what will be sent (after smart replacements); ``segments`` joined give it.
    """

    text: str
    encoding: Encoding
    locking: str | None
    single: str | None
    segments: tuple[str, ...]
    replacements: tuple[Replacement, ...] = ()
    ref_bits: int = 8


def plan_text(
    text: str,
    *,
    encoding: EncodingRequest = EncodingRequest.AUTO,
    national: Sequence[str] = (),
    smart: bool = False,
    max_segments: int = DEFAULT_MAX_SEGMENTS,
    ref_bits: int = 8,
) -> TextPlan:
    """Choose the encoding with the fewest segments and split ``text`` into them.

    Raises EncodeError (forced gsm7 impossible, empty text) or TooManySegments.
    """
    raise NotImplementedError
