"""Admission: every route checks the API key's scope and the query parameters first.

Each route declares what it needs once, in its OpenAPI members (``security(scope)``):
``x-required-scope`` names the scope, and ``x-public-when`` names a setting that, when true,
lets anyone in (``/metrics`` with ``metrics_public``). ``AdmittedRoute`` reads the same
declaration to admit a request before FastAPI reads its parameters, so the document and the
enforcement cannot disagree, and a caller without a key learns nothing but ``401``.

(A route class rather than a FastAPI dependency: the dependency resolver costs tens of
microseconds per dependency on every request, a noticeable share of a screening.)
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Set
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from screening_api.api.keys import ApiKeyEntry, Scope
from screening_api.api.params import query_names, refuse_unknown_query
from screening_api.api.problems import ForbiddenError, UnauthorizedError
from screening_api.api.service import Service

__all__ = ["API_KEY_SCHEME", "AdmittedRoute", "admit", "security", "service_of"]

API_KEY_SCHEME = {
    "ApiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key made by `screening-api keys create`, sent as "
        "`Authorization: Bearer <key>`. Each operation names the scope it needs in "
        "`x-required-scope`.",
    }
}

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def service_of(request: Request) -> Service:
    """The service shared by every request to this app."""
    service: Service = request.app.state.service
    return service


def _presented_key(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    credentials = credentials.strip()
    return credentials if scheme.lower() == "bearer" and credentials else None


def _check_key(request: Request, service: Service, scope: Scope) -> ApiKeyEntry:
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


def admit(
    request: Request,
    scope: Scope | None,
    known_query: Set[str] = frozenset(),
    public_when: str | None = None,
) -> None:
    """Admit a request whose key holds ``scope`` (no key needed when None) and whose query
    parameters are all in ``known_query``. Anyone is admitted when no keys are configured, or
    when the boolean setting named ``public_when`` is true. The key is checked first."""
    if scope is not None:
        service = service_of(request)
        public = public_when is not None and getattr(service.settings, public_when)
        if service.keyring.enabled and not public:
            _check_key(request, service, scope)
    refuse_unknown_query(request, known_query)


class AdmittedRoute(APIRoute):
    """A route that admits each request as its ``security(...)`` declaration says."""

    def get_route_handler(self) -> Handler:
        handle = super().get_route_handler()
        declared = self.openapi_extra or {}
        scope = declared.get("x-required-scope")
        required = Scope(scope) if scope is not None else None
        public_when = declared.get("x-public-when")
        known_query = query_names(self.dependant)

        async def admitted(request: Request) -> Response:
            admit(request, required, known_query, public_when)
            return await handle(request)

        return admitted


def security(scope: Scope, *, public_when: str | None = None) -> dict[str, Any]:
    """OpenAPI members declaring the scope a route needs (and the setting that waives it)."""
    if public_when is None:
        return {"security": [{"ApiKey": []}], "x-required-scope": str(scope)}
    return {
        "security": [{}, {"ApiKey": []}],
        "x-required-scope": str(scope),
        "x-public-when": public_when,
    }
