"""Dependencies every route declares: the shared service, and a guard for keys and queries.

The guard is one dependency doing both checks a request must pass before a route runs: the
API key holds the scope the route needs, and every query parameter is one the route knows.
(One dependency rather than a chain: each dependency FastAPI resolves costs time on every
request.) OpenAPI learns of the key through ``API_KEY_SCHEME`` and each route's ``security``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from screening_api.api.keys import ApiKeyEntry, Scope
from screening_api.api.params import refuse_unknown_query
from screening_api.api.problems import ForbiddenError, UnauthorizedError
from screening_api.api.service import Service

__all__ = ["API_KEY_SCHEME", "ServiceDep", "get_service", "guard", "security"]

API_KEY_SCHEME = {
    "ApiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key made by `screening-api keys create`, sent as "
        "`Authorization: Bearer <key>`. Each operation names the scope it needs in "
        "`x-required-scope`.",
    }
}


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]

Guard = Callable[[Request], Awaitable[ApiKeyEntry | None]]


def _presented_key(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    credentials = credentials.strip()
    return credentials if scheme.lower() == "bearer" and credentials else None


def _admit(request: Request, service: Service, scope: Scope) -> ApiKeyEntry:
    presented = _presented_key(request)
    if presented is None:
        raise UnauthorizedError("send an API key as 'Authorization: Bearer <key>'")
    entry = service.keyring.verify(presented)
    if entry is None:
        raise UnauthorizedError("the API key is not valid")
    request.state.key_id = entry.id
    if scope not in entry.scopes:
        detail = f"this API key does not hold the '{scope}' scope"
        raise ForbiddenError(detail, scope=str(scope))
    return entry


def guard(scope: Scope | None, *, waived: Callable[[Service], bool] | None = None) -> Guard:
    """A dependency admitting a request whose key holds ``scope`` (no key when None) and whose
    query parameters are all known. Anyone is admitted when no keys are configured, or when
    ``waived`` says so for this service (``/metrics`` with ``metrics_public``)."""

    async def check(request: Request) -> ApiKeyEntry | None:
        refuse_unknown_query(request)
        service: Service = request.app.state.service
        if scope is None or not service.keyring.enabled:
            return None
        if waived is not None and waived(service):
            return None
        return _admit(request, service, scope)

    return check


def security(scope: Scope, *, optional: bool = False) -> dict[str, Any]:
    """The OpenAPI ``security`` and ``x-required-scope`` members for a route needing ``scope``."""
    requirement: list[dict[str, list[str]]] = [{"ApiKey": []}]
    return {
        "security": [{}, *requirement] if optional else requirement,
        "x-required-scope": str(scope),
    }
