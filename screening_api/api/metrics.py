"""Prometheus metrics of one app, in a registry of its own (two apps never share counters)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from screening_api.api.schemas import ProblemDetails
from screening_api.api.snapshot import ReloadTrigger, Snapshot
from screening_api.decision import Decision

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Requests, latency, decisions by level and pathway, reloads and the ruleset serving."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "screening_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ("route", "method", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "screening_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ("route", "method"),
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.decisions = Counter(
            "screening_decisions",
            "Decisions made, by overall level and primary pathway.",
            ("level", "primary_pathway"),
            registry=self.registry,
        )
        self.refusals = Counter(
            "screening_refusals",
            "Referrals refused before screening, by problem type.",
            ("problem",),
            registry=self.registry,
        )
        self.reloads = Counter(
            "screening_rules_reloads",
            "Rules reloads attempted, by trigger and outcome (success or failure).",
            ("trigger", "outcome"),
            registry=self.registry,
        )
        self.ruleset = Gauge(
            "screening_ruleset_info",
            "The ruleset serving now (value 1), named by id, version and SHA-256.",
            ("id", "version", "sha256"),
            registry=self.registry,
        )

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    def observe_decision(self, decision: Decision) -> None:
        self.decisions.labels(str(decision.outcome.level), decision.primary_pathway).inc()

    def refused(self, problem: ProblemDetails) -> None:
        self.refusals.labels(problem.type.rsplit("/", 1)[-1]).inc()

    def observe_reload(self, trigger: ReloadTrigger, succeeded: bool) -> None:
        self.reloads.labels(str(trigger), "success" if succeeded else "failure").inc()

    def serving(self, snapshot: Snapshot) -> None:
        ruleset = snapshot.ruleset
        self.ruleset.clear()
        self.ruleset.labels(ruleset.id, ruleset.version, ruleset.sha256).set(1)

    def render(self) -> bytes:
        return generate_latest(self.registry)
