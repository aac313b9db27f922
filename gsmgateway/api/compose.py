"""From validated request bodies to what the store queues: plans, messages, batch items.

Pure: the clock reading comes in as ``now``. ``plan_message`` runs the codec's
``plan_text`` with the configured limits and turns its errors into 422 answers naming
the field; ``new_message`` fills in the defaults of the config and the route;
``parse_batch`` reads both forms of a batch body into one entry per item, each a
``MessageRequest`` or the ``ApiError`` of that item alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gsmgateway.api.errors import ApiError, invalid, unsendable
from gsmgateway.api.settings import ApiSettings
from gsmgateway.api.template import MissingVariable, TemplateSyntaxError, check_template, fill
from gsmgateway.api.validation import (
    MAX_TEXT_CHARS,
    MESSAGE_FIELDS,
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

BatchItem = MessageRequest | ApiError
_PRIORITIES = {priority.value: priority for priority in Priority}


@dataclass(frozen=True)
class PlannedMessage:
    """A validated request with its text plan: ready to be queued or previewed."""

    request: MessageRequest
    plan: TextPlan


def plan_message(request: MessageRequest, settings: ApiSettings, prefix: str = "") -> TextPlan:
    """The encoding and segments of ``request``'s text; 422 when it cannot be sent."""
    smart = settings.smart_encoding if request.smart_encoding is None else request.smart_encoding
    try:
        return plan_text(
            request.text,
            encoding=EncodingRequest(request.encoding),
            national=settings.national_languages,
            smart=smart,
            max_segments=settings.max_segments,
            ref_bits=settings.concat_ref_bits,
        )
    except TooManySegments as error:
        raise unsendable("too_many_segments", str(error), prefix + "text") from None
    except EncodeError as error:
        raise unsendable("unencodable_text", str(error), prefix + "text") from None


def new_message(planned: PlannedMessage, settings: ApiSettings, now: float) -> NewMessage:
    """The store's value for a planned message, with the config's defaults filled in."""
    request, plan = planned.request, planned.plan
    send_at = request.send_at.timestamp() if request.send_at is not None else None
    validity = request.validity_minutes or settings.validity_minutes or None
    expires_at = (max(send_at or now, now) + validity * 60) if validity else None
    status_report = (
        settings.status_report if request.status_report is None else request.status_report
    )
    return NewMessage(
        to=request.to,
        text=plan.text,
        segments=plan.segments,
        created_at=now,
        encoding=plan.encoding,
        locking=plan.locking,
        single=plan.single,
        priority=_PRIORITIES[request.priority],
        route=route_for(request.to, settings.routes, modem=request.modem)
        if settings.routes or request.modem
        else DEFAULT_GROUP,
        send_at=send_at,
        expires_at=expires_at,
        validity_minutes=validity,
        status_report=status_report,
        flash=request.flash,
        concat_ref_bits=settings.concat_ref_bits,
    )


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
        return [
            _item(lambda m=m, i=i: parse_message(m, settings.policy, prefix=f"messages[{i}]."))
            for i, m in enumerate(messages)
        ]
    if "recipients" in body:
        return _template_batch(body, settings)
    raise invalid("a batch needs 'messages', or 'text' and 'recipients'")


def _items(value: Any, name: str, maximum: int) -> list[Any]:
    if not isinstance(value, list):
        raise invalid(f"'{name}' must be an array", name)
    if not 1 <= len(value) <= maximum:
        raise invalid(f"'{name}' must hold 1 to {maximum} items, not {len(value)}", name)
    return value


def _item(parse: Callable[[], MessageRequest]) -> BatchItem:
    try:
        return parse()
    except ApiError as error:
        return error


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
    return [
        _item(lambda r=r, i=i: _recipient(r, f"recipients[{i}].", template, options, settings))
        for i, r in enumerate(recipients)
    ]


def _recipient(
    recipient: Any,
    prefix: str,
    template: str,
    options: dict[str, Any],
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
    return MessageRequest(to=number, text=text, **options)
