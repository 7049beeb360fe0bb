"""``POST /v1/screen`` and ``POST /v1/screen/batch``: referrals in, explained decisions out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from screening_api.api.auth import AdmittedRoute, security, service_of
from screening_api.api.body import read_json
from screening_api.api.keys import Scope
from screening_api.api.logs import pseudonymise
from screening_api.api.problems import (
    BatchTooLargeError,
    RequestTimeoutError,
    ServiceError,
    describe,
)
from screening_api.api.responses import problem_responses
from screening_api.api.schemas import BatchRequest, BatchResponse, Explain
from screening_api.api.service import Service
from screening_api.decision import Decision
from screening_api.errors import ScreeningError

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["screening"], route_class=AdmittedRoute)

T = TypeVar("T")

ExplainQuery = Annotated[
    Explain,
    Query(
        description="`full` also lists the rules that did not fire, with the leaf that "
        "stopped each."
    ),
]


def _timed_out(service: Service) -> RequestTimeoutError:
    seconds = service.settings.limits.request_timeout_seconds
    return RequestTimeoutError(
        f"the request was stopped after {seconds} s; try again", limit=seconds
    )


async def _read_in_time(service: Service, request: Request) -> Any:
    """The body, read within the request timeout (a client sending slowly is cut off)."""
    seconds = service.settings.limits.request_timeout_seconds
    deadline = anyio.current_time() + seconds
    try:
        with anyio.fail_after(seconds):
            data = await read_json(request, service.settings.limits)
    except TimeoutError:
        raise _timed_out(service) from None
    if anyio.current_time() > deadline:  # the body arrived, but used up all the time
        raise _timed_out(service)
    return data


async def _in_thread_in_time(service: Service, request: Request, work: Callable[[Any], T]) -> T:
    """Read the body and do long work in a worker thread, all within the request timeout;
    past it the client is answered at once (the thread's result is dropped)."""
    try:
        with anyio.fail_after(service.settings.limits.request_timeout_seconds):
            data = await read_json(request, service.settings.limits)
            return await anyio.to_thread.run_sync(work, data, abandon_on_cancel=True)
    except TimeoutError:
        raise _timed_out(service) from None


def _json(model: Decision | BatchResponse) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


@router.post(
    "/screen",
    operation_id="screenReferral",
    summary="Screen one referral",
    description="Validate one referral, screen it against the ruleset serving now, and answer "
    "with the explained decision. `as_of` defaults to today's date in the service's time "
    "zone. Needs the `screen` scope.",
    response_model=Decision,
    responses=problem_responses(400, 401, 403, 413, 415, 422, 503),
    openapi_extra=security(Scope.SCREEN),
)
async def screen_referral(request: Request, explain: ExplainQuery = "summary") -> Response:
    service = service_of(request)
    snapshot = service.store.current
    data = await _read_in_time(service, request)
    # One referral is screened in the event loop: a bounded referral takes about a millisecond,
    # and a hop to a worker thread and back would cost more than it frees (see benchmarks/).
    try:
        decision = service.screen(data, explain, snapshot)
    except (ServiceError, ScreeningError, ValidationError) as error:
        service.metrics.refused(describe(error))
        raise
    log = request.state.log = {
        "decision_id": decision.decision_id,
        "concern_level": str(decision.outcome.level),
        "primary_pathway": decision.primary_pathway,
        "fired": len(decision.flags),
        "ruleset_sha256": snapshot.ruleset.sha256,
    }
    key = service.settings.pseudonym_key
    if key is not None:
        log["referral_ref"] = pseudonymise(key.get_secret_value(), decision.referral_id)
    return _json(decision)


@router.post(
    "/screen/batch",
    operation_id="screenBatch",
    summary="Screen a batch of referrals",
    description="Screen each referral on its own against the same ruleset snapshot. Results "
    "come in input order, each with its own status: a refused referral has a `problem` and "
    "does not stop the others. Needs the `screen` scope.",
    response_model=BatchResponse,
    responses=problem_responses(400, 401, 403, 413, 415, 422, 503),
    openapi_extra=security(Scope.SCREEN),
)
async def screen_batch(request: Request, explain: ExplainQuery = "summary") -> Response:
    service = service_of(request)
    snapshot = service.store.current
    limit = service.settings.limits.max_batch_items

    def work(data: Any) -> BatchResponse:
        batch = BatchRequest.model_validate(data)
        if len(batch.referrals) > limit:
            raise BatchTooLargeError(
                f"the batch holds {len(batch.referrals)} referrals; this service accepts at "
                f"most {limit} in one request: split it",
                limit=limit,
            )
        return service.screen_batch(batch.referrals, batch.explain or explain, snapshot)

    result = await _in_thread_in_time(service, request, work)
    request.state.log = {
        "batch": result.summary.total,
        "screened": result.summary.screened,
        "refused": result.summary.refused,
        "ruleset_sha256": snapshot.ruleset.sha256,
    }
    return _json(result)
