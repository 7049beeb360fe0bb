"""Access logs: request id, route, status, latency; no referral content or identifiers."""

from __future__ import annotations

from pydantic import SecretStr

from screening_api.api.logs import logging_config, pseudonymise
from tests.api.conftest import LogLines, TestClient, child_referral, make_app

NARRATIVE = "Found at the station with a large amount of cash."


def test_one_json_line_per_request_with_route_status_and_latency(
    client: TestClient, logs: LogLines
) -> None:
    response = client.get("/v1/rules/CCE-001")

    [entry] = logs.entries("request")
    assert entry["request_id"] == response.headers["x-request-id"]
    assert entry["route"] == "/v1/rules/{rule_id}"
    assert (entry["method"], entry["status"]) == ("GET", 200)
    assert entry["duration_ms"] >= 0
    assert entry["logger"] == "screening_api.api.access"
    assert entry["level"] == "info"


def test_a_screening_is_logged_by_outcome_never_by_content(
    client: TestClient, logs: LogLines
) -> None:
    decision = client.post("/v1/screen", json=child_referral(referral_id="REF-77")).json()

    [entry] = logs.entries("request")
    assert entry["decision_id"] == decision["decision_id"]
    assert entry["concern_level"] == "significant"
    assert entry["primary_pathway"] == "mace_panel"
    assert entry["fired"] == 1
    assert "referral_ref" not in entry
    assert "REF-77" not in logs.text
    assert NARRATIVE not in logs.text
    assert "found_out_of_area" not in logs.text


def test_referral_ids_are_pseudonymised_with_the_configured_key(logs: LogLines) -> None:
    with TestClient(make_app(pseudonym_key=SecretStr("k" * 32))) as client:
        client.post("/v1/screen", json=child_referral(referral_id="REF-77"))

    [entry] = logs.entries("request")
    assert entry["referral_ref"] == pseudonymise("k" * 32, "REF-77")
    assert "REF-77" not in logs.text
    assert "k" * 32 not in logs.text


def test_pseudonyms_are_keyed() -> None:
    assert pseudonymise("one", "REF-1") == pseudonymise("one", "REF-1")
    assert pseudonymise("one", "REF-1") != pseudonymise("two", "REF-1")
    assert len(pseudonymise("one", "REF-1")) == 24


def test_a_batch_is_logged_by_counts(client: TestClient, logs: LogLines) -> None:
    items = [child_referral(), child_referral(subject={"kind": "child", "age_years": 99})]
    client.post("/v1/screen/batch", json={"referrals": items})

    [entry] = logs.entries("request")
    assert (entry["batch"], entry["screened"], entry["refused"]) == (2, 1, 1)


def test_the_callers_request_id_is_kept_when_it_is_a_plain_token(client: TestClient) -> None:
    kept = client.get("/healthz", headers={"X-Request-ID": "mosaic-7f3a9c21"})
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})

    assert kept.headers["x-request-id"] == "mosaic-7f3a9c21"
    assert replaced.headers["x-request-id"] != "<script>alert(1)</script>"
    assert len(replaced.headers["x-request-id"]) == 32


def test_uvicorn_access_lines_are_off_and_everything_else_is_json() -> None:
    config = logging_config("warning")

    assert config["loggers"]["uvicorn.access"]["handlers"] == []
    assert config["loggers"]["screening_api"]["level"] == "WARNING"
    assert config["handlers"]["stderr"]["formatter"] == "json"
