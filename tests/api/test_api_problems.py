"""Problem details: one table of types, no stack traces, no request content, a request id."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI

from screening_api.api.logs import JsonFormatter
from screening_api.api.problems import PROBLEM_BASE, PROBLEM_TYPES, field_path
from tests.api.conftest import LogLines, TestClient, make_app

SECRET = "narrative about Jordan at 4 Mill Road"


def test_the_problem_table_is_complete_and_stable() -> None:
    assert {slug: kind.status for slug, kind in PROBLEM_TYPES.items()} == {
        "malformed-json": 400,
        "nesting-too-deep": 400,
        "unauthorized": 401,
        "forbidden": 403,
        "not-found": 404,
        "method-not-allowed": 405,
        "body-too-large": 413,
        "batch-too-large": 413,
        "unsupported-media-type": 415,
        "validation-error": 422,
        "narrative-too-long": 422,
        "ruleset-invalid": 422,
        "internal-error": 500,
        "timeout": 503,
    }
    assert all(kind.uri == PROBLEM_BASE + slug for slug, kind in PROBLEM_TYPES.items())


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("subject", "age_years"), "subject.age_years"),
        (("contexts", "places", 2, "type"), "contexts.places[2].type"),
        (("indicators", "found_out_of_area", "status"), "indicators.found_out_of_area.status"),
        (("indicators", "Bad Key", "[key]"), "indicators.*(key)"),
        (("query", "explain"), "query.explain"),
        ((), "(body)"),
    ],
)
def test_field_paths(loc: tuple[str | int, ...], path: str) -> None:
    assert field_path(loc) == path


def test_unknown_path_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v2/screen")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEM_BASE + "not-found"


def test_wrong_method_is_a_405_problem(client: TestClient) -> None:
    response = client.get("/v1/screen")

    assert response.status_code == 405
    assert response.json()["type"] == PROBLEM_BASE + "method-not-allowed"


def failing_app() -> FastAPI:
    app = make_app()

    @app.get("/v1/explode")
    async def explode() -> None:
        raise RuntimeError(SECRET)

    return app


def test_an_unexpected_error_is_a_bare_500_problem_and_a_one_line_log(logs: LogLines) -> None:
    with TestClient(failing_app(), raise_server_exceptions=False) as client:
        response = client.get("/v1/explode", headers={"X-Request-ID": "req-12345678"})

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": PROBLEM_BASE + "internal-error",
        "title": "Internal error",
        "status": 500,
        "detail": "the service failed to answer; the error has been logged",
        "instance": "/v1/explode",
        "request_id": "req-12345678",
    }
    [error] = logs.entries("unhandled_error")
    assert error["error_type"] == "RuntimeError"
    assert error["route"] == "/v1/explode"
    [access] = logs.entries("request")
    assert (access["status"], access["problem"]) == (500, "internal-error")
    assert SECRET not in logs.text
    assert "Traceback" not in logs.text


def test_the_formatter_names_an_exception_by_class_only() -> None:
    try:
        raise ValueError(SECRET)
    except ValueError:
        record = logging.LogRecord(
            "screening_api.api", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )

    line = JsonFormatter().format(record)

    assert '"error_type": "ValueError"' in line
    assert SECRET not in line
    assert "Traceback" not in line


def test_an_unknown_query_parameter_is_refused_by_name(client: TestClient) -> None:
    typo = client.post("/v1/screen?explian=full", json={})
    odd = client.get("/v1/rules?=true&status=active")

    assert typo.status_code == 422
    assert typo.json()["errors"] == [
        {
            "field": "query.explian",
            "message": "is not a parameter of this operation",
            "code": "extra_forbidden",
        }
    ]
    assert odd.status_code == 422
    assert odd.json()["errors"][0]["field"] == "query.*"


def test_the_integrators_guide_lists_every_problem_type_with_its_status() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "integrators.md").read_text(encoding="utf-8")

    for slug, kind in PROBLEM_TYPES.items():
        assert f"| `{slug}` | {kind.status} |" in guide, slug
