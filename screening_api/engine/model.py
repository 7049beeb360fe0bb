"""The parsed ruleset: plain, immutable values read from YAML before anything is compiled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from screening_api.referral import Recency, Source, SubjectKind
from screening_api.vocabulary import ContextTag, Domain, Level

Where = tuple[str, tuple[str | int, ...]]  # (file shown to people, path inside the file)


class RuleStatus(StrEnum):
    DRAFT = "draft"
    CANDIDATE = "candidate"
    ACTIVE = "active"
    DEPRECATED = "deprecated"
    RETIRED = "retired"


class IndicatorKind(StrEnum):
    FLAG = "flag"
    COUNT = "count"


@dataclass(frozen=True)
class Manifest:
    id: str
    version: str
    title: str
    owner: str
    description: str


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    description: str
    kind: IndicatorKind
    context: ContextTag
    domains: tuple[Domain, ...]


@dataclass(frozen=True)
class LexiconTerm:
    term: str
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    id: str
    title: str
    description: str
    terms: tuple[LexiconTerm, ...]


@dataclass(frozen=True)
class NegationCues:
    window_words: int = 5
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    breakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    title: str
    url: str
    section: str | None = None


# Condition nodes. `path` is the node's place in the rule ("when.all[1].any[0]").


@dataclass(frozen=True)
class IndicatorLeaf:
    path: str
    code: str
    recency: tuple[Recency, ...] = ()
    source: tuple[Source, ...] = ()
    count_at_least: int | None = None
    within_days: int | None = None


@dataclass(frozen=True)
class FieldLeaf:
    path: str
    field: str
    operator: str
    value: object


@dataclass(frozen=True)
class MentionsLeaf:
    path: str
    lexicon: str


@dataclass(frozen=True)
class AllNode:
    path: str
    children: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyNode:
    path: str
    children: tuple[Condition, ...]


@dataclass(frozen=True)
class NotNode:
    path: str
    child: Condition


@dataclass(frozen=True)
class AtLeastNode:
    path: str
    minimum: int
    children: tuple[Condition, ...]


Leaf = IndicatorLeaf | FieldLeaf | MentionsLeaf
Condition = AllNode | AnyNode | NotNode | AtLeastNode | Leaf


@dataclass(frozen=True)
class Rule:
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
    rationale: str
    references: tuple[Reference, ...]
    known_false_positives: tuple[str, ...]
    superseded_by: str | None
    when: Condition
    file: str
    line: int

    def in_effect(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class Pathway:
    id: str
    title: str
    description: str
    priority: int
    owner_team: str
    advice: str
    applies_to: tuple[SubjectKind, ...]
    references: tuple[Reference, ...]
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class RoutingRow:
    id: str
    pathway: str
    fallback: bool = False
    domains: tuple[Domain, ...] = ()
    level_at_least: Level | None = None
    level_in: tuple[Level, ...] = ()
    overall_level_at_least: Level | None = None
    overall_level_in: tuple[Level, ...] = ()
    urgent: bool | None = None
    contexts: tuple[ContextTag, ...] = ()
    subject_kind: tuple[SubjectKind, ...] = ()
    rules_fired: tuple[str, ...] = ()
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class RulesetSource:
    """Everything read from a ruleset folder, before compilation."""

    manifest: Manifest
    indicators: tuple[Indicator, ...]
    lexicons: tuple[Lexicon, ...]
    negation: NegationCues
    rules: tuple[Rule, ...]
    pathways: tuple[Pathway, ...]
    routing: tuple[RoutingRow, ...]
