"""Bearer API keys: hashing, constant-time checking, and where the accepted keys come from.

Keys are never stored or logged, only ``sha256:`` + the hex SHA-256 of the key (the form
``[api] key_hashes`` takes). Accepted keys are the config's hashes, the hash of
``$GSMGATEWAY_API_KEY``, and those the store holds; with none of them, a key is created,
its hash stored, and the key itself handed back once so that ``serve`` can print it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gsmgateway.store.interface import Store

API_KEY_VARIABLE = "GSMGATEWAY_API_KEY"
HASH_PREFIX = "sha256:"
_BEARER = "bearer "


def hash_key(key: str) -> str:
    """The stored form of an API key: ``sha256:`` and 64 lowercase hex digits."""
    # surrogateescape: header bytes that are not UTF-8 reach us as lone surrogates.
    return HASH_PREFIX + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def new_key() -> str:
    """A fresh random API key (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class ApiKeys:
    """The hashes of the accepted keys."""

    def __init__(self, hashes: frozenset[str]) -> None:
        self.hashes = frozenset(hashes)
        # The last header value accepted: most clients send one key over and over, and
        # comparing with it (in constant time) spares a SHA-256 per request.
        self._last_accepted: bytes | None = None

    def accepts(self, authorization: str | None) -> bool:
        """True when an ``Authorization: Bearer KEY`` header value names an accepted key.

        Every stored hash is compared (no early exit) with ``hmac.compare_digest``, so the
        time taken does not tell how close a guess came.
        """
        if not authorization:
            return False
        raw = authorization.encode("utf-8", "surrogateescape")
        last = self._last_accepted
        if last is not None and hmac.compare_digest(raw, last):
            return True
        if self._check(authorization):
            self._last_accepted = raw
            return True
        return False

    def add(self, key_hash: str) -> None:
        """Accept one more key (its hash)."""
        self.hashes = self.hashes | {key_hash}

    def _check(self, authorization: str) -> bool:
        if authorization[:7].lower() != _BEARER:
            return False
        key = authorization[7:].strip()
        if not key:
            return False
        presented = hash_key(key)
        found = False
        for stored in self.hashes:
            found |= hmac.compare_digest(presented, stored)
        return found


@dataclass(frozen=True)
class KeySetup:
    """The accepted keys, and the key created at this start (None if none was created)."""

    keys: ApiKeys
    created: str | None = None
    from_environment: bool = False


async def resolve_api_keys(
    config_hashes: Iterable[str],
    environ: Mapping[str, str],
    store: Store,
    *,
    now: float,
    create: bool = True,
) -> KeySetup:
    """Collect the accepted keys; with none at all, create and store one (unless
    ``create`` is False: then call ``create_key_if_none`` once the gateway serves, so that
    a key is never made by a start that fails before it could print it)."""
    hashes = set(config_hashes)
    env_key = environ.get(API_KEY_VARIABLE, "").strip()
    if env_key:
        hashes.add(hash_key(env_key))
    hashes.update(await store.api_key_hashes())
    setup = KeySetup(ApiKeys(frozenset(hashes)), from_environment=bool(env_key))
    if create:
        return await create_key_if_none(setup, store, now=now)
    return setup


async def create_key_if_none(setup: KeySetup, store: Store, *, now: float) -> KeySetup:
    """``setup`` as it is when it has a key, else with a new key stored and accepted."""
    if setup.keys.hashes:
        return setup
    key = new_key()
    await store.add_api_key(hash_key(key), "created at first start", now=now)
    setup.keys.add(hash_key(key))
    return KeySetup(setup.keys, created=key)
