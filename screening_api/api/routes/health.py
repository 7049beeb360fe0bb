"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from screening_api import __version__
from screening_api.api.auth import AdmittedRoute, security, service_of
from screening_api.api.catalogue import identity
from screening_api.api.keys import Scope
from screening_api.api.metrics import CONTENT_TYPE_LATEST
from screening_api.api.responses import problem_responses
from screening_api.api.schemas import Health, Readiness

__all__ = ["router"]

router = APIRouter(tags=["health"], route_class=AdmittedRoute)


@router.get(
    "/healthz",
    operation_id="healthz",
    summary="Alive",
    description="The process answers. No key needed.",
)
async def healthz() -> Health:
    return Health(status="ok", version=__version__)


@router.get(
    "/readyz",
    operation_id="readyz",
    summary="Ready to screen",
    description="Rules are loaded: which ruleset serves, since when, and whether the "
    "last reload failed (the previous rules then still serve). No key needed.",
)
async def readyz(request: Request) -> Readiness:
    service = service_of(request)
    snapshot = service.store.current
    return Readiness(
        status="ready",
        ruleset=identity(snapshot.ruleset),
        loaded_at=snapshot.loaded_at,
        last_reload_failed=service.store.last_reload_failed,
    )


@router.get(
    "/metrics",
    operation_id="metrics",
    summary="Prometheus metrics",
    description="Requests, latency, decisions by level and primary pathway, refusals, "
    "reloads and their failures, and the ruleset serving. No key needed unless the "
    "`metrics_public` setting is false (then `read`).",
    response_class=Response,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "Prometheus text format",
        },
        **problem_responses(401, 403),
    },
    openapi_extra=security(Scope.READ, public_when="metrics_public"),
)
async def metrics(request: Request) -> Response:
    service = service_of(request)
    return Response(service.metrics.render(), media_type=CONTENT_TYPE_LATEST)
