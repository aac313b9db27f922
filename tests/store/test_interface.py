"""Both backends implement exactly the Store protocol: same methods, same signatures."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from gsmgateway.store import NewMessage, Store
from gsmgateway.store.memory import MemoryStore
from gsmgateway.store.sqlite import SqliteStore
from tests.helpers.store_values import new_message

PROTOCOL_METHODS = sorted(
    name for name, member in vars(Store).items() if callable(member) and not name.startswith("_")
)


def parameters(function):
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("backend", [MemoryStore, SqliteStore])
@pytest.mark.parametrize("name", PROTOCOL_METHODS)
def test_backend_signatures_match_the_protocol(backend, name):
    method = getattr(backend, name)
    assert parameters(method) == parameters(getattr(Store, name))
    assert inspect.iscoroutinefunction(method) == inspect.iscoroutinefunction(getattr(Store, name))
    assert method.__doc__, f"{backend.__name__}.{name} has no docstring"


async def test_both_backends_are_stores(make_store):
    store = await make_store()
    assert isinstance(store, Store)
    assert (await store.enqueue([new_message()])).ids


def test_new_message_parameters_are_its_fields_in_order_with_their_defaults():
    # NewMessage sets its fields in its own __init__ (one dict, not a setattr per field).
    fields = [
        (f.name, f.default if f.default is not dataclasses.MISSING else inspect.Parameter.empty)
        for f in dataclasses.fields(NewMessage)
    ]
    signature = inspect.signature(NewMessage.__init__).parameters.values()
    assert [(p.name, p.default) for p in signature][1:] == fields


def test_new_message_is_a_frozen_value_validated_on_construction():
    message = new_message()
    assert message == new_message() and hash(message) == hash(new_message())
    assert dataclasses.replace(message, to="+441234").to == "+441234"
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.to = "+441234"  # type: ignore[misc]
    for bad in (
        {"to": ""},
        {"segments": ()},
        {"route": ""},
        {"concat_ref_bits": 12},
        {"created_at": float("nan")},
        {"created_at": "now"},
        {"send_at": float("inf")},
        {"expires_at": float("-inf")},
    ):
        with pytest.raises(ValueError):
            dataclasses.replace(message, **bad)
