"""Both backends implement exactly the Store protocol: same methods, same signatures."""

from __future__ import annotations

import inspect

import pytest

from gsmgateway.store import Store
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
