"""The ruleset over HTTP: identity, the rules catalogue, one rule with its source, pathways,
indicators."""

from __future__ import annotations

from screening_api import load_ruleset
from screening_api.api.problems import PROBLEM_BASE
from tests.api.conftest import MINI, NOW, TestClient

MINI_SHA = load_ruleset(MINI).sha256


def test_ruleset_identity_and_size(client: TestClient) -> None:
    info = client.get("/v1/ruleset").json()

    assert info == {
        "id": "mini",
        "version": "1.0.0",
        "sha256": MINI_SHA,
        "title": "A minimal ruleset for the engine's own tests",
        "owner": "screening-api maintainers",
        "description": "Small enough to read in one go; every language feature appears once.",
        "rules": 4,
        "active_rules": 3,
        "candidate_rules": 1,
        "indicators": 5,
        "pathways": 3,
        "warnings": 0,
        "loaded_at": NOW.isoformat().replace("+00:00", "Z"),
    }


def test_rules_catalogue_lists_every_rule_with_its_source(client: TestClient) -> None:
    catalogue = client.get("/v1/rules").json()

    assert catalogue["ruleset"] == {"id": "mini", "version": "1.0.0", "sha256": MINI_SHA}
    assert [r["id"] for r in catalogue["rules"]] == ["CCE-001", "CCE-002", "CCE-009", "MIS-001"]
    first = catalogue["rules"][0]
    assert first["source"] == {"file": "mini/exploitation.yaml", "line": 1}
    assert first["level"] == "significant"
    assert first["effective_from"] == "2026-01-01"


def test_rules_catalogue_filters(client: TestClient) -> None:
    candidates = client.get("/v1/rules", params={"status": "candidate"}).json()["rules"]
    missing = client.get("/v1/rules", params={"domain": "going_missing"}).json()["rules"]
    bad = client.get("/v1/rules", params={"domain": "astrology"})

    assert [r["id"] for r in candidates] == ["CCE-009"]
    assert [r["id"] for r in missing] == ["MIS-001"]
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.domain"


def test_one_rule_whole_with_its_condition_written_as_in_yaml(client: TestClient) -> None:
    rule = client.get("/v1/rules/CCE-002").json()

    assert rule["source"] == {"file": "mini/exploitation.yaml", "line": 25}
    assert rule["rationale"].startswith("Older associates together with repeated missing")
    assert rule["references"][0]["title"] == "Working Together to Safeguard Children 2023"
    assert rule["when"] == {
        "path": "when",
        "at_least": 2,
        "of": [
            {
                "path": "when.of[0]",
                "indicator": "older_associates",
                "source": ["observed", "disclosed"],
            },
            {
                "path": "when.of[1]",
                "indicator": "missing_episodes",
                "count_at_least": 3,
                "within_days": 90,
            },
            {
                "path": "when.of[2]",
                "field": "subject.legal_status",
                "operator": "in",
                "value": ["looked_after"],
            },
        ],
    }
    assert rule["ruleset"]["sha256"] == MINI_SHA


def test_not_and_any_nodes(client: TestClient) -> None:
    when = client.get("/v1/rules/CCE-001").json()["when"]

    assert [list(child)[1] for child in when["all"]] == ["indicator", "any", "not"]
    assert when["all"][1]["any"][1] == {"path": "when.all[1].any[1]", "mentions": "county_lines"}
    assert when["all"][2]["not"] == {
        "path": "when.all[2].not",
        "indicator": "harm_within_family_only",
    }


def test_unknown_rule_is_404_problem(client: TestClient) -> None:
    response = client.get("/v1/rules/CCE-404")

    assert response.status_code == 404
    assert response.json()["type"] == PROBLEM_BASE + "not-found"
    assert response.json()["detail"] == "no rule with that id in the ruleset serving now"


def test_rule_id_with_odd_characters_is_a_validation_problem(client: TestClient) -> None:
    response = client.get("/v1/rules/a%20b")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.rule_id"


def test_pathways_by_priority_with_the_routing_table(client: TestClient) -> None:
    body = client.get("/v1/pathways").json()

    assert [p["id"] for p in body["pathways"]] == [
        "police_immediate",
        "mace_panel",
        "usual_front_door",
    ]
    assert body["routing"] == [
        {
            "id": "urgent",
            "pathway": "police_immediate",
            "fallback": False,
            "when": {"urgent": True},
            "source": {"file": "mini/pathways.yaml", "line": 23},
        },
        {
            "id": "exploitation",
            "pathway": "mace_panel",
            "fallback": False,
            "when": {"domains": ["criminal_exploitation"], "level_at_least": "moderate"},
            "source": {"file": "mini/pathways.yaml", "line": 27},
        },
        {
            "id": "fallback",
            "pathway": "usual_front_door",
            "fallback": True,
            "when": {},
            "source": {"file": "mini/pathways.yaml", "line": 32},
        },
    ]


def test_indicator_catalogue_in_catalogue_order(client: TestClient) -> None:
    body = client.get("/v1/indicators").json()

    assert [i["code"] for i in body["indicators"]] == [
        "found_out_of_area",
        "found_with_drugs_or_cash",
        "missing_episodes",
        "older_associates",
        "harm_within_family_only",
    ]
    assert body["indicators"][2] == {
        "code": "missing_episodes",
        "label": "Missing episodes",
        "description": "Times the child has been reported missing.",
        "kind": "count",
        "context": "child",
        "domains": ["going_missing"],
    }
