"""All modems: discovery by IMEI, hot-plug, recovery and quarantine, and scheduling.

What the service and the API use::

    pool = Pool(config, store, clock=time.time, extra_ports=sim_network.ports)
    await pool.start()          # store recovery, then discovery and sending
    pool.modems()               # [ModemSnapshot] for GET /v1/modems (.to_json())
    pool.ready                  # at least one modem in service (/healthz readiness)
    pool.latency.snapshot()     # send latency histogram for /metrics
    await pool.stop(grace=8.0)  # parts in AT+CMGS finish, unsent claims go back

``route_for`` is the routing rule the API applies at enqueue; the pool applies
``routes_served`` at every claim. The decision modules (routing, quotas, recovery,
scheduling, discovery, concat_refs) are pure and take ``now``.
"""

from gsmgateway.pool.metrics import HistogramSnapshot, LatencyHistogram
from gsmgateway.pool.pool import Pool, PoolTuning
from gsmgateway.pool.quotas import SendBudget, SendLimits
from gsmgateway.pool.recovery import RecoveryLadder, RecoveryPolicy, RecoveryStep
from gsmgateway.pool.routing import (
    DEFAULT_GROUP,
    ServingModem,
    modem_route,
    region_of,
    route_for,
    routes_served,
)
from gsmgateway.pool.scheduling import RetryPolicy
from gsmgateway.pool.status import ModemCounters, ModemSnapshot, ModemState

__all__ = [
    "DEFAULT_GROUP",
    "HistogramSnapshot",
    "LatencyHistogram",
    "ModemCounters",
    "ModemSnapshot",
    "ModemState",
    "Pool",
    "PoolTuning",
    "RecoveryLadder",
    "RecoveryPolicy",
    "RecoveryStep",
    "RetryPolicy",
    "SendBudget",
    "SendLimits",
    "ServingModem",
    "modem_route",
    "region_of",
    "route_for",
    "routes_served",
]
