"""The OpenAPI document: FastAPI's, completed with the contract's schemas, the ruleset's
indicator codes as an enum, problem types, and worked examples for every operation.

The document depends on the ruleset serving (its indicator codes and examples), so it is
rebuilt when a reload changes the ruleset's hash. ``openapi/openapi.json`` in the repository
is this document for the bundled rules (``screening-api openapi export``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from screening_api import __version__
from screening_api.api.auth import API_KEY_SCHEME
from screening_api.api.examples import request_examples, response_examples
from screening_api.api.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES
from screening_api.api.schemas import FieldError, Finding, ProblemDetails
from screening_api.engine.ruleset import RuleSet
from screening_api.referral import Referral

__all__ = ["TAGS", "build_openapi", "install_openapi", "openapi_json"]

_REF = "#/components/schemas/{model}"

DESCRIPTION = """\
Screens referrals about children for **extra-familial harm** with transparent YAML rules, and
answers with the concerns found, the evidence for each, the contexts involved, suggested
pathways and the exact rule version behind the answer.

**Decision support only**: a qualified practitioner reviews every referral and decides.

### Authentication
Send an API key as `Authorization: Bearer <key>`. Each operation names the scope it needs
(`screen`, `read` or `admin`) in `x-required-scope`. A missing or unknown key is answered
`401 unauthorized`; a key without the scope `403 forbidden`.

### Errors
Every error is `application/problem+json` (RFC 9457) with a stable `type`, a `title`, the
`request_id` (also in the `X-Request-ID` header) and, for validation errors, the path of each
field at fault (`errors[].field`). No error repeats the values sent.

| type | status | title |
|---|---|---|
{problem_rows}
"""

TAGS = [
    {"name": "screening", "description": "Screen referrals."},
    {"name": "rules", "description": "The ruleset serving now: rules, pathways, indicators."},
    {"name": "admin", "description": "Operate the service."},
    {"name": "health", "description": "Liveness, readiness, metrics."},
]


def _description() -> str:
    rows = "\n".join(
        f"| `{kind.slug}` | {kind.status} | {kind.title} |"
        for kind in sorted(PROBLEM_TYPES.values(), key=lambda k: (k.status, k.slug))
    )
    return DESCRIPTION.format(problem_rows=rows)


def _add_model(schemas: dict[str, Any], model: type[Any], name: str | None = None) -> None:
    schema = model.model_json_schema(ref_template=_REF, mode="validation")
    for def_name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(def_name, definition)
    schemas[name or model.__name__] = schema


def _contract_schemas(schemas: dict[str, Any], ruleset: RuleSet) -> None:
    _add_model(schemas, Referral)
    for model in (ProblemDetails, FieldError, Finding):
        _add_model(schemas, model)
    schemas["IndicatorCode"] = {
        "type": "string",
        "enum": list(ruleset.indicators),
        "description": f"An indicator code of ruleset {ruleset.id} {ruleset.version}; "
        "GET /v1/indicators describes each.",
    }
    indicators = schemas["Referral"]["properties"]["indicators"]
    indicators["propertyNames"] = {"$ref": _REF.format(model="IndicatorCode")}
    batch = schemas.get("BatchRequest")
    if batch is not None:
        batch["properties"]["referrals"]["items"] = {"$ref": _REF.format(model="Referral")}


def _request_body(description: str, schema: str, examples: dict[str, Any]) -> dict[str, Any]:
    return {
        "required": True,
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": _REF.format(model=schema)},
                "examples": examples,
            }
        },
    }


def _complete_operations(document: dict[str, Any], ruleset: RuleSet) -> None:
    requests = request_examples(ruleset)
    responses = response_examples(ruleset)
    bodies = {
        "screenReferral": ("One referral, as the case system recorded it.", "Referral"),
        "screenBatch": (
            "Up to the batch limit of referrals, and optionally `explain`.",
            "BatchRequest",
        ),
    }
    for path_item in document["paths"].values():
        for operation in path_item.values():
            operation_id = operation.get("operationId")
            if operation_id in bodies:
                description, schema = bodies[operation_id]
                operation["requestBody"] = _request_body(
                    description, schema, requests[operation_id]
                )
            ok = operation.get("responses", {}).get("200", {})
            content = ok.get("content", {}).get("application/json")
            if content is not None and operation_id in responses:
                content["examples"] = {"example": {"value": responses[operation_id]}}
            if operation_id == "metrics":
                ok["content"]["text/plain"]["example"] = (
                    "# HELP screening_decisions_total Decisions made, by overall level and "
                    "primary pathway.\n# TYPE screening_decisions_total counter\n"
                    'screening_decisions_total{level="moderate",primary_pathway="mace_panel"}'
                    " 12.0\n"
                )
            for status, response in operation.get("responses", {}).items():
                if status != "200" and PROBLEM_MEDIA_TYPE in response.get("content", {}):
                    response["content"].pop("application/json", None)


def build_openapi(app: FastAPI, ruleset: RuleSet) -> dict[str, Any]:
    """The whole document for ``app`` serving ``ruleset``."""
    from screening_api.api.schemas import BatchRequest

    document = get_openapi(
        title="screening-api",
        version=__version__,
        summary="Referral-point screening for extra-familial harm, with transparent rules.",
        description=_description(),
        routes=app.routes,
        tags=TAGS,
        license_info={"name": "MIT", "identifier": "MIT"},
    )
    components = document.setdefault("components", {})
    components["securitySchemes"] = API_KEY_SCHEME
    schemas = components.setdefault("schemas", {})
    _add_model(schemas, BatchRequest)
    _contract_schemas(schemas, ruleset)
    _complete_operations(document, ruleset)
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    document["components"]["schemas"] = dict(sorted(schemas.items()))
    return document


def install_openapi(app: FastAPI, current_ruleset: Any) -> None:
    """Serve the document built for the ruleset serving now, rebuilt after a reload."""
    cache: dict[str, dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        ruleset: RuleSet = current_ruleset()
        if ruleset.sha256 not in cache:
            cache.clear()
            cache[ruleset.sha256] = build_openapi(app, ruleset)
        return cache[ruleset.sha256]

    app.openapi = openapi  # type: ignore[method-assign]


def openapi_json(document: dict[str, Any]) -> str:
    """The document as committed: sorted keys would scramble paths, so only indented."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def export_openapi(rules_dir: Path | None = None) -> str:
    """The document as committed in ``openapi/openapi.json``, for the rules in ``rules_dir``
    (the bundled rules by default). Settings from the environment play no part."""
    from screening_api.api.app import create_app
    from screening_api.api.settings import Settings

    settings = Settings.model_construct(rules_dir=rules_dir)
    app = create_app(settings)
    return openapi_json(app.openapi())
