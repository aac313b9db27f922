"""Webhooks: signed events delivered to applications from a durable outbox, with retries."""

from gsmgateway.webhooks.dispatcher import Endpoint, WebhookDispatcher, subscriptions
from gsmgateway.webhooks.payload import event_body
from gsmgateway.webhooks.schedule import RetryPolicy
from gsmgateway.webhooks.sender import DeliveryResult, post_event
from gsmgateway.webhooks.signing import SIGNATURE_HEADER, sign, verify

__all__ = [
    "SIGNATURE_HEADER",
    "DeliveryResult",
    "Endpoint",
    "RetryPolicy",
    "WebhookDispatcher",
    "event_body",
    "post_event",
    "sign",
    "subscriptions",
    "verify",
]
