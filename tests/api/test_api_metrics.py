"""Prometheus metrics: requests, latency, decisions by level and pathway, the ruleset serving."""

from __future__ import annotations

from pathlib import Path

from screening_api import load_ruleset
from tests.api.conftest import MINI, TestClient, child_referral, make_app, metric, referral_data


def test_metrics_count_requests_decisions_and_refusals(client: TestClient) -> None:
    client.post("/v1/screen", json=child_referral())
    client.post("/v1/screen", json=child_referral())
    client.post("/v1/screen", json=referral_data(as_of="2026-06-01"))
    client.post("/v1/screen", json=child_referral(subject={"kind": "child", "age_years": 99}))
    client.get("/v1/rules/CCE-001")
    response = client.get("/metrics")

    text = response.text
    assert response.headers["content-type"].startswith("text/plain")
    decisions = "screening_decisions_total"
    assert metric(text, decisions, level="significant", primary_pathway="mace_panel") == 2.0
    assert metric(text, decisions, level="none", primary_pathway="usual_front_door") == 1.0
    assert metric(text, "screening_refusals_total", problem="validation-error") == 1.0
    requests = "screening_http_requests_total"
    assert metric(text, requests, route="/v1/screen", method="POST", status="200") == 3.0
    assert metric(text, requests, route="/v1/screen", method="POST", status="422") == 1.0
    assert metric(text, requests, route="/v1/rules/{rule_id}", method="GET", status="200") == 1.0
    latency = "screening_http_request_duration_seconds_count"
    assert metric(text, latency, route="/v1/screen", method="POST") == 4.0


def test_the_ruleset_serving_is_a_labelled_gauge(mini_copy: Path) -> None:
    with TestClient(make_app(rules_dir=mini_copy)) as client:
        before = client.get("/metrics").text
        manifest = mini_copy / "ruleset.yaml"
        manifest.write_text(manifest.read_text().replace("1.0.0", "1.2.0"), encoding="utf-8")
        client.post("/v1/admin/reload")
        after = client.get("/metrics").text

    old = load_ruleset(MINI).sha256
    new = load_ruleset(mini_copy).sha256
    gauge = "screening_ruleset_info"
    assert metric(before, gauge, id="mini", version="1.0.0", sha256=old) == 1.0
    assert metric(after, gauge, id="mini", version="1.2.0", sha256=new) == 1.0
    assert metric(after, gauge, id="mini", version="1.0.0", sha256=old) is None


def test_two_apps_keep_their_own_counts() -> None:
    with TestClient(make_app()) as first, TestClient(make_app()) as second:
        first.post("/v1/screen", json=child_referral())
        text = second.get("/metrics").text

    assert (
        metric(text, "screening_decisions_total", level="significant", primary_pathway="mace_panel")
        is None
    )
