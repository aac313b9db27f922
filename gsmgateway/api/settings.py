"""What the HTTP API needs from the configuration, in one frozen value."""

from __future__ import annotations

from dataclasses import dataclass, field

from gsmgateway.api.validation import NumberPolicy
from gsmgateway.config import Config, RouteConfig


@dataclass(frozen=True)
class ApiSettings:
    """Limits and message defaults of the API (``from_config`` reads them)."""

    policy: NumberPolicy = field(default_factory=NumberPolicy)
    max_body_bytes: int = 64 * 1024
    max_batch: int = 1000
    max_segments: int = 10
    national_languages: tuple[str, ...] = ()
    smart_encoding: bool = False
    status_report: bool = True
    validity_minutes: int = 0  # 0: no TP-VP, the SMSC's default
    concat_ref_bits: int = 8
    routes: tuple[RouteConfig, ...] = ()
    # Messages accepted but not yet committed; beyond this new writes get 429.
    max_pending_messages: int = 20_000
    # How long a health check waits for the store's test write.
    health_timeout_seconds: float = 2.0

    @classmethod
    def from_config(cls, config: Config) -> ApiSettings:
        """The API's settings from a gateway configuration."""
        messages = config.messages
        return cls(
            policy=NumberPolicy(messages.default_region or None, messages.allow_short_codes),
            max_body_bytes=config.server.max_body_bytes,
            max_batch=config.server.max_batch,
            max_segments=messages.max_segments,
            national_languages=messages.national_languages,
            smart_encoding=messages.smart_encoding,
            status_report=messages.status_report,
            validity_minutes=messages.validity_minutes,
            concat_ref_bits=messages.concat_ref_bits,
            routes=config.route,
            max_pending_messages=config.server.max_pending_messages,
        )
