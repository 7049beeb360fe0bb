"""Unknown query parameters are refused, so a typo (``?explian=full``) is never silently
ignored."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

__all__ = ["refuse_unknown_query"]

_KNOWN: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _query_names(dependency)
    return names


def _known(route: APIRoute) -> frozenset[str]:
    known = _KNOWN.get(id(route))
    if known is None:
        known = _KNOWN[id(route)] = frozenset(_query_names(route.dependant))
    return known


def refuse_unknown_query(request: Request) -> None:
    """Each query parameter must be one the route declares (the guard of every route calls
    this)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = [name for name in request.query_params if name not in _known(route)]
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
