"""TS 23.038 national language tables (annex A): filled in by the national tables work."""

from __future__ import annotations

# ISO 639-1 code -> TS 23.038 national language identifier (clause 6.2.1.2.4).
LANGUAGE_IDS: dict[str, int] = {}
LOCKING_SHIFT_TABLES: dict[str, tuple[str | None, ...]] = {}
SINGLE_SHIFT_TABLES: dict[str, dict[int, str]] = {}
