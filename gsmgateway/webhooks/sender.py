"""POST one signed webhook event and say whether the receiver acknowledged it (2xx)."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from gsmgateway import __version__
from gsmgateway.webhooks.signing import SIGNATURE_HEADER, sign


@dataclass(frozen=True)
class DeliveryResult:
    """What one attempt gave: acknowledged, the HTTP status if any, and why it failed."""

    acknowledged: bool
    status: int | None = None
    error: str | None = None


async def post_event(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    body: bytes,
    *,
    event: str,
    delivery_id: str,
    timeout: float = 10.0,
) -> DeliveryResult:
    """POST ``body`` to ``url`` with its signature; any 2xx is an acknowledgement."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"gsmgateway/{__version__}",
        "X-Gsmgateway-Event": event,
        "X-Gsmgateway-Delivery": delivery_id,
        SIGNATURE_HEADER: sign(secret, body),
    }
    try:
        async with session.post(
            url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            await response.read()
            if 200 <= response.status < 300:
                return DeliveryResult(True, response.status)
            return DeliveryResult(False, response.status, f"HTTP {response.status}")
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        return DeliveryResult(False, None, f"{type(error).__name__}: {error}".rstrip(": "))
