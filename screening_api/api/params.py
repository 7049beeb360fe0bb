"""Unknown query parameters are refused, so a typo (``?explian=full``) is never silently
ignored."""

from __future__ import annotations

from collections.abc import Set

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError

__all__ = ["query_names", "refuse_unknown_query"]


def query_names(dependant: Dependant) -> frozenset[str]:
    """Every query parameter a route (or any of its dependencies) declares."""
    names = {param.alias for param in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= query_names(dependency)
    return frozenset(names)


def refuse_unknown_query(request: Request, known: Set[str]) -> None:
    """Each query parameter must be one of ``known`` (``auth.admit`` calls this for every
    route, with the names the route declares)."""
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name),
                    "msg": "is not a parameter of this operation",
                }
                for name in unknown
            ]
        )
