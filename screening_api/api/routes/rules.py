"""Read-only views of the ruleset serving now: identity, rules, one rule, pathways, indicators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from screening_api.api import catalogue
from screening_api.api.auth import AdmittedRoute, security, service_of
from screening_api.api.keys import Scope
from screening_api.api.problems import NotFoundError
from screening_api.api.responses import problem_responses
from screening_api.api.schemas import (
    IndicatorCatalogue,
    PathwayCatalogue,
    RuleCatalogue,
    RuleDetail,
    RulesetInfo,
)
from screening_api.engine.model import RuleStatus
from screening_api.vocabulary import Domain

__all__ = ["router"]

router = APIRouter(
    prefix="/v1",
    tags=["rules"],
    route_class=AdmittedRoute,
    responses=problem_responses(401, 403),
)

_READ = security(Scope.READ)


def _json(content: bytes) -> Response:
    # Views are rendered once per ruleset snapshot (see Snapshot.view) and sent as they are.
    return Response(content, media_type="application/json")


@router.get(
    "/ruleset",
    operation_id="getRuleset",
    response_model=RulesetInfo,
    summary="The ruleset serving now",
    description="Its id, version, SHA-256, size, warning count and load time. "
    "Needs the `read` scope.",
    openapi_extra=_READ,
)
async def get_ruleset(request: Request) -> Response:
    snapshot = service_of(request).store.current
    return _json(snapshot.view("ruleset", lambda: catalogue.ruleset_info(snapshot)))


@router.get(
    "/rules",
    operation_id="listRules",
    response_model=RuleCatalogue,
    summary="The rules catalogue",
    description="Every rule with its metadata and where it is written, sorted by id; "
    "filter by status or domain. Needs the `read` scope.",
    responses=problem_responses(422),
    openapi_extra=_READ,
)
async def list_rules(
    request: Request,
    status: Annotated[RuleStatus | None, Query(description="Only rules with this status.")] = None,
    domain: Annotated[Domain | None, Query(description="Only rules in this harm domain.")] = None,
) -> Response:
    snapshot = service_of(request).store.current
    ruleset = snapshot.ruleset
    return _json(
        snapshot.view(
            f"rules?status={status}&domain={domain}",
            lambda: catalogue.rule_catalogue(ruleset, status=status, domain=domain),
        )
    )


@router.get(
    "/rules/{rule_id}",
    operation_id="getRule",
    response_model=RuleDetail,
    summary="One rule, whole",
    description="The rule's metadata, rationale, references, condition tree and the "
    "file and line it is written at. Needs the `read` scope.",
    responses=problem_responses(404, 422),
    openapi_extra=_READ,
)
async def get_rule(
    request: Request,
    rule_id: Annotated[
        str,
        Path(
            description="The rule's id, for example `CCE-001`.", pattern=r"^[A-Za-z0-9._-]{1,64}$"
        ),
    ],
) -> Response:
    snapshot = service_of(request).store.current
    rule = snapshot.ruleset.rule(rule_id)
    if rule is None:
        raise NotFoundError("no rule with that id in the ruleset serving now")
    return _json(
        snapshot.view(f"rule:{rule.id}", lambda: catalogue.rule_detail(snapshot.ruleset, rule))
    )


@router.get(
    "/pathways",
    operation_id="listPathways",
    response_model=PathwayCatalogue,
    summary="Pathways and routing table",
    description="Every pathway the service can recommend, by priority, and the "
    "routing rows that lead to them. Needs the `read` scope.",
    openapi_extra=_READ,
)
async def list_pathways(request: Request) -> Response:
    snapshot = service_of(request).store.current
    return _json(snapshot.view("pathways", lambda: catalogue.pathway_catalogue(snapshot.ruleset)))


@router.get(
    "/indicators",
    operation_id="listIndicators",
    response_model=IndicatorCatalogue,
    summary="The indicator catalogue",
    description="Every indicator code a referral may carry, with its label, "
    "description, kind (flag or count), context and domains: enough for a case "
    "system to build its form. Needs the `read` scope.",
    openapi_extra=_READ,
)
async def list_indicators(request: Request) -> Response:
    snapshot = service_of(request).store.current
    return _json(
        snapshot.view("indicators", lambda: catalogue.indicator_catalogue(snapshot.ruleset))
    )
