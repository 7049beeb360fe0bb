"""The decision contract: what the screening answers, with its evidence and provenance."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from screening_api.referral import SubjectKind
from screening_api.vocabulary import ContextTag, Domain, Level

__all__ = [
    "ContextOutcome",
    "Decision",
    "DomainOutcome",
    "Evidence",
    "Fact",
    "Flag",
    "InformationGap",
    "LeafKind",
    "Outcome",
    "PathwayRecommendation",
    "Provenance",
    "Reference",
    "RuleTrace",
    "SuggestedCode",
    "TextMatch",
    "Truth",
]

_OUTPUT = ConfigDict(extra="forbid", frozen=True)


class Truth(StrEnum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


class LeafKind(StrEnum):
    INDICATOR = "indicator"
    FIELD = "field"
    MENTIONS = "mentions"


class Reference(BaseModel):
    model_config = _OUTPUT

    title: str
    url: str
    section: str | None = None


class TextMatch(BaseModel):
    """A lexicon term found in the narrative; offsets index the narrative as sent."""

    model_config = _OUTPUT

    term: str
    start: int
    end: int
    negated_by: str | None = None


class Evidence(BaseModel):
    """How one leaf of a rule's condition was judged.

    ``inverted`` is true for a leaf under a ``not``: the rule needs it to be false.
    ``negated_matches`` are mentions set aside because a negation cue stood near them.
    """

    model_config = _OUTPUT

    path: str
    kind: LeafKind
    subject: str
    expected: str
    actual: str
    result: Truth
    inverted: bool = False
    matches: tuple[TextMatch, ...] = ()
    negated_matches: tuple[TextMatch, ...] = ()


class Flag(BaseModel):
    """A rule that fired (or, in ``shadow_flags``, a candidate rule that would have)."""

    model_config = _OUTPUT

    rule_id: str
    version: int
    title: str
    level: Level
    urgent: bool
    domains: tuple[Domain, ...]
    contexts: tuple[ContextTag, ...]
    rationale: str
    references: tuple[Reference, ...]
    suggests_cin_factors: tuple[str, ...]
    evidence: tuple[Evidence, ...]


class Fact(BaseModel):
    """A fact the referral left unknown, named as a case system would ask for it."""

    model_config = _OUTPUT

    kind: LeafKind
    name: str
    label: str


class InformationGap(BaseModel):
    """A rule left undetermined by unknown facts, and what knowing them could change."""

    model_config = _OUTPUT

    rank: int
    rule_id: str
    title: str
    unknown_facts: tuple[Fact, ...]
    could_change: str


class RuleTrace(BaseModel):
    """With ``explain="full"``: a rule that did not fire and the leaf that stopped it."""

    model_config = _OUTPUT

    rule_id: str
    title: str
    result: Truth
    failed_leaf: Evidence | None
    evidence: tuple[Evidence, ...]


class DomainOutcome(BaseModel):
    model_config = _OUTPUT

    domain: Domain
    label: str
    level: Level
    urgent: bool
    rules: tuple[str, ...]


class ContextOutcome(BaseModel):
    """One context (people, places, school, online, child): the rules and what was named."""

    model_config = _OUTPUT

    context: ContextTag
    rules: tuple[str, ...]
    named: tuple[str, ...]


class SuggestedCode(BaseModel):
    """A Children in Need census factor code suggested by fired rules (a suggestion only)."""

    model_config = _OUTPUT

    code: str
    label: str
    rules: tuple[str, ...]


class Outcome(BaseModel):
    model_config = _OUTPUT

    extra_familial_harm_indicated: bool
    level: Level
    urgent: bool
    subject_kind: SubjectKind
    domains: tuple[DomainOutcome, ...]
    contexts: tuple[ContextOutcome, ...]
    suggested_cin_factors: tuple[SuggestedCode, ...]


class PathwayRecommendation(BaseModel):
    model_config = _OUTPUT

    pathway_id: str
    title: str
    priority: int
    primary: bool
    owner_team: str
    advice: str
    rows: tuple[str, ...]
    rules: tuple[str, ...]
    references: tuple[Reference, ...]


class Provenance(BaseModel):
    model_config = _OUTPUT

    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    engine_version: str


class Decision(BaseModel):
    """The answer to one referral. ``decision_id`` and ``screened_at`` are stamped by adapters."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"$id": "https://screening-api.example/schemas/decision.schema.json"},
    )

    decision_id: str | None = None
    screened_at: datetime | None = None
    referral_id: str
    as_of: date
    outcome: Outcome
    primary_pathway: str
    pathways: tuple[PathwayRecommendation, ...]
    flags: tuple[Flag, ...]
    shadow_flags: tuple[Flag, ...]
    information_gaps: tuple[InformationGap, ...]
    not_fired: tuple[RuleTrace, ...] | None = None
    provenance: Provenance
    notice: str
