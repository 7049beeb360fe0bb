"""Screening over HTTP: one referral, a batch, validation errors that name the field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from screening_api import Decision, Referral, load_ruleset, screen
from screening_api.api import Settings, create_app
from screening_api.api.problems import PROBLEM_BASE
from tests.api.conftest import DECISION_ID, MINI, NOW, TestClient, child_referral, referral_data

VALIDATION = PROBLEM_BASE + "validation-error"


def test_screen_answers_the_cores_decision_stamped_with_id_and_time(client: TestClient) -> None:
    response = client.post("/v1/screen", json=child_referral())

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    decision = Decision.model_validate_json(response.content)
    expected = screen(Referral.model_validate(child_referral()), load_ruleset(MINI))
    assert decision.decision_id == DECISION_ID
    assert decision.screened_at == NOW
    assert decision.model_copy(update={"decision_id": None, "screened_at": None}) == expected
    assert [flag.rule_id for flag in decision.flags] == ["CCE-001"]
    assert decision.primary_pathway == "mace_panel"


def test_as_of_defaults_to_todays_date_in_the_service_time_zone(client: TestClient) -> None:
    data = child_referral()
    del data["as_of"]

    decision = client.post("/v1/screen", json=data).json()

    assert decision["as_of"] == "2026-06-02"  # 23:30 UTC on 1 June is 2 June in London
    assert decision["screened_at"] == "2026-06-01T23:30:00Z"


def test_as_of_from_the_referral_wins(client: TestClient) -> None:
    decision = client.post("/v1/screen", json=child_referral(as_of="2025-12-31")).json()

    assert decision["as_of"] == "2025-12-31"
    assert decision["flags"] == []  # CCE-001 takes effect on 2026-01-01


def test_explain_full_lists_the_rules_that_did_not_fire(client: TestClient) -> None:
    summary = client.post("/v1/screen", json=child_referral()).json()
    full = client.post("/v1/screen?explain=full", json=child_referral()).json()

    assert summary["not_fired"] is None
    assert {trace["rule_id"] for trace in full["not_fired"]} == {"CCE-002", "MIS-001"}


def test_unknown_explain_value_is_a_validation_problem(client: TestClient) -> None:
    response = client.post("/v1/screen?explain=everything", json=child_referral())

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == VALIDATION
    assert [e["field"] for e in problem["errors"]] == ["query.explain"]


def test_validation_error_names_the_field_path_and_never_the_value(client: TestClient) -> None:
    data = child_referral(subject={"kind": "child", "age_years": 31337})

    response = client.post("/v1/screen", json=data)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == VALIDATION
    assert problem["title"] == "The request failed validation"
    assert problem["errors"] == [
        {
            "field": "subject.age_years",
            "message": "Input should be less than or equal to 25",
            "code": "less_than_equal",
        }
    ]
    assert problem["detail"] == "subject.age_years: Input should be less than or equal to 25"
    assert problem["request_id"] == response.headers["x-request-id"]
    assert problem["instance"] == "/v1/screen"
    assert "31337" not in response.text
    assert "Found at the station" not in response.text


def test_every_problem_is_listed_with_list_indices_in_the_path(client: TestClient) -> None:
    data = child_referral(
        referral_id="has spaces",
        contexts={"places": [{"type": "park"}, {"type": "moon"}]},
    )

    problem = client.post("/v1/screen", json=data).json()

    assert [(e["field"], e["code"]) for e in problem["errors"]] == [
        ("referral_id", "string_pattern_mismatch"),
        ("contexts.places[1].type", "enum"),
    ]
    assert "has spaces" not in str(problem)
    assert "moon" not in str(problem)


def test_unknown_fields_are_refused_by_name(client: TestClient) -> None:
    data = child_referral()
    data["subject"] = {"kind": "child", "first_name": "Alice"}

    problem = client.post("/v1/screen", json=data).json()

    assert problem["errors"] == [
        {
            "field": "subject.first_name",
            "message": "Extra inputs are not permitted",
            "code": "extra_forbidden",
        }
    ]
    assert "Alice" not in str(problem)


def test_a_field_name_that_is_not_a_plain_name_is_not_echoed(client: TestClient) -> None:
    data = child_referral()
    data["Jane Doe, 12 Acacia Avenue"] = True

    problem = client.post("/v1/screen", json=data).json()

    assert [e["field"] for e in problem["errors"]] == ["*"]
    assert "Jane" not in str(problem)


def test_unknown_indicator_code_is_refused_by_the_core_with_its_field(client: TestClient) -> None:
    data = child_referral(indicators={"found_out_of_aera": {"status": "present"}})

    response = client.post("/v1/screen", json=data)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "indicators.found_out_of_aera",
            "message": "unknown indicator code 'found_out_of_aera': it is not in the indicator "
            "catalogue (did you mean 'found_out_of_area'?)",
        }
    ]


def test_batch_answers_each_item_in_order_and_a_bad_item_sinks_no_other(
    client: TestClient,
) -> None:
    items = [
        child_referral(referral_id="A"),
        child_referral(referral_id="B", subject={"kind": "child", "age_years": 40}),
        referral_data(referral_id="C", as_of="2026-06-01"),
        child_referral(referral_id="D", indicators={"no_such_code": {"status": "present"}}),
        "not an object",
    ]

    response = client.post("/v1/screen/batch", json={"referrals": items})

    assert response.status_code == 200
    body = response.json()
    assert [(r["index"], r["status"]) for r in body["results"]] == [
        (0, 200),
        (1, 422),
        (2, 200),
        (3, 422),
        (4, 422),
    ]
    assert body["results"][0]["decision"]["referral_id"] == "A"
    assert body["results"][2]["decision"]["primary_pathway"] == "usual_front_door"
    assert body["results"][1]["problem"]["errors"][0]["field"] == "subject.age_years"
    assert body["results"][3]["problem"]["errors"][0]["field"] == "indicators.no_such_code"
    assert body["results"][4]["problem"]["type"] == VALIDATION
    assert body["summary"] == {"total": 5, "screened": 2, "refused": 3}
    assert body["results"][0]["problem"] is None
    assert body["results"][1]["decision"] is None


def test_batch_explain_comes_from_the_body_or_the_query(client: TestClient) -> None:
    in_body = client.post(
        "/v1/screen/batch", json={"referrals": [child_referral()], "explain": "full"}
    ).json()
    in_query = client.post(
        "/v1/screen/batch?explain=full", json={"referrals": [child_referral()]}
    ).json()
    default = client.post("/v1/screen/batch", json={"referrals": [child_referral()]}).json()

    assert in_body["results"][0]["decision"]["not_fired"] is not None
    assert in_query["results"][0]["decision"]["not_fired"] is not None
    assert default["results"][0]["decision"]["not_fired"] is None


def test_batch_envelope_is_validated(client: TestClient) -> None:
    empty = client.post("/v1/screen/batch", json={"referrals": []})
    stray = client.post("/v1/screen/batch", json={"referrals": [child_referral()], "x": 1})

    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "referrals"
    assert stray.status_code == 422
    assert stray.json()["errors"][0]["field"] == "x"


def test_decisions_are_the_same_through_batch_and_single(client: TestClient) -> None:
    single = client.post("/v1/screen", json=child_referral()).json()
    batch = client.post("/v1/screen/batch", json={"referrals": [child_referral()]}).json()

    assert batch["results"][0]["decision"] == single


def test_a_child_judged_before_the_rules_take_effect_gets_no_flags(client: TestClient) -> None:
    decision = client.post("/v1/screen", json=child_referral(as_of="2020-01-01")).json()

    assert date.fromisoformat(decision["as_of"]) == date(2020, 1, 1)
    assert decision["outcome"]["level"] == "none"


@pytest.mark.parametrize("name", ["referral-child.json", "referral-context.json"])
def test_the_example_referrals_screen_on_the_bundled_rules(name: str) -> None:
    example = Path(__file__).parents[2] / "examples" / name
    with TestClient(create_app(Settings.model_construct())) as client:
        response = client.post(
            "/v1/screen", content=example.read_bytes(), headers={"Content-Type": "application/json"}
        )

    assert response.status_code == 200, response.text
    decision = response.json()
    assert decision["provenance"]["ruleset_sha256"] == load_ruleset().sha256
    assert decision["outcome"]["extra_familial_harm_indicated"] is True
