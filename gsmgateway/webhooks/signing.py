"""HMAC-SHA256 signatures of webhook bodies (header ``X-Gsmgateway-Signature: sha256=HEX``)."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Gsmgateway-Signature"
PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    """The header value for ``body`` signed with ``secret``."""
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """True when ``header`` is the signature of ``body`` (constant-time comparison)."""
    if not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(secret, body), header.strip())
