"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from screening_api import __version__
from screening_api.api.auth import ServiceDep, guard, security
from screening_api.api.catalogue import identity
from screening_api.api.keys import Scope
from screening_api.api.metrics import CONTENT_TYPE_LATEST
from screening_api.api.responses import problem_responses
from screening_api.api.schemas import Health, Readiness
from screening_api.api.service import Service

__all__ = ["router"]

router = APIRouter(tags=["health"], dependencies=[Depends(guard(None))])


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
async def readyz(service: ServiceDep) -> Readiness:
    snapshot = service.store.current
    return Readiness(
        status="ready",
        ruleset=identity(snapshot.ruleset),
        loaded_at=snapshot.loaded_at,
        last_reload_failed=service.store.last_reload_failed,
    )


def _metrics_public(service: Service) -> bool:
    return service.settings.metrics_public


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
    dependencies=[Depends(guard(Scope.READ, waived=_metrics_public))],
    openapi_extra=security(Scope.READ, optional=True),
)
async def metrics(service: ServiceDep) -> Response:
    return Response(service.metrics.render(), media_type=CONTENT_TYPE_LATEST)
