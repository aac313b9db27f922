"""The aiohttp application: routes of the HTTP contract, wired to the store and the pool.

``create_app`` is the factory ``serve`` and the tests use. Handlers are methods of
``GatewayApi`` (one per route); what they need is also under typed ``AppKey``s for
whoever extends the app. Background tasks handed to the factory run for the app's life
(``cleanup_ctx``): started when it starts, cancelled and awaited when it is cleaned up.

Rules that hold:
- 202 only after ``store.enqueue`` returned, i.e. after the durable commit.
- A request is validated whole before anything is written; a batch commits all its
  valid items in one transaction, or none of them (503).
- Bad input is never a 500: every check raises ``ApiError`` naming the field.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from typing import Any

from aiohttp import web

from gsmgateway.api.auth import ApiKeys
from gsmgateway.api.body import read_json
from gsmgateway.api.compose import (
    new_message,
    new_messages,
    parse_batch,
    plan_message,
)
from gsmgateway.api.errors import (
    ApiError,
    conflict,
    invalid,
    not_found,
    overloaded,
    store_unavailable,
)
from gsmgateway.api.metrics import CONTENT_TYPE, ApiMetrics
from gsmgateway.api.middleware import api_middleware
from gsmgateway.api.openapi import build_document
from gsmgateway.api.pool_view import PoolView
from gsmgateway.api.settings import ApiSettings
from gsmgateway.api.validation import MessageRequest, parse_message
from gsmgateway.api.views import (
    accepted_json,
    accepted_text,
    inbox_json,
    message_json,
    preview_json,
)
from gsmgateway.sms.plan import TextPlan
from gsmgateway.store.errors import IdempotencyConflict, StoreError
from gsmgateway.store.interface import CancelOutcome, Idempotency, NewMessage, Store
from gsmgateway.store.states import MessageStatus

log = logging.getLogger(__name__)

BackgroundTask = Callable[[], Coroutine[Any, Any, None]]

MESSAGE_ID = re.compile(r"m_[0-9A-HJKMNP-TV-Z]{26}")
INBOX_ID = re.compile(r"in_[0-9A-HJKMNP-TV-Z]{26}")
MAX_IDEMPOTENCY_KEY = 255
DEFAULT_PAGE = 100
MAX_PAGE = 1000
STATUSES = {status.value: status for status in MessageStatus}


def _dumps_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _dumps(value: Any) -> bytes:
    return _dumps_text(value).encode()


def json_answer(
    value: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A JSON response."""
    return web.Response(
        status=status, body=_dumps(value), content_type="application/json", headers=headers
    )


def body_hash(path: str, body: Any) -> str:
    """The fingerprint of a request for ``Idempotency-Key``: its route and its JSON value
    (key order and spacing do not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{path}\n{canonical}".encode()).hexdigest()


def _query(request: web.Request, allowed: frozenset[str]) -> Mapping[str, str]:
    for name in request.query:
        if name not in allowed:
            raise invalid(f"unknown query parameter {name!r}", name)
    return request.query


def _limit(query: Mapping[str, str]) -> int:
    raw = query.get("limit")
    if raw is None:
        return DEFAULT_PAGE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise invalid(f"'limit' must be an integer from 1 to {MAX_PAGE}", "limit")
    return int(raw)


def _cursor(query: Mapping[str, str], pattern: re.Pattern[str]) -> str | None:
    raw = query.get("after")
    if raw is None:
        return None
    if not pattern.fullmatch(raw):
        raise invalid("'after' must be the 'next' cursor of an earlier page", "after")
    return raw


class GatewayApi:
    """The route handlers, holding what they need."""

    def __init__(
        self,
        store: Store,
        pool: PoolView,
        settings: ApiSettings,
        metrics: ApiMetrics,
        clock: Callable[[], float],
    ) -> None:
        self.store = store
        self.pool = pool
        self.settings = settings
        self.metrics = metrics
        self.clock = clock
        self.pending = 0  # messages handed to the store and not yet committed
        self._document = _dumps(build_document())

    # --- writes ----------------------------------------------------------------------

    async def _enqueue(
        self, messages: Sequence[NewMessage], idempotency: Idempotency | None
    ) -> Any:
        count = len(messages)
        if self.pending and self.pending + count > self.settings.max_pending_messages:
            raise overloaded(self.pending)
        self.pending += count
        try:
            return await self.store.enqueue(messages, idempotency=idempotency)
        except IdempotencyConflict as error:
            raise conflict("idempotency_conflict", str(error)) from None
        finally:
            self.pending -= count

    def _idempotency(
        self, request: web.Request, body: Any, render: Callable[[tuple[str, ...]], str]
    ) -> Idempotency | None:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return None
        if not key or len(key) > MAX_IDEMPOTENCY_KEY:
            raise invalid(
                f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters",
                "Idempotency-Key",
            )
        return Idempotency(key, body_hash(request.path, body), render)

    async def post_message(self, request: web.Request) -> web.Response:
        """POST /v1/messages: queue one message; 202 after the commit."""
        settings = self.settings
        body, _raw = await read_json(request, settings.max_body_bytes)
        message = parse_message(body, settings.policy)
        plan = plan_message(message, settings)
        new = new_message(message, plan, settings, self.clock())
        idempotency = self._idempotency(
            request, body, lambda ids: _dumps(accepted_json(ids[0], plan)).decode()
        )
        result = await self._enqueue((new,), idempotency)
        if result.replayed:
            return _replay(result.response_json)
        return json_answer(accepted_json(result.ids[0], plan), 202)

    async def post_batch(self, request: web.Request) -> web.Response:
        """POST /v1/messages/batch: validate each item, commit the valid ones together."""
        settings = self.settings
        body, _raw = await read_json(request, settings.max_body_bytes)
        items = parse_batch(body, settings)
        now = self.clock()
        # A template's text errors name the template itself ("text"), not an item.
        prefix = "messages[{}]." if isinstance(body, dict) and "messages" in body else ""
        # Each item's answer as JSON text; None for the valid ones until their ids exist.
        results: list[str | None] = []
        planned: list[tuple[MessageRequest, TextPlan]] = []
        for index, item in enumerate(items):
            if isinstance(item, ApiError):
                results.append(_dumps_text(item.to_json()))
                continue
            try:
                plan = plan_message(item, settings, prefix=prefix.format(index))
            except ApiError as error:
                results.append(_dumps_text(error.to_json()))
                continue
            planned.append((item, plan))
            results.append(None)
        new = new_messages(planned, settings, now)

        def render(ids: tuple[str, ...]) -> str:
            accepted = iter(
                [accepted_text(i, plan) for (_item, plan), i in zip(planned, ids, strict=True)]
            )
            answers = [text if text is not None else next(accepted) for text in results]
            return '{"results":[' + ",".join(answers) + "]}"

        if not new:
            return web.Response(
                status=202, body=render(()).encode(), content_type="application/json"
            )
        result = await self._enqueue(new, self._idempotency(request, body, render))
        if result.replayed:
            return _replay(result.response_json)
        return web.Response(
            status=202, body=render(result.ids).encode(), content_type="application/json"
        )

    async def preview(self, request: web.Request) -> web.Response:
        """POST /v1/messages/preview: encoding and segments, nothing queued."""
        body, _raw = await read_json(request, self.settings.max_body_bytes)
        message = parse_message(body, self.settings.policy)
        return json_answer(preview_json(message.to, plan_message(message, self.settings)))

    async def cancel(self, request: web.Request) -> web.Response:
        """DELETE /v1/messages/{id}: cancel unless a part was submitted (409)."""
        message_id = request.match_info["id"]
        if not MESSAGE_ID.fullmatch(message_id):
            raise not_found(f"no message {message_id!r}")
        result = await self.store.cancel(message_id, now=self.clock())
        if result.outcome is CancelOutcome.NOT_FOUND:
            raise not_found(f"no message {message_id!r}")
        if result.outcome is CancelOutcome.CONFLICT:
            status = result.status.value if result.status else "unknown"
            raise conflict(
                "not_cancellable",
                f"message {message_id} is {status}: a part was already handed to the network",
            )
        message = await self.store.get_message(message_id)
        if message is None:  # pruned between the two calls
            raise not_found(f"no message {message_id!r}")
        return json_answer(message_json(message))

    # --- reads -----------------------------------------------------------------------

    async def get_message(self, request: web.Request) -> web.Response:
        """GET /v1/messages/{id}: the message with its parts and history."""
        message_id = request.match_info["id"]
        message = (
            await self.store.get_message(message_id) if MESSAGE_ID.fullmatch(message_id) else None
        )
        if message is None:
            raise not_found(f"no message {message_id!r}")
        return json_answer(message_json(message))

    async def list_messages(self, request: web.Request) -> web.Response:
        """GET /v1/messages?status=&limit=&after=: newest first, with a cursor."""
        query = _query(request, frozenset({"status", "limit", "after"}))
        status = None
        if "status" in query:
            status = STATUSES.get(query["status"])
            if status is None:
                raise invalid(f"'status' must be one of {', '.join(STATUSES)}", "status")
        page = await self.store.list_messages(
            status=status, limit=_limit(query), after=_cursor(query, MESSAGE_ID)
        )
        return json_answer(
            {
                "messages": [message_json(m, history=False) for m in page.messages],
                "next": page.next,
            }
        )

    async def list_inbox(self, request: web.Request) -> web.Response:
        """GET /v1/inbox?after=&limit=: received messages, oldest first after the cursor."""
        query = _query(request, frozenset({"limit", "after"}))
        page = await self.store.list_inbox(after=_cursor(query, INBOX_ID), limit=_limit(query))
        return json_answer({"messages": [inbox_json(m) for m in page.messages], "next": page.next})

    async def list_modems(self, request: web.Request) -> web.Response:
        """GET /v1/modems: every modem's identity, SIM, signal, state and counters."""
        return json_answer({"modems": [snapshot.to_json() for snapshot in self.pool.modems()]})

    async def health(self, request: web.Request) -> web.Response:
        """GET /healthz: live (it answers); ready when the store writes and a modem serves."""
        reasons = []
        store_state = "writable"
        try:
            async with asyncio.timeout(self.settings.health_timeout_seconds):
                await self.store.ping(now=self.clock())
        except TimeoutError:
            store_state = "unavailable"
            reasons.append("the store did not complete a test write in time")
        except StoreError as error:
            store_state = "unavailable"
            reasons.append(f"the store cannot write: {error}")
        snapshots = list(self.pool.modems())
        in_service = sum(1 for snapshot in snapshots if snapshot.in_service)
        if not self.pool.ready:
            reasons.append("no modem is in service")
        body = {
            "live": True,
            "ready": not reasons,
            "store": store_state,
            "modems": {"total": len(snapshots), "in_service": in_service},
            "reasons": reasons,
        }
        return json_answer(body, 503 if reasons else 200)

    async def metrics_text(self, request: web.Request) -> web.Response:
        """GET /metrics: the Prometheus text format."""
        try:
            store_metrics = await self.store.metrics()
        except StoreError as error:
            log.warning("metrics without the store's counters: %s", error)
            store_metrics = None
        return web.Response(
            body=self.metrics.render(store_metrics), headers={"Content-Type": CONTENT_TYPE}
        )

    async def openapi(self, request: web.Request) -> web.Response:
        """GET /openapi.json: the OpenAPI 3.1 document."""
        return web.Response(body=self._document, content_type="application/json")


def _replay(response_json: str | None) -> web.Response:
    if response_json is None:  # pragma: no cover - the store keeps what render made
        raise store_unavailable("the stored answer of this Idempotency-Key is missing")
    return web.Response(
        status=202,
        body=response_json.encode(),
        content_type="application/json",
        headers={"Idempotent-Replayed": "true"},
    )


STORE_KEY = web.AppKey("store", Store)
POOL_KEY = web.AppKey("pool", PoolView)
SETTINGS_KEY = web.AppKey("settings", ApiSettings)
METRICS_KEY = web.AppKey("metrics", ApiMetrics)
API_KEY = web.AppKey("api", GatewayApi)


def create_app(
    store: Store,
    keys: ApiKeys,
    *,
    pool: PoolView,
    settings: ApiSettings | None = None,
    clock: Callable[[], float] = time.time,
    metrics: ApiMetrics | None = None,
    background: Sequence[BackgroundTask] = (),
) -> web.Application:
    """The gateway's HTTP application."""
    settings = settings or ApiSettings()
    metrics = metrics or ApiMetrics(pool)
    api = GatewayApi(store, pool, settings, metrics, clock)
    app = web.Application(
        middlewares=[api_middleware(keys, metrics, settings.max_body_bytes)],
        client_max_size=settings.max_body_bytes,
    )
    app[STORE_KEY] = store
    app[POOL_KEY] = pool
    app[SETTINGS_KEY] = settings
    app[METRICS_KEY] = metrics
    app[API_KEY] = api
    app.router.add_post("/v1/messages", api.post_message)
    app.router.add_get("/v1/messages", api.list_messages, allow_head=False)
    app.router.add_post("/v1/messages/batch", api.post_batch)
    app.router.add_post("/v1/messages/preview", api.preview)
    # Only well-formed ids match, so that /v1/messages/batch and /preview are never
    # taken for a message (and a 405 lists the right methods in Allow).
    message = f"/v1/messages/{{id:{MESSAGE_ID.pattern}}}"
    app.router.add_get(message, api.get_message, allow_head=False)
    app.router.add_delete(message, api.cancel)
    # Any other id names no message: a 404 that says so, not "no such route".
    other = r"/v1/messages/{id:(?!(?:batch|preview)$)[^/]+}"
    app.router.add_get(other, api.get_message, allow_head=False)
    app.router.add_delete(other, api.cancel)
    app.router.add_get("/v1/inbox", api.list_inbox, allow_head=False)
    app.router.add_get("/v1/modems", api.list_modems, allow_head=False)
    app.router.add_get("/healthz", api.health, allow_head=False)
    app.router.add_get("/metrics", api.metrics_text, allow_head=False)
    app.router.add_get("/openapi.json", api.openapi, allow_head=False)
    if background:
        app.cleanup_ctx.append(_background_tasks(background))
    return app


def _background_tasks(
    tasks: Sequence[BackgroundTask],
) -> Callable[[web.Application], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def run(_app: web.Application) -> AsyncIterator[None]:
        running = [asyncio.create_task(task(), name=task.__qualname__) for task in tasks]
        for job in running:
            job.add_done_callback(_report_end)
        try:
            yield
        finally:
            for job in running:
                job.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    return run


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background task %s died", task.get_name(), exc_info=task.exception())
