"""Published JSON Schemas match the code, and rule files validate against the rule schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from screening_api.resources import bundled_rules
from screening_api.schemas import render, schemas, write_schemas
from tests.conftest import MINI, referral_data

OPENAPI = Path(__file__).parent.parent / "openapi"


@pytest.mark.parametrize("name", sorted(schemas()))
def test_committed_schema_is_current(name: str) -> None:
    committed = (OPENAPI / name).read_text(encoding="utf-8")
    assert committed == render(schemas()[name]), (
        f"openapi/{name} is out of date: run 'screening-api schemas'"
    )


def test_write_schemas_reports_drift(tmp_path: Path) -> None:
    assert write_schemas(tmp_path) == sorted(schemas(), key=list(schemas()).index)
    assert write_schemas(tmp_path, check=True) == []
    (tmp_path / "referral.schema.json").write_text("{}", encoding="utf-8")
    assert write_schemas(tmp_path, check=True) == ["referral.schema.json"]


def rule_files(root: Path) -> list[Path]:
    reserved = {"ruleset.yaml", "indicators.yaml", "pathways.yaml"}
    return [p for p in sorted(root.glob("*.yaml")) if p.name not in reserved]


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@pytest.mark.parametrize("root", [MINI, bundled_rules()], ids=["mini", "bundled"])
def test_rule_files_validate_against_the_rule_file_schema(root: Path) -> None:
    validator = jsonschema.Draft202012Validator(schemas()["rule-file.schema.json"])
    files = rule_files(root)
    assert files
    for path in files:
        data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], path.name


def test_the_rule_file_schema_rejects_a_misspelt_key() -> None:
    validator = jsonschema.Draft202012Validator(schemas()["rule-file.schema.json"])
    rule = as_json(yaml.safe_load((MINI / "exploitation.yaml").read_text(encoding="utf-8")))[0]
    rule["levle"] = rule.pop("level")
    assert not validator.is_valid([rule])


def test_the_referral_schema_accepts_a_referral() -> None:
    validator = jsonschema.Draft202012Validator(schemas()["referral.schema.json"])
    assert validator.is_valid(referral_data(narrative="x"))
    assert not validator.is_valid(referral_data(colour="red"))
