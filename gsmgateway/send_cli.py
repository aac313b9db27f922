"""``gsmgateway send``: submit one message through a running gateway's HTTP API.

Prints the new message's id. The API key comes from ``--key`` or ``$GSMGATEWAY_API_KEY``.
An answer the gateway refuses as invalid (400, 413, 422) exits 2 with its reason; a
gateway that is down, refuses the key, is busy or failing exits 1, saying which.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

INVALID_INPUT = frozenset({400, 413, 422})


class SendFailed(Exception):
    """The message was not accepted; ``usage`` tells whether the input was at fault."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def _describe(status: int, body: bytes) -> str:
    try:
        error = json.loads(body)["error"]
        field = f" (field {error['field']})" if error.get("field") else ""
        return f"{status} {error['code']}: {error['message']}{field}"
    except (ValueError, KeyError, TypeError):
        return f"HTTP {status}"


def send_message(
    url: str,
    to: str,
    text: str,
    *,
    key: str | None,
    environ: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """POST the message and return the 202 answer; ``SendFailed`` otherwise."""
    environ = os.environ if environ is None else environ
    key = key or environ.get("GSMGATEWAY_API_KEY", "").strip()
    if not key:
        raise SendFailed("no API key: pass --key or set GSMGATEWAY_API_KEY", usage=True)
    if not url.startswith(("http://", "https://")):
        raise SendFailed(f"--url {url!r}: expected http://HOST:PORT", usage=True)
    request = urllib.request.Request(
        url.rstrip("/") + "/v1/messages",
        data=json.dumps({"to": to, "text": text}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        reason = _describe(error.code, error.read())
        raise SendFailed(
            f"the gateway refused the message: {reason}", usage=error.code in INVALID_INPUT
        ) from None
    except (urllib.error.URLError, OSError) as error:
        cause = getattr(error, "reason", error)
        raise SendFailed(
            f"cannot reach the gateway at {url}: {cause} (is `gsmgateway serve` running?)"
        ) from None
    except ValueError:
        raise SendFailed(f"the gateway at {url} did not answer with JSON") from None
