"""Which ports ``probe --all`` tries: the usual places, each physical port once.

``merge_candidates`` is pure (names and what they resolve to, in order of preference);
``find_candidates`` is the thin IO that expands globs and resolves symlinks.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Where USB modems' AT ports appear on Linux: our udev rules' names first (they say
# which interface is the AT port), then udev's stable by-id links, then the raw ttys.
DEFAULT_GLOBS = ("/dev/gsmmodem/*", "/dev/serial/by-id/*", "/dev/ttyUSB*", "/dev/ttyACM*")


@dataclass(frozen=True)
class Candidate:
    """One port to probe, under its preferred name; ``device`` None when it is missing."""

    name: str
    device: str | None
    aliases: tuple[str, ...] = ()


def merge_candidates(found: Iterable[tuple[str, str | None]]) -> list[Candidate]:
    """One candidate per device, named by its first name, the later names as aliases.

    A name that resolves to nothing (``None``) is kept once, as missing: it was asked for.
    """
    order: list[str] = []
    names: dict[str, list[str]] = {}
    missing: list[str] = []
    for name, device in found:
        if device is None:
            if name not in missing:
                missing.append(name)
                order.append(name)
            continue
        if device not in names:
            names[device] = []
            order.append(device)
        if name not in names[device]:
            names[device].append(name)
    candidates = []
    for key in order:
        if key in names:
            first, *rest = names[key]
            candidates.append(Candidate(first, key, tuple(rest)))
        else:
            candidates.append(Candidate(key, None))
    return candidates


def resolve(name: str) -> str | None:
    """The device a name leads to (symlinks followed), or None when there is none."""
    try:
        return os.path.realpath(name, strict=True)
    except OSError:
        return None


def find_candidates(ports: Sequence[str], globs: Sequence[str]) -> list[Candidate]:
    """Named ``ports`` (kept even when missing), then what ``globs`` match (sorted)."""
    found: list[tuple[str, str | None]] = [(name, resolve(name)) for name in ports]
    for pattern in globs:
        for name in sorted(glob.glob(pattern)):
            device = resolve(name)
            if device is not None and not os.path.isdir(device):
                found.append((name, device))
    return merge_candidates(found)
