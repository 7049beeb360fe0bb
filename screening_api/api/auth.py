"""Dependencies every route declares: the shared service, and a key with the scope it needs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from screening_api.api.keys import ApiKeyEntry, Scope
from screening_api.api.problems import Forbidden, Unauthorized
from screening_api.api.service import Service

__all__ = ["ServiceDep", "get_service", "require"]

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key made by `screening-api keys create`, sent as "
    "`Authorization: Bearer <key>`. Each operation names the scope it needs.",
)


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]

KeyCheck = Callable[[Request, Service, Credentials], Awaitable[ApiKeyEntry | None]]


def require(scope: Scope) -> KeyCheck:
    """A dependency admitting a request whose key holds ``scope`` (anyone, when keys are off)."""

    async def check(request: Request, service: ServiceDep,
                    credentials: Credentials) -> ApiKeyEntry | None:
        if not service.keyring.enabled:
            return None
        if credentials is None:
            raise Unauthorized("send an API key as 'Authorization: Bearer <key>'")
        entry = service.keyring.verify(credentials.credentials)
        if entry is None:
            raise Unauthorized("the API key is not valid")
        request.state.key_id = entry.id
        if scope not in entry.scopes:
            raise Forbidden(f"this API key does not hold the '{scope}' scope", scope=str(scope))
        return entry

    return check
