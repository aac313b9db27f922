"""Routing: which group of modems a destination goes to, and which routes a modem serves.

Pure functions, shared by the API (``route_for`` at enqueue, so a part's route is fixed
when it is accepted) and the pool (``routes_served`` at every claim, so fallback follows
which modems are in service right now).

Rules that hold:
- A body naming a modem goes to the route ``modem:<imei>`` and only that modem takes it.
- Otherwise the ``[[route]]`` with the longest matching ``prefix`` wins; with no prefix
  match, the first ``[[route]]`` whose ``region`` is the number's region (phonenumbers)
  wins; with no match at all the route is the group ``default``.
- A modem serves its own groups and ``modem:<its imei>``. It also serves every group
  whose fallback chain reaches one of its groups through groups that have no modem in
  service (a group with a modem in service keeps its parts; a chain stops at a cycle).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import phonenumbers

from gsmgateway.config import RouteConfig

DEFAULT_GROUP = "default"
MODEM_ROUTE_PREFIX = "modem:"


@dataclass(frozen=True)
class ServingModem:
    """What routing needs to know of a modem: its IMEI and the groups it serves."""

    imei: str
    groups: tuple[str, ...] = (DEFAULT_GROUP,)

    def __post_init__(self) -> None:
        if not self.imei:
            raise ValueError("a serving modem needs its IMEI")
        if not self.groups:
            raise ValueError("a serving modem serves at least one group")


def modem_route(imei: str) -> str:
    """The route of a message pinned by its sender to one modem."""
    return f"{MODEM_ROUTE_PREFIX}{imei}"


def region_of(number: str) -> str | None:
    """The ISO 3166 region of an E.164 number, or None when phonenumbers cannot tell."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.region_code_for_number(parsed)


def route_for(number: str, routes: Sequence[RouteConfig], *, modem: str | None = None) -> str:
    """The route of a message to ``number`` (E.164 with ``+``); ``modem`` is an IMEI."""
    if modem:
        return modem_route(modem)
    best: RouteConfig | None = None
    for route in routes:
        if (
            route.prefix
            and number.startswith(route.prefix)
            and (best is None or len(route.prefix) > len(best.prefix))
        ):
            best = route
    if best is not None:
        return best.group
    if any(route.region for route in routes):
        region = region_of(number)
        for route in routes:
            if route.region and route.region == region:
                return route.group
    return DEFAULT_GROUP


def groups_in_service(modems_in_service: Iterable[ServingModem]) -> frozenset[str]:
    """Every group at least one of these modems serves."""
    return frozenset(group for modem in modems_in_service for group in modem.groups)


def routes_served(
    modem: ServingModem,
    modems_in_service: Collection[ServingModem],
    routes: Sequence[RouteConfig],
) -> list[str]:
    """The routes ``modem`` may claim parts of now, its own groups first (sorted after)."""
    staffed = groups_in_service(modems_in_service) | set(modem.groups)
    fallbacks: dict[str, set[str]] = {}
    for route in routes:
        if route.fallback and route.fallback != route.group:
            fallbacks.setdefault(route.group, set()).add(route.fallback)
    served = list(dict.fromkeys(modem.groups))
    own = set(modem.groups)
    extra = sorted(
        group
        for group in fallbacks
        if group not in own
        and group not in staffed
        and _falls_back_to(group, own, fallbacks, staffed)
    )
    return [*served, *extra, modem_route(modem.imei)]


def _falls_back_to(
    group: str, targets: set[str], fallbacks: dict[str, set[str]], staffed: Collection[str]
) -> bool:
    """True when a fallback chain from the unstaffed ``group`` reaches one of ``targets``.

    The chain passes only through unstaffed groups: a staffed intermediate takes the
    parts itself (its own modems serve its fallers), so it ends the search there.
    """
    seen = {group}
    frontier = [group]
    while frontier:
        current = frontier.pop()
        for nxt in fallbacks.get(current, ()):
            if nxt in targets:
                return True
            if nxt in seen or nxt in staffed:
                continue
            seen.add(nxt)
            frontier.append(nxt)
    return False
