"""Problem responses: exception handlers that turn every error into problem+json, and docs."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from screening_api.api.problems import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPES,
    ServiceError,
    describe,
    field_errors,
)
from screening_api.api.schemas import FieldError, ProblemDetails
from screening_api.errors import ScreeningError

__all__ = ["install_problem_handlers", "problem_response", "problem_responses"]

logger = logging.getLogger("screening_api.api")

_STATUS_SLUGS = {
    404: "not-found",
    405: "method-not-allowed",
    413: "body-too-large",
    415: "unsupported-media-type",
}


def problem_response(
    request: Request | None,
    problem: ProblemDetails,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response carrying the request id and the path asked for."""
    if request is not None:
        problem = problem.model_copy(
            update={
                "instance": request.url.path,
                "request_id": getattr(request.state, "request_id", None),
            }
        )
    headers = dict(headers or {})
    if problem.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="screening-api"'
    if problem.status == 503:
        headers["Retry-After"] = "1"
    return JSONResponse(
        problem.model_dump(mode="json"),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


async def _service_error(request: Request, error: Exception) -> JSONResponse:
    problem = describe(error)
    request.state.problem = problem.type.rsplit("/", 1)[-1]
    return problem_response(request, problem)


async def _request_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = field_errors(error.errors())
    kind = PROBLEM_TYPES["validation-error"]
    first = errors[0] if errors else None
    problem = ProblemDetails(
        type=kind.uri,
        title=kind.title,
        status=kind.status,
        detail=f"{first.field}: {first.message}" if first else None,
        errors=errors,
    )
    request.state.problem = "validation-error"
    return problem_response(request, problem)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    slug = _STATUS_SLUGS.get(error.status_code)
    if slug is None:
        kind_status, title = error.status_code, "Request refused"
        uri = "about:blank"
    else:
        kind = PROBLEM_TYPES[slug]
        kind_status, title, uri = kind.status, kind.title, kind.uri
    detail = error.detail if isinstance(error.detail, str) else None
    request.state.problem = slug or str(error.status_code)
    problem = ProblemDetails(type=uri, title=title, status=kind_status, detail=detail)
    return problem_response(request, problem, error.headers)  # 405 keeps its Allow header


def install_problem_handlers(app: FastAPI) -> None:
    """Every error the routes raise becomes problem+json; unexpected ones are handled by the
    observability middleware, which logs the error's class and answers ``internal-error``."""
    for error_type in (ServiceError, ScreeningError, ValidationError):
        app.add_exception_handler(error_type, _service_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(HTTPException, _http_error)


def _example(slug: str) -> dict[str, Any]:
    kind = PROBLEM_TYPES[slug]
    example = ProblemDetails(
        type=kind.uri,
        title=kind.title,
        status=kind.status,
        detail=_EXAMPLE_DETAILS.get(slug),
        instance="/v1/screen",
        request_id="5f0c6b1e2a9d4c3b8e7f6a5d4c3b2a19",
    )
    if slug == "validation-error":
        error = FieldError(
            field="subject.age_years",
            message="Input should be less than or equal to 25",
            code="less_than_equal",
        )
        example = example.model_copy(update={"errors": (error,)})
    return example.model_dump(mode="json")


_EXAMPLE_DETAILS = {
    "malformed-json": "the body is not valid JSON: Expecting value at line 1 column 1",
    "nesting-too-deep": "objects and arrays in the body nest more than 32 levels deep",
    "unauthorized": "send an API key as 'Authorization: Bearer <key>'",
    "forbidden": "this API key does not hold the 'screen' scope",
    "not-found": "no rule with that id in the ruleset serving now",
    "body-too-large": "the body is larger than this service accepts (4194304 bytes)",
    "batch-too-large": "the batch holds 150 referrals; this service accepts at most 100",
    "unsupported-media-type": "send the body as JSON with 'Content-Type: application/json'",
    "validation-error": "subject.age_years: Input should be less than or equal to 25",
    "narrative-too-long": "narrative: 12000 characters; this service accepts at most 10000",
    "ruleset-invalid": "the ruleset has 1 error(s); the rules already loaded are still serving",
    "timeout": "the request was stopped after 10.0 s; try again",
    "internal-error": "the service failed to answer; the error has been logged",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given statuses, each with problem+json examples."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        slugs = [k.slug for k in PROBLEM_TYPES.values() if k.status == status]
        responses[status] = {
            "description": "; ".join(PROBLEM_TYPES[s].title for s in slugs),
            "content": {
                PROBLEM_MEDIA_TYPE: {
                    "schema": {"$ref": "#/components/schemas/ProblemDetails"},
                    "examples": {
                        slug: {"summary": PROBLEM_TYPES[slug].title, "value": _example(slug)}
                        for slug in slugs
                    },
                }
            },
        }
    return responses
