"""The HTTP API: auth, validation, handlers, the OpenAPI document, metrics and health."""

from gsmgateway.api.app import (
    API_KEY,
    METRICS_KEY,
    POOL_KEY,
    SETTINGS_KEY,
    STORE_KEY,
    BackgroundTask,
    GatewayApi,
    create_app,
)
from gsmgateway.api.auth import (
    API_KEY_VARIABLE,
    ApiKeys,
    KeySetup,
    create_key_if_none,
    hash_key,
    new_key,
    resolve_api_keys,
)
from gsmgateway.api.errors import ApiError
from gsmgateway.api.metrics import ApiMetrics
from gsmgateway.api.openapi import build_document
from gsmgateway.api.pool_view import NoModems, PoolView
from gsmgateway.api.settings import ApiSettings

__all__ = [
    "API_KEY",
    "API_KEY_VARIABLE",
    "METRICS_KEY",
    "POOL_KEY",
    "SETTINGS_KEY",
    "STORE_KEY",
    "ApiError",
    "ApiKeys",
    "ApiMetrics",
    "ApiSettings",
    "BackgroundTask",
    "GatewayApi",
    "KeySetup",
    "NoModems",
    "PoolView",
    "build_document",
    "create_app",
    "create_key_if_none",
    "hash_key",
    "new_key",
    "resolve_api_keys",
]
