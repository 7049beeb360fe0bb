"""Errors as ``application/problem+json`` (RFC 9457): the one table of problem types and statuses.

Every refusal the service makes is one row of ``PROBLEM_TYPES``; domain errors from the core
(``ReferralError``, ``RulesetError``) know nothing of HTTP and are mapped here. No problem
carries a stack trace or any part of the request's content: validation problems name the field
and what is wrong, never the value sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

from pydantic import ValidationError

from screening_api.api.schemas import FieldError, Finding, ProblemDetails
from screening_api.errors import ReferralError, RulesetError

__all__ = [
    "PROBLEM_BASE",
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPES",
    "BatchTooLargeError",
    "BodyTooLargeError",
    "ForbiddenError",
    "MalformedJsonError",
    "NarrativeTooLongError",
    "NestingTooDeepError",
    "NotFoundError",
    "ProblemType",
    "RequestTimeoutError",
    "ServiceError",
    "UnauthorizedError",
    "UnsupportedMediaTypeError",
    "describe",
    "field_errors",
    "field_path",
]

PROBLEM_BASE = "https://screening-api.example/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: str

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.slug


PROBLEM_TYPES: Mapping[str, ProblemType] = MappingProxyType(
    {
        problem.slug: problem
        for problem in (
            ProblemType("malformed-json", 400, "The request body is not valid JSON"),
            ProblemType("nesting-too-deep", 400, "The request body is nested too deeply"),
            ProblemType("unauthorized", 401, "An API key is required"),
            ProblemType("forbidden", 403, "The API key lacks the scope this needs"),
            ProblemType("not-found", 404, "Not found"),
            ProblemType("method-not-allowed", 405, "Method not allowed"),
            ProblemType("body-too-large", 413, "The request body is too large"),
            ProblemType("batch-too-large", 413, "The batch holds too many referrals"),
            ProblemType("unsupported-media-type", 415, "The request body must be JSON"),
            ProblemType("validation-error", 422, "The request failed validation"),
            ProblemType("narrative-too-long", 422, "The narrative is longer than allowed"),
            ProblemType("ruleset-invalid", 422, "The ruleset has errors and was not loaded"),
            ProblemType("internal-error", 500, "Internal error"),
            ProblemType("timeout", 503, "The request took too long and was stopped"),
        )
    }
)


class ServiceError(Exception):
    """A request the service refuses. ``slug`` picks the row of ``PROBLEM_TYPES``."""

    slug: ClassVar[str] = "internal-error"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class MalformedJsonError(ServiceError):
    slug = "malformed-json"


class NestingTooDeepError(ServiceError):
    slug = "nesting-too-deep"


class UnauthorizedError(ServiceError):
    slug = "unauthorized"


class ForbiddenError(ServiceError):
    slug = "forbidden"


class NotFoundError(ServiceError):
    slug = "not-found"


class BodyTooLargeError(ServiceError):
    slug = "body-too-large"


class BatchTooLargeError(ServiceError):
    slug = "batch-too-large"


class UnsupportedMediaTypeError(ServiceError):
    slug = "unsupported-media-type"


class NarrativeTooLongError(ServiceError):
    slug = "narrative-too-long"


class RequestTimeoutError(ServiceError):
    slug = "timeout"


# A location part that is not a plain name could be anything the caller typed (an unknown
# mapping key, say): it is shown as "*" so no request content reaches an error.
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_VALIDATOR_PREFIXES = ("Value error, ", "Assertion failed, ")


def field_path(loc: Sequence[int | str]) -> str:
    """Render a pydantic location as a field path: ``contexts.places[0].type``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            path += "(key)"
        else:
            name = part if _PLAIN_NAME.match(part) else "*"
            path += f".{name}" if path else name
    return path or "(body)"


def field_errors(
    errors: Sequence[Mapping[str, Any]], *, drop_prefix: int = 0
) -> tuple[FieldError, ...]:
    """Field errors from pydantic's error list, without the input values it carries."""
    result = []
    for error in errors:
        message = str(error.get("msg", "is not valid"))
        for prefix in _VALIDATOR_PREFIXES:
            message = message.removeprefix(prefix)
        loc = tuple(error.get("loc", ()))[drop_prefix:]
        result.append(FieldError(field=field_path(loc), message=message, code=error.get("type")))
    return tuple(result)


def _finding(finding: Any) -> Finding:
    return Finding(text=str(finding), **finding.to_dict())


def describe(error: Exception) -> ProblemDetails:
    """The problem details for an error (the caller adds ``instance`` and ``request_id``)."""
    if isinstance(error, ServiceError):
        return _problem(error.slug, error.detail, **error.extensions)
    if isinstance(error, ValidationError):
        errors = field_errors(error.errors(include_url=False, include_input=False))
        return _problem("validation-error", _summary(errors), errors=errors)
    if isinstance(error, ReferralError):
        errors = tuple(FieldError(field=p.field, message=p.message) for p in error.problems)
        return _problem("validation-error", _summary(errors), errors=errors)
    if isinstance(error, RulesetError):
        count = len(error.errors)
        return _problem(
            "ruleset-invalid",
            f"the ruleset has {count} error(s); the rules already loaded are still serving",
            findings=tuple(_finding(f) for f in error.findings),
        )
    return _problem("internal-error", "the service failed to answer; the error has been logged")


def _summary(errors: Sequence[FieldError]) -> str:
    first = errors[0] if errors else None
    if first is None:
        return "the request is not valid"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{first.field}: {first.message}{more}"


def _problem(slug: str, detail: str, **extensions: Any) -> ProblemDetails:
    kind = PROBLEM_TYPES[slug]
    return ProblemDetails(
        type=kind.uri, title=kind.title, status=kind.status, detail=detail, **extensions
    )
