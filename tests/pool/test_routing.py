"""Routing: destination -> group at enqueue, and the routes a modem claims (with fallback)."""

from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.config import RouteConfig
from gsmgateway.pool.routing import (
    DEFAULT_GROUP,
    ServingModem,
    modem_route,
    region_of,
    route_for,
    routes_served,
)

GERMANY = RouteConfig(group="de", prefix="+49")
GERMAN_MOBILE = RouteConfig(group="de-mobile", prefix="+4915", fallback="de")
FRANCE = RouteConfig(group="fr", region="FR", fallback="default")
US = RouteConfig(group="us", region="US")


def test_no_route_goes_to_default():
    assert route_for("+4915112345678", ()) == DEFAULT_GROUP
    assert route_for("+33612345678", (GERMANY,)) == DEFAULT_GROUP


def test_longest_prefix_wins_whatever_the_order():
    assert route_for("+4915112345678", (GERMANY, GERMAN_MOBILE)) == "de-mobile"
    assert route_for("+4915112345678", (GERMAN_MOBILE, GERMANY)) == "de-mobile"
    assert route_for("+4930123456", (GERMAN_MOBILE, GERMANY)) == "de"


def test_region_comes_from_phonenumbers():
    assert region_of("+33612345678") == "FR"
    assert region_of("+12025550123") == "US"
    assert region_of("not a number") is None
    assert route_for("+33612345678", (GERMANY, FRANCE)) == "fr"
    # +1 is shared by the US and Canada: the region tells them apart, a prefix cannot.
    assert route_for("+12025550123", (US,)) == "us"
    assert route_for("+14165550123", (US,)) == DEFAULT_GROUP


def test_a_prefix_match_beats_a_region_match():
    routes = (FRANCE, RouteConfig(group="fr-special", prefix="+336"))
    assert route_for("+33612345678", routes) == "fr-special"
    assert route_for("+33123456789", routes) == "fr"


def test_a_named_modem_is_its_own_route():
    assert route_for("+4915112345678", (GERMANY,), modem="356938035643809") == (
        "modem:356938035643809"
    )
    assert modem_route("1") == "modem:1"


A = ServingModem("111111111111111", ("de",))
B = ServingModem("222222222222222", ("default",))
C = ServingModem("333333333333333", ("de-mobile",))


def test_a_modem_serves_its_groups_and_its_own_route():
    assert routes_served(A, [A, B], ()) == ["de", "modem:111111111111111"]


def test_fallback_only_while_the_group_has_no_modem_in_service():
    routes = (GERMANY, GERMAN_MOBILE, FRANCE)
    # de-mobile has no modem in service: its parts fall back to de, i.e. to A.
    assert routes_served(A, [A, B], routes) == ["de", "de-mobile", "modem:111111111111111"]
    # Once C (de-mobile) is in service, A no longer takes them.
    assert routes_served(A, [A, B, C], routes) == ["de", "modem:111111111111111"]
    # fr has no modem at all: its parts go to default, i.e. to B.
    assert routes_served(B, [A, B, C], routes) == ["default", "fr", "modem:222222222222222"]


def test_fallback_chains_pass_through_empty_groups_and_stop_at_staffed_ones():
    routes = (
        RouteConfig(group="x", prefix="+1", fallback="y"),
        RouteConfig(group="y", prefix="+2", fallback="default"),
    )
    # x -> y -> default: with nobody on y, B (default) takes x and y.
    assert routes_served(B, [B], routes) == ["default", "x", "y", "modem:222222222222222"]
    # With a modem on y, x's parts go to y's modem, not further.
    y_modem = ServingModem("444444444444444", ("y",))
    assert routes_served(B, [B, y_modem], routes) == ["default", "modem:222222222222222"]
    assert routes_served(y_modem, [B, y_modem], routes)[:2] == ["y", "x"]


def test_fallback_cycles_end():
    routes = (
        RouteConfig(group="x", prefix="+1", fallback="y"),
        RouteConfig(group="y", prefix="+2", fallback="x"),
    )
    assert routes_served(B, [B], routes) == ["default", "modem:222222222222222"]


groups = st.sampled_from(["default", "a", "b", "c", "d"])


@st.composite
def route_sets(draw):
    count = draw(st.integers(0, 6))
    routes = []
    for index in range(count):
        group = draw(groups)
        fallback = draw(st.one_of(st.just(""), groups))
        routes.append(RouteConfig(group=group, prefix=f"+{index + 1}", fallback=fallback))
    return tuple(routes)


@st.composite
def modem_sets(draw):
    count = draw(st.integers(1, 4))
    return [
        ServingModem(f"{index:015d}", tuple(draw(st.sets(groups, min_size=1))))
        for index in range(count)
    ]


@given(route_sets(), modem_sets())
def test_every_route_of_a_modem_is_its_group_its_imei_or_an_unstaffed_fallback(routes, modems):
    staffed = {group for modem in modems for group in modem.groups}
    for modem in modems:
        served = routes_served(modem, modems, routes)
        assert served[-1] == modem_route(modem.imei)
        assert len(served) == len(set(served))
        for route in served[:-1]:
            assert route in modem.groups or route not in staffed


@given(route_sets(), modem_sets())
def test_a_staffed_group_is_served_only_by_its_own_modems(routes, modems):
    for modem in modems:
        served = set(routes_served(modem, modems, routes))
        for other in modems:
            for group in other.groups:
                if group in served:
                    assert group in modem.groups


@given(route_sets(), modem_sets())
def test_an_unstaffed_group_with_a_fallback_reaching_a_modem_is_served(routes, modems):
    staffed = {group for modem in modems for group in modem.groups}
    for route in routes:
        if route.group in staffed or route.fallback not in staffed:
            continue
        servers = [m for m in modems if route.group in routes_served(m, modems, routes)]
        assert servers, f"{route.group} falls back to staffed {route.fallback} but nobody serves it"
