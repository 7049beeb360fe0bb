"""The service's own JSON shapes (beside Referral and Decision), shared by the server and client.

This module imports pydantic only, never FastAPI, so ``screening_api.client`` stays light.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from screening_api.decision import Decision
from screening_api.engine.model import IndicatorKind, RuleStatus
from screening_api.referral import SubjectKind
from screening_api.vocabulary import ContextTag, Domain, Level

__all__ = [
    "BatchItem",
    "BatchRequest",
    "BatchResponse",
    "BatchSummary",
    "Condition",
    "FieldError",
    "Finding",
    "Health",
    "IndicatorCatalogue",
    "IndicatorInfo",
    "PathwayCatalogue",
    "PathwayInfo",
    "ProblemDetails",
    "Readiness",
    "ReferenceInfo",
    "ReloadResult",
    "RoutingRowInfo",
    "RuleCatalogue",
    "RuleDetail",
    "RuleSummary",
    "RulesetIdentity",
    "RulesetInfo",
    "SourceLocation",
]

Explain = Literal["summary", "full"]

_VIEW = ConfigDict(extra="forbid", frozen=True)
# Responses read by the client ignore members a newer server adds (forward compatible).
_READ = ConfigDict(extra="ignore", frozen=True)


class _Compact(BaseModel):
    """Serialised without its unset (None) members, as a reader would write it by hand."""

    @model_serializer(mode="wrap")
    def _leave_out_unset(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {key: value for key, value in data.items() if value is not None}


class FieldError(_Compact):
    """One field the request got wrong: where (a path such as ``subject.age_years``) and why."""

    model_config = ConfigDict(extra="ignore", frozen=True, json_schema_mode_override="validation")

    field: str
    message: str
    code: str | None = None


class Finding(BaseModel):
    """One problem in a rule file, located by file, line and column."""

    model_config = _READ

    code: str
    severity: Literal["error", "warning"]
    file: str
    line: int
    column: int
    rule_id: str | None = None
    message: str
    hint: str | None = None
    text: str = Field(description="The finding as one line: file:line:col: severity CODE ...")


class ProblemDetails(_Compact):
    """An error as ``application/problem+json`` (RFC 9457); members without a value are left
    out, and a problem type may add members of its own (``limit``, ``scope``)."""

    model_config = ConfigDict(extra="allow", frozen=True, json_schema_mode_override="validation")

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: tuple[FieldError, ...] | None = None
    findings: tuple[Finding, ...] | None = None


class RulesetIdentity(BaseModel):
    model_config = _READ

    id: str
    version: str
    sha256: str


class RulesetInfo(RulesetIdentity):
    """The ruleset serving now: identity, size, load time and warning count."""

    title: str
    owner: str
    description: str
    rules: int
    active_rules: int
    candidate_rules: int
    indicators: int
    pathways: int
    warnings: int
    loaded_at: datetime


class SourceLocation(BaseModel):
    """Where a rule is written: file (inside the ruleset folder) and line."""

    model_config = _READ

    file: str
    line: int


class ReferenceInfo(BaseModel):
    model_config = _READ

    title: str
    url: str
    section: str | None = None


class RuleSummary(BaseModel):
    model_config = _READ

    id: str
    title: str
    status: RuleStatus
    version: int
    owner: str
    effective_from: date
    effective_to: date | None
    domains: tuple[Domain, ...]
    contexts: tuple[ContextTag, ...]
    level: Level
    urgent: bool
    suggests_cin_factors: tuple[str, ...]
    source: SourceLocation


class Condition(_Compact):
    """One node of a rule's condition, written as in the YAML (``all``, ``indicator``, ...).

    ``path`` names the node as decisions' evidence does (``when.all[1].any[0]``).
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, json_schema_mode_override="validation"
    )

    path: str
    all: tuple[Condition, ...] | None = None
    any: tuple[Condition, ...] | None = None
    not_: Condition | None = Field(default=None, alias="not")
    at_least: int | None = None
    of: tuple[Condition, ...] | None = None
    indicator: str | None = None
    recency: tuple[str, ...] | None = None
    source: tuple[str, ...] | None = None
    count_at_least: int | None = None
    within_days: int | None = None
    field: str | None = None
    operator: str | None = None
    value: Any = None
    mentions: str | None = None


class RuleDetail(RuleSummary):
    """A whole rule: its metadata, rationale, references and condition tree."""

    rationale: str
    references: tuple[ReferenceInfo, ...]
    known_false_positives: tuple[str, ...]
    superseded_by: str | None
    when: Condition
    ruleset: RulesetIdentity


class RuleCatalogue(BaseModel):
    model_config = _READ

    ruleset: RulesetIdentity
    rules: tuple[RuleSummary, ...]


class PathwayInfo(BaseModel):
    model_config = _READ

    id: str
    title: str
    description: str
    priority: int
    owner_team: str
    advice: str
    applies_to: tuple[SubjectKind, ...]
    references: tuple[ReferenceInfo, ...]


class RoutingRowInfo(BaseModel):
    """One row of the routing decision table; empty conditions are left out."""

    model_config = _READ

    id: str
    pathway: str
    fallback: bool
    when: dict[str, Any]
    source: SourceLocation


class PathwayCatalogue(BaseModel):
    model_config = _READ

    ruleset: RulesetIdentity
    pathways: tuple[PathwayInfo, ...]
    routing: tuple[RoutingRowInfo, ...]


class IndicatorInfo(BaseModel):
    """One catalogued indicator: what a case system's form asks about."""

    model_config = _READ

    code: str
    label: str
    description: str
    kind: IndicatorKind
    context: ContextTag
    domains: tuple[Domain, ...]


class IndicatorCatalogue(BaseModel):
    model_config = _READ

    ruleset: RulesetIdentity
    indicators: tuple[IndicatorInfo, ...]


class BatchRequest(BaseModel):
    """Several referrals screened in one call; each is answered on its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    referrals: Annotated[list[Any], Field(min_length=1)]
    explain: Explain | None = None


class BatchItem(BaseModel):
    """The answer for one referral of a batch: a decision, or the problem that refused it."""

    model_config = _READ

    index: int
    status: int
    decision: Decision | None = None
    problem: ProblemDetails | None = None


class BatchSummary(BaseModel):
    model_config = _READ

    total: int
    screened: int
    refused: int


class BatchResponse(BaseModel):
    model_config = _READ

    results: tuple[BatchItem, ...]
    summary: BatchSummary


class ReloadResult(BaseModel):
    """A reload that succeeded: the ruleset before and after (``changed`` when the hash moved)."""

    model_config = _READ

    reloaded: bool
    changed: bool
    previous: RulesetIdentity
    current: RulesetIdentity
    warnings: int


class Health(BaseModel):
    model_config = _READ

    status: Literal["ok"]
    version: str


class Readiness(BaseModel):
    model_config = _READ

    status: Literal["ready"]
    ruleset: RulesetIdentity
    loaded_at: datetime
    last_reload_failed: bool
