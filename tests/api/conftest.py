"""Fixtures: the API app on a real loopback server, with a store and a fake pool."""

from __future__ import annotations

import pytest

from gsmgateway.api import ApiKeys, ApiSettings, create_app, hash_key
from gsmgateway.api.validation import NumberPolicy
from gsmgateway.store.memory import MemoryStore
from tests.helpers.fake_pool import FakePool, snapshot

KEY = "test-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
SETTINGS = ApiSettings(policy=NumberPolicy(default_region="GB"))
T0 = 1_700_000_000.0


class Clock:
    """A clock the test moves."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def pool():
    return FakePool([snapshot()])


@pytest.fixture
async def make_client(aiohttp_client, clock, pool):
    """A factory: an app with these settings and this store, and a client of it."""
    stores = []

    async def make(settings=SETTINGS, store=None, the_pool=None):
        store = store if store is not None else MemoryStore()
        stores.append(store)
        app = create_app(
            store,
            ApiKeys(frozenset({hash_key(KEY)})),
            pool=the_pool if the_pool is not None else pool,
            settings=settings,
            clock=clock,
        )
        client = await aiohttp_client(app, server_kwargs={"host": "127.0.0.1"})
        client.store = store
        return client

    yield make
    for store in stores:
        await store.close()


@pytest.fixture
async def client(make_client):
    return await make_client()
