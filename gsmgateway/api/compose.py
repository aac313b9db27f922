"""From validated request bodies to what the store queues: plans, messages, batch items.

Pure: the clock reading comes in as ``now``. ``plan_message`` runs the codec's
``plan_text`` with the configured limits (remembering the plans of recent short texts)
and turns its errors into 422 answers naming the field; ``new_messages`` fills in the
defaults of the config and the route;
``parse_batch`` reads both forms of a batch body into one entry per item, each a
``MessageRequest`` or the ``ApiError`` of that item alone.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from gsmgateway.api.errors import ApiError, invalid, unsendable
from gsmgateway.api.settings import ApiSettings
from gsmgateway.api.template import MissingVariable, TemplateSyntaxError, check_template, fill
from gsmgateway.api.validation import (
    MAX_TEXT_CHARS,
    MESSAGE_FIELDS,
    MessageOptions,
    MessageRequest,
    normalise_number,
    parse_message,
    parse_options,
)
from gsmgateway.pool.routing import DEFAULT_GROUP, route_for
from gsmgateway.sms.errors import EncodeError, TooManySegments
from gsmgateway.sms.plan import EncodingRequest, TextPlan, plan_text
from gsmgateway.store.interface import NewMessage, Priority

TEMPLATE_FIELDS = (MESSAGE_FIELDS - {"to"}) | {"recipients"}
RECIPIENT_FIELDS = frozenset({"to", "vars"})
# Plans of recent short texts: a campaign or an alert sends one text to many numbers.
# Bounded in entries and in text length, so at most a few MB.
PLAN_CACHE_SIZE = 2048
PLAN_CACHE_MAX_CHARS = 480

BatchItem = MessageRequest | ApiError
_PRIORITIES = {priority.value: priority for priority in Priority}
_ENCODING_REQUESTS = {request.value: request for request in EncodingRequest}


@functools.lru_cache(maxsize=PLAN_CACHE_SIZE)
def _cached_plan(
    text: str,
    encoding: EncodingRequest,
    national: tuple[str, ...],
    smart: bool,
    max_segments: int,
    ref_bits: int,
) -> TextPlan:
    # A TextPlan is a frozen value: one may be shared by any number of messages.
    return plan_text(
        text,
        encoding=encoding,
        national=national,
        smart=smart,
        max_segments=max_segments,
        ref_bits=ref_bits,
    )


def plan_message(request: MessageRequest, settings: ApiSettings, prefix: str = "") -> TextPlan:
    """The encoding and segments of ``request``'s text; 422 when it cannot be sent."""
    options = request.options
    smart = settings.smart_encoding if options.smart_encoding is None else options.smart_encoding
    text = request.text
    plan = _cached_plan if len(text) <= PLAN_CACHE_MAX_CHARS else _cached_plan.__wrapped__
    try:
        return plan(
            text,
            _ENCODING_REQUESTS[options.encoding],
            settings.national_languages,
            smart,
            settings.max_segments,
            settings.concat_ref_bits,
        )
    except TooManySegments as error:
        raise unsendable("too_many_segments", str(error), prefix + "text") from None
    except EncodeError as error:
        raise unsendable("unencodable_text", str(error), prefix + "text") from None


def _option_fields(
    options: MessageOptions, settings: ApiSettings, now: float
) -> tuple[Priority, tuple[Any, ...]]:
    """The ``NewMessage`` fields that come from the options and the config alone: its
    priority, and its fields from ``send_at`` on, in the order of its parameters."""
    send_at = options.send_at.timestamp() if options.send_at is not None else None
    validity = options.validity_minutes or settings.validity_minutes or None
    status_report = (
        settings.status_report if options.status_report is None else options.status_report
    )
    return _PRIORITIES[options.priority], (
        send_at,
        (max(send_at or now, now) + validity * 60) if validity else None,
        validity,
        status_report,
        options.flash,
        settings.concat_ref_bits,
    )


def new_messages(
    planned: Sequence[tuple[MessageRequest, TextPlan]], settings: ApiSettings, now: float
) -> list[NewMessage]:
    """The store's values for planned messages, with the config's defaults filled in."""
    # Computed once per options value: the items of a batch mostly share one. Passed by
    # position (a keyword call with 15 arguments costs a third more, 1,000 times a batch).
    by_options: dict[int, tuple[Priority, tuple[Any, ...]]] = {}
    routes = settings.routes
    out = []
    for request, plan in planned:
        options = request.options
        fields = by_options.get(id(options))
        if fields is None:
            fields = by_options[id(options)] = _option_fields(options, settings, now)
        priority, rest = fields
        to = request.to
        route = (
            route_for(to, routes, modem=options.modem) if routes or options.modem else DEFAULT_GROUP
        )
        out.append(
            NewMessage(
                to,
                plan.text,
                plan.segments,
                now,
                plan.encoding,
                plan.locking,
                plan.single,
                priority,
                route,
                *rest,
            )
        )
    return out


def new_message(
    request: MessageRequest, plan: TextPlan, settings: ApiSettings, now: float
) -> NewMessage:
    """The store's value for one planned message, with the config's defaults filled in."""
    return new_messages(((request, plan),), settings, now)[0]


def parse_batch(body: Any, settings: ApiSettings) -> list[BatchItem]:
    """The items of a batch body in order; 400 for a malformed envelope.

    Either ``{"messages": [BODY, ...]}`` or ``{"text": TEMPLATE, "recipients": [{"to",
    "vars"}, ...], ...common fields}``, with 1 to ``max_batch`` items.
    """
    if not isinstance(body, dict):
        raise invalid("the batch must be a JSON object")
    if "messages" in body:
        for key in body:
            if key != "messages":
                raise invalid(f"unknown field {key!r} beside 'messages'", str(key))
        messages = _items(body["messages"], "messages", settings.max_batch)
        policy = settings.policy
        items: list[BatchItem] = []
        for i, message in enumerate(messages):
            try:
                items.append(parse_message(message, policy, prefix=f"messages[{i}]."))
            except ApiError as error:
                items.append(error)
        return items
    if "recipients" in body:
        return _template_batch(body, settings)
    raise invalid("a batch needs 'messages', or 'text' and 'recipients'")


def _items(value: Any, name: str, maximum: int) -> list[Any]:
    if not isinstance(value, list):
        raise invalid(f"'{name}' must be an array", name)
    if not 1 <= len(value) <= maximum:
        raise invalid(f"'{name}' must hold 1 to {maximum} items, not {len(value)}", name)
    return value


def _template_batch(body: dict[str, Any], settings: ApiSettings) -> list[BatchItem]:
    for key in body:
        if key not in TEMPLATE_FIELDS:
            raise invalid(f"unknown field {key!r}", str(key))
    template = body.get("text")
    if not isinstance(template, str) or not template:
        raise invalid("'text' (the template) is required and must be a non-empty string", "text")
    try:
        check_template(template)
    except TemplateSyntaxError as error:
        raise invalid(str(error), "text") from None
    recipients = _items(body["recipients"], "recipients", settings.max_batch)
    options = parse_options(body, lambda name: name)
    items: list[BatchItem] = []
    for i, recipient in enumerate(recipients):
        try:
            items.append(_recipient(recipient, f"recipients[{i}].", template, options, settings))
        except ApiError as error:
            items.append(error)
    return items


def _recipient(
    recipient: Any,
    prefix: str,
    template: str,
    options: MessageOptions,
    settings: ApiSettings,
) -> MessageRequest:
    if not isinstance(recipient, dict):
        raise invalid("a recipient must be a JSON object", prefix.rstrip("."))
    for key in recipient:
        if key not in RECIPIENT_FIELDS:
            raise invalid(f"unknown field {key!r}", prefix + str(key))
    to = recipient.get("to")
    if not isinstance(to, str):
        raise invalid("'to' is required and must be a string", prefix + "to")
    variables = recipient.get("vars", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise invalid("'vars' must be an object of strings", prefix + "vars")
    try:
        text = fill(template, variables)
    except MissingVariable as error:
        raise unsendable("missing_variable", str(error), f"{prefix}vars.{error.name}") from None
    if not text:
        raise unsendable("empty_text", "the filled template is empty", prefix + "vars")
    if len(text) > MAX_TEXT_CHARS:
        raise unsendable(
            "text_too_long", f"the filled text has more than {MAX_TEXT_CHARS} characters", "text"
        )
    number = normalise_number(to, settings.policy, prefix + "to")
    return MessageRequest(number, text, options)
