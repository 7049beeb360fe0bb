"""``POST /v1/admin/reload``: load the rules folder again and swap it in, or say why not."""

from __future__ import annotations

from fastapi import APIRouter, Request

from screening_api.api.auth import AdmittedRoute, security, service_of
from screening_api.api.keys import Scope
from screening_api.api.reloading import reload_rules
from screening_api.api.responses import problem_responses
from screening_api.api.schemas import ReloadResult
from screening_api.api.snapshot import ReloadTrigger

__all__ = ["router"]

router = APIRouter(prefix="/v1/admin", tags=["admin"], route_class=AdmittedRoute)


@router.post(
    "/reload",
    operation_id="reloadRules",
    summary="Reload the rules",
    description="Read, validate and compile the rules folder again. When it is good, it "
    "replaces the rules serving now in one step (requests running keep the rules they "
    "started with). When it has errors nothing changes: the answer is a `ruleset-invalid` "
    "problem listing every finding with its file, line and column. With several workers, "
    "this reloads only the worker that answers: send SIGHUP to the server process or turn "
    "on rules watching instead. Needs the `admin` scope.",
    responses=problem_responses(401, 403, 422),
    openapi_extra=security(Scope.ADMIN),
)
async def reload(request: Request) -> ReloadResult:
    service = service_of(request)
    result = await reload_rules(service, ReloadTrigger.API)
    request.state.log = {"changed": result.changed, "ruleset_sha256": result.current.sha256}
    return result
