"""The sim log: one JSON object per submitted PDU, in memory and as JSON lines on disk.

Tests wait on it with ``wait_for`` (an asyncio condition, never a sleep).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

Entry = dict[str, Any]


class SimLog:
    """Append-only list of log entries, mirrored to a JSON-lines file when given one."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else None
        self.entries: list[Entry] = []
        self._file: TextIO | None = None
        self._changed: asyncio.Event | None = None
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # backslashreplace: a lone surrogate in a decoded text must not kill the log
            self._file = self.path.open("a", encoding="utf-8", errors="backslashreplace")

    def append(self, entry: Entry) -> None:
        """Record one entry (written and flushed at once: a crash loses none)."""
        self.entries.append(entry)
        if self._file:
            self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._file.flush()
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def since(self, start: int = 0) -> list[Entry]:
        """Entries from position ``start`` on."""
        return self.entries[start:]

    async def wait_for(
        self,
        predicate: Callable[[Entry], bool] = lambda entry: True,
        *,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[Entry]:
        """The first ``count`` entries matching ``predicate``, waiting up to ``timeout``."""
        async with asyncio.timeout(timeout):
            while True:
                found = [entry for entry in self.entries if predicate(entry)]
                if len(found) >= count:
                    return found[:count]
                if self._changed is None:
                    self._changed = asyncio.Event()
                await self._changed.wait()

    def close(self) -> None:
        """Close the file (entries stay readable in memory)."""
        if self._file:
            self._file.close()
            self._file = None
