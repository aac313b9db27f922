"""Fixtures: every contract test runs against each store backend on real storage."""

from __future__ import annotations

import pytest

from gsmgateway.store import EndpointSubscription
from gsmgateway.store.memory import MemoryStore

ENDPOINTS = (
    EndpointSubscription("hook"),
    EndpointSubscription("status-only", frozenset({"message.status"})),
)

BACKENDS = ["memory", "sqlite"]


@pytest.fixture(params=BACKENDS)
async def make_store(request, tmp_path):
    """A factory of stores of one backend; every store made is closed afterwards."""
    made = []

    async def make(endpoints=ENDPOINTS, name="gateway.db"):
        if request.param == "memory":
            store = MemoryStore(endpoints=endpoints)
        else:
            from gsmgateway.store.sqlite import SqliteStore

            store = await SqliteStore.open(tmp_path / name, endpoints=endpoints)
        made.append(store)
        return store

    make.backend = request.param
    yield make
    for store in made:
        await store.close()


@pytest.fixture
async def store(make_store):
    return await make_store()
