"""The API's Prometheus metrics: requests, latency, and each log reader's lag, step age
and lease, refreshed when /metrics is read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

if TYPE_CHECKING:
    from api.deps import AppState


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "thidua_http_requests",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "thidua_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
        )
        self.projection_lag = Gauge(
            "thidua_projection_lag_events",
            "events a projection is behind",
            ["projection"],
            registry=self.registry,
        )
        self.relay_lag = Gauge(
            "thidua_relay_lag_events", "events the relay is behind", registry=self.registry
        )

        self.step_age = Gauge(
            "thidua_reader_step_age_seconds",
            "seconds since a reader's lease holder last committed a step",
            ["reader"],
            registry=self.registry,
        )
        self.lease_losses = Gauge(
            "thidua_reader_lease_losses",
            "times a reader's lease lapsed under its holder (counted in the database)",
            ["reader"],
            registry=self.registry,
        )
        self.lease_held = Gauge(
            "thidua_reader_lease_held",
            "1 while some process holds the reader's lease",
            ["reader"],
            registry=self.registry,
        )

    def refresh_lag(self, app: AppState) -> None:
        for reader in app.runner.readers():
            if reader.name == "relay":
                self.relay_lag.set(reader.behind)
            else:
                self.projection_lag.labels(reader.name).set(reader.behind)
            if reader.step_age_seconds is not None:
                self.step_age.labels(reader.name).set(reader.step_age_seconds)
            self.lease_losses.labels(reader.name).set(reader.lease_losses)
            self.lease_held.labels(reader.name).set(1 if reader.held else 0)
