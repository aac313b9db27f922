"""``GET /metrics``: Prometheus metrics of the queue, the modems, webhooks and the API.

A registry of our own (never the process-global one, so two apps in one process, as in
tests, do not collide). Gauges are read at scrape time: the store's counters (queued
parts by priority, parts by state and modem, webhook backlog) are fetched by the
handler and handed to ``GatewayCollector.scrape``; the pool's snapshots and latency
histogram are read synchronously there. Nothing here is sensitive: no numbers, texts
or keys, only modem IMEIs, states and counts.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from gsmgateway.api.pool_view import PoolView
from gsmgateway.store.interface import StoreMetrics

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class GatewayCollector(Collector):
    """Collects the gauges of one scrape from the store's metrics and the pool."""

    def __init__(
        self,
        pool: PoolView,
        webhook_stats: Callable[[], Mapping[tuple[str, str], int]],
        requests: Mapping[tuple[str, int], int],
    ) -> None:
        self._pool = pool
        self._webhook_stats = webhook_stats
        self._requests = requests
        self._store: StoreMetrics | None = None

    def set_store_metrics(self, metrics: StoreMetrics) -> None:
        """The store's counters for the scrape about to be collected."""
        self._store = metrics

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily]:
        """Every metric family of the gateway."""
        yield from self._store_families()
        yield from self._modem_families()
        deliveries = CounterMetricFamily(
            "gsmgateway_webhook_deliveries",
            "Webhook delivery attempts since start, by endpoint and result",
            labels=["endpoint", "result"],
        )
        for (endpoint, result), count in sorted(self._webhook_stats().items()):
            deliveries.add_metric([endpoint, result], count)
        yield deliveries
        requests = CounterMetricFamily(
            "gsmgateway_http_requests",
            "HTTP requests answered, by route and status",
            labels=["route", "status"],
        )
        for (route, status), count in sorted(self._requests.items()):
            requests.add_metric([route, str(status)], count)
        yield requests

    def _store_families(self) -> Iterator[GaugeMetricFamily]:
        store = self._store
        queued = GaugeMetricFamily(
            "gsmgateway_queued_parts", "Parts waiting to be sent, by priority", labels=["priority"]
        )
        parts = GaugeMetricFamily(
            "gsmgateway_parts",
            "Parts in the store by state and modem (modem empty when none holds it)",
            labels=["state", "modem"],
        )
        backlog = GaugeMetricFamily(
            "gsmgateway_webhook_backlog", "Webhook events not yet acknowledged"
        )
        if store is not None:
            for priority, count in sorted(
                store.queued_parts_by_priority.items(), key=lambda item: item[0].rank
            ):
                queued.add_metric([priority.value], count)
            for (state, modem), count in sorted(
                store.parts_by_state_and_modem.items(),
                key=lambda item: (item[0][0].value, item[0][1]),
            ):
                parts.add_metric([state.value, modem], count)
            backlog.add_metric([], store.outbox_pending)
        yield queued
        yield parts
        yield backlog

    def _modem_families(
        self,
    ) -> Iterator[GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily]:
        snapshots = list(self._pool.modems())
        families = {
            "sent": CounterMetricFamily(
                "gsmgateway_modem_parts_sent",
                "Parts the network accepted (+CMGS), by modem",
                labels=["modem"],
            ),
            "failed": CounterMetricFamily(
                "gsmgateway_modem_parts_failed", "Parts failed for good, by modem", labels=["modem"]
            ),
            "delivered": CounterMetricFamily(
                "gsmgateway_modem_parts_delivered",
                "Status reports saying delivered, by modem",
                labels=["modem"],
            ),
        }
        signal = GaugeMetricFamily(
            "gsmgateway_modem_signal_dbm", "Received signal strength in dBm", labels=["modem"]
        )
        state = GaugeMetricFamily(
            "gsmgateway_modem_state", "1 for the state each modem is in", labels=["modem", "state"]
        )
        in_service = GaugeMetricFamily("gsmgateway_modems_in_service", "Modems taking parts now")
        for snapshot in snapshots:
            counters = snapshot.counters
            families["sent"].add_metric([snapshot.id], counters.sent)
            families["failed"].add_metric([snapshot.id], counters.failed)
            families["delivered"].add_metric([snapshot.id], counters.delivered)
            if snapshot.signal_dbm is not None:
                signal.add_metric([snapshot.id], snapshot.signal_dbm)
            state.add_metric([snapshot.id, snapshot.state.value], 1)
        in_service.add_metric([], sum(1 for snapshot in snapshots if snapshot.in_service))
        yield from families.values()
        yield signal
        yield state
        yield in_service
        latency = self._pool.latency.snapshot()
        buckets = [
            (_bound(bound), count)
            for bound, count in zip(
                (*latency.buckets, float("inf")), latency.cumulative, strict=True
            )
        ]
        yield HistogramMetricFamily(
            "gsmgateway_send_latency_seconds",
            "Time from AT+CMGS to the network's +CMGS answer",
            buckets=buckets,
            sum_value=latency.total,
        )


def _bound(value: float) -> str:
    return "+Inf" if value == float("inf") else repr(float(value))


class ApiMetrics:
    """The registry of one app: the gateway collector and the HTTP request counts."""

    def __init__(
        self,
        pool: PoolView,
        webhook_stats: Callable[[], Mapping[tuple[str, str], int]] = dict,
    ) -> None:
        # Plain counts, bumped on the event loop only: a prometheus Counter takes a lock
        # per increment, a measurable share of a request.
        self.requests: collections.Counter[tuple[str, int]] = collections.Counter()
        self.registry = CollectorRegistry(auto_describe=False)
        self.collector = GatewayCollector(pool, webhook_stats, self.requests)
        self.registry.register(self.collector)

    def render(self, store: StoreMetrics | None) -> bytes:
        """The text exposition format of every metric."""
        if store is not None:
            self.collector.set_store_metrics(store)
        return generate_latest(self.registry)
