"""The published JSON Schemas: referral, decision, and rule files (for editors' autocomplete)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screening_api.decision import Decision
from screening_api.engine.fields import FIELDS, OPERATORS
from screening_api.engine.model import RuleStatus
from screening_api.engine.rules import INDICATOR_OPTIONS, OPTIONAL, REQUIRED, RULE_ID
from screening_api.referral import Recency, Referral, Source
from screening_api.vocabulary import CIN_FACTORS, RULE_LEVELS, ContextTag, Domain

SCHEMA_BASE = "https://screening-api.example/schemas"


def _enum(values: Any) -> dict[str, Any]:
    return {"enum": [getattr(v, "value", v) for v in values]}


def _list_of(values: Any) -> dict[str, Any]:
    return {"type": "array", "items": _enum(values), "minItems": 1, "uniqueItems": True}


def _field_leaves() -> list[dict[str, Any]]:
    leaves = []
    for spec in FIELDS.values():
        for operator in OPERATORS.values():
            if spec.type not in operator.types:
                continue
            if spec.values:
                scalar: dict[str, Any] = _enum(spec.values)
            elif spec.type.name == "BOOLEAN":
                scalar = {"type": "boolean"}
            else:
                scalar = {"type": "integer", "minimum": 0}
            operand = (
                {"type": "array", "items": scalar, "minItems": 1} if operator.takes_list else scalar
            )
            leaves.append(
                {
                    "type": "object",
                    "properties": {"field": {"const": spec.name}, operator.name: operand},
                    "required": ["field", operator.name],
                    "additionalProperties": False,
                }
            )
    return leaves


def rule_file_schema() -> dict[str, Any]:
    """The shape of a rule file, built from the same vocabularies the loader checks."""
    condition = {"$ref": "#/$defs/condition"}
    group = {"type": "array", "items": condition, "minItems": 1}
    reference = {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "url": {"type": "string", "pattern": "^https://"},
            "section": {"type": "string"},
        },
        "required": ["title", "url"],
        "additionalProperties": False,
    }
    indicator_properties: dict[str, Any] = {
        "indicator": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9_]{1,63}$",
            "description": "a code from indicators.yaml",
        },
        "recency": _list_of(Recency),
        "source": _list_of(Source),
        "count_at_least": {"type": "integer", "minimum": 1},
        "within_days": {"type": "integer", "minimum": 1, "maximum": 3650},
    }
    if set(indicator_properties) != {"indicator", *INDICATOR_OPTIONS}:
        raise AssertionError("rule-file schema and rule parser disagree on indicator options")
    indicator_leaf = {
        "type": "object",
        "properties": indicator_properties,
        "required": ["indicator"],
        "additionalProperties": False,
    }
    rule = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": RULE_ID.pattern},
            "title": {"type": "string", "maxLength": 160},
            "status": _enum(RuleStatus),
            "version": {"type": "integer", "minimum": 1},
            "owner": {"type": "string"},
            "effective_from": {"type": "string", "format": "date"},
            "effective_to": {"type": "string", "format": "date"},
            "domains": _list_of(Domain),
            "contexts": _list_of(ContextTag),
            "level": _enum(RULE_LEVELS),
            "urgent": {"type": "boolean"},
            "suggests_cin_factors": {"type": "array", "items": _enum(CIN_FACTORS)},
            "rationale": {"type": "string"},
            "references": {"type": "array", "items": reference},
            "known_false_positives": {"type": "array", "items": {"type": "string"}},
            "superseded_by": {"type": "string", "pattern": RULE_ID.pattern},
            "when": condition,
        },
        "required": list(REQUIRED),
        "additionalProperties": False,
    }
    if set(rule["properties"]) != {*REQUIRED, *OPTIONAL}:  # type: ignore[call-overload]
        raise AssertionError("rule-file schema and rule parser disagree on rule keys")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/rule-file.schema.json",
        "title": "screening-api rule file",
        "description": "A list of rules. See docs/rule-language.md.",
        "type": "array",
        "items": {"$ref": "#/$defs/rule"},
        "$defs": {
            "rule": rule,
            "condition": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {"all": group},
                        "required": ["all"],
                        "additionalProperties": False,
                    },
                    {
                        "type": "object",
                        "properties": {"any": group},
                        "required": ["any"],
                        "additionalProperties": False,
                    },
                    {
                        "type": "object",
                        "properties": {"not": condition},
                        "required": ["not"],
                        "additionalProperties": False,
                    },
                    {
                        "type": "object",
                        "properties": {"at_least": {"type": "integer", "minimum": 1}, "of": group},
                        "required": ["at_least", "of"],
                        "additionalProperties": False,
                    },
                    indicator_leaf,
                    {
                        "type": "object",
                        "properties": {
                            "mentions": {
                                "type": "string",
                                "description": "a lexicon id from lexicons/",
                            }
                        },
                        "required": ["mentions"],
                        "additionalProperties": False,
                    },
                    {"oneOf": _field_leaves()},
                ]
            },
        },
    }


def schemas() -> dict[str, dict[str, Any]]:
    return {
        "referral.schema.json": Referral.model_json_schema(),
        "decision.schema.json": Decision.model_json_schema(mode="serialization"),
        "rule-file.schema.json": rule_file_schema(),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path, *, check: bool = False) -> list[str]:
    """Write each schema whose file differs; with ``check``, only list them."""
    changed = []
    for name, schema in schemas().items():
        path = folder / name
        text = render(schema)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            changed.append(name)
            if not check:
                folder.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return changed
