"""The OpenAPI document: committed, current, valid, with stable ids, enums and examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from screening_api import Decision, Referral
from screening_api.api.openapi import export_openapi
from screening_api.api.schemas import (
    BatchResponse,
    IndicatorCatalogue,
    PathwayCatalogue,
    ProblemDetails,
    RuleCatalogue,
    RuleDetail,
    RulesetInfo,
)
from screening_api.cli import main
from tests.api.conftest import MINI, TestClient, make_app

COMMITTED = Path(__file__).parents[2] / "openapi" / "openapi.json"

OPERATIONS = {
    ("post", "/v1/screen"): "screenReferral",
    ("post", "/v1/screen/batch"): "screenBatch",
    ("get", "/v1/ruleset"): "getRuleset",
    ("get", "/v1/rules"): "listRules",
    ("get", "/v1/rules/{rule_id}"): "getRule",
    ("get", "/v1/pathways"): "listPathways",
    ("get", "/v1/indicators"): "listIndicators",
    ("post", "/v1/admin/reload"): "reloadRules",
    ("get", "/healthz"): "healthz",
    ("get", "/readyz"): "readyz",
    ("get", "/metrics"): "metrics",
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(export_openapi(MINI))


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in document["paths"].values() for op in item.values()}


def test_committed_document_is_current() -> None:
    assert COMMITTED.is_file(), "run `screening-api openapi export` and commit the file"
    assert COMMITTED.read_text(encoding="utf-8") == export_openapi(), (
        "openapi/openapi.json has drifted: run `screening-api openapi export` and commit it"
    )


def test_committed_document_is_valid_openapi() -> None:
    validate(json.loads(COMMITTED.read_text(encoding="utf-8")))


def test_document_is_valid_openapi_31(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_operation_ids_are_stable(document: dict[str, Any]) -> None:
    found = {
        (method, path): op["operationId"]
        for path, item in document["paths"].items()
        for method, op in item.items()
    }
    assert found == OPERATIONS


def test_indicator_codes_are_an_enum_from_the_ruleset(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    assert schemas["IndicatorCode"]["enum"] == [
        "found_out_of_area",
        "found_with_drugs_or_cash",
        "missing_episodes",
        "older_associates",
        "harm_within_family_only",
    ]
    indicators = schemas["Referral"]["properties"]["indicators"]
    assert indicators["propertyNames"] == {"$ref": "#/components/schemas/IndicatorCode"}


def test_every_operation_has_examples_for_request_and_responses(document: dict[str, Any]) -> None:
    for operation_id, operation in operations(document).items():
        if "requestBody" in operation:
            assert operation["requestBody"]["content"]["application/json"]["examples"]
        for status, response in operation["responses"].items():
            for media, content in response["content"].items():
                examples = content.get("examples") or content.get("example")
                assert examples, f"{operation_id} {status} {media} has no example"


def test_error_responses_are_problem_json_only(document: dict[str, Any]) -> None:
    for operation in operations(document).values():
        for status, response in operation["responses"].items():
            if status != "200":
                assert list(response["content"]) == ["application/problem+json"]
                for example in response["content"]["application/problem+json"]["examples"]:
                    value = response["content"]["application/problem+json"]["examples"][example]
                    ProblemDetails.model_validate(value["value"])


def example(document: dict[str, Any], operation_id: str) -> Any:
    content = operations(document)[operation_id]["responses"]["200"]["content"]
    return next(iter(content["application/json"]["examples"].values()))["value"]


@pytest.mark.parametrize(
    ("operation_id", "model"),
    [
        ("screenReferral", Decision),
        ("screenBatch", BatchResponse),
        ("getRuleset", RulesetInfo),
        ("listRules", RuleCatalogue),
        ("getRule", RuleDetail),
        ("listPathways", PathwayCatalogue),
        ("listIndicators", IndicatorCatalogue),
    ],
)
def test_response_examples_are_valid_responses(
    document: dict[str, Any], operation_id: str, model: Any
) -> None:
    model.model_validate(example(document, operation_id))


def test_the_request_example_screens_to_the_response_example(
    document: dict[str, Any], client: TestClient
) -> None:
    body = operations(document)["screenReferral"]["requestBody"]["content"]["application/json"]
    referral = next(iter(body["examples"].values()))["value"]
    Referral.model_validate(referral)

    answered = client.post("/v1/screen", json=referral).json()
    documented = example(document, "screenReferral")

    for stamp in ("decision_id", "screened_at"):
        answered.pop(stamp)
        documented.pop(stamp)
    assert answered == documented
    assert documented["flags"], "the example should show a rule firing"


def test_the_batch_example_shows_a_refused_item(document: dict[str, Any]) -> None:
    batch = example(document, "screenBatch")

    assert [item["status"] for item in batch["results"]] == [200, 422]
    assert batch["results"][1]["problem"]["errors"][0]["field"] == "subject.age_years"


def test_the_docs_page_and_document_are_served(client: TestClient) -> None:
    page = client.get("/docs")
    served = client.get("/openapi.json").json()

    assert page.status_code == 200
    assert "swagger-ui" in page.text
    assert "/openapi.json" in page.text
    assert served == json.loads(export_openapi(MINI))


def test_docs_can_be_turned_off() -> None:
    with TestClient(make_app(docs_enabled=False)) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404


def test_the_document_follows_a_reload(mini_copy: Path) -> None:
    catalogue = mini_copy / "indicators.yaml"
    addition = (
        "  - code: new_indicator\n    label: New\n    description: Added.\n"
        "    kind: flag\n    context: child\n    domains: [going_missing]\n"
    )
    with TestClient(make_app(rules_dir=mini_copy)) as client:
        before = client.get("/openapi.json").json()
        catalogue.write_text(catalogue.read_text(encoding="utf-8") + addition, encoding="utf-8")
        client.post("/v1/admin/reload")
        after = client.get("/openapi.json").json()

    enum = "components", "schemas", "IndicatorCode"
    assert "new_indicator" not in before[enum[0]][enum[1]][enum[2]]["enum"]
    assert "new_indicator" in after[enum[0]][enum[1]][enum[2]]["enum"]


def test_export_command_writes_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "openapi.json"
    args = ["openapi", "export", "--rules", str(MINI), "--output", str(output)]

    assert main([*args, "--check"]) == 1
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    assert output.read_text(encoding="utf-8") == export_openapi(MINI)
    assert f"{output} is up to date" in capsys.readouterr().out
