"""The loaded ruleset as response models: identity, rules, conditions, pathways, indicators."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from screening_api.api.schemas import (
    Condition,
    IndicatorCatalogue,
    IndicatorInfo,
    PathwayCatalogue,
    PathwayInfo,
    ReferenceInfo,
    RoutingRowInfo,
    RuleCatalogue,
    RuleDetail,
    RulesetIdentity,
    RulesetInfo,
    RuleSummary,
    SourceLocation,
)
from screening_api.api.snapshot import Snapshot
from screening_api.engine.catalogue import ROW_CONDITIONS
from screening_api.engine.model import (
    AllNode,
    AnyNode,
    AtLeastNode,
    FieldLeaf,
    IndicatorLeaf,
    MentionsLeaf,
    NotNode,
    Reference,
    RoutingRow,
    Rule,
    RuleStatus,
)
from screening_api.engine.model import Condition as ConditionNode
from screening_api.engine.ruleset import RuleSet

__all__ = [
    "condition",
    "identity",
    "indicator_catalogue",
    "pathway_catalogue",
    "rule_catalogue",
    "rule_detail",
    "ruleset_info",
]


def identity(ruleset: RuleSet) -> RulesetIdentity:
    return RulesetIdentity(id=ruleset.id, version=ruleset.version, sha256=ruleset.sha256)


def ruleset_info(snapshot: Snapshot) -> RulesetInfo:
    ruleset = snapshot.ruleset
    manifest = ruleset.source.manifest
    statuses = [rule.status for rule in ruleset.source.rules]
    return RulesetInfo(
        id=ruleset.id,
        version=ruleset.version,
        sha256=ruleset.sha256,
        title=manifest.title,
        owner=manifest.owner,
        description=manifest.description,
        rules=len(statuses),
        active_rules=statuses.count(RuleStatus.ACTIVE),
        candidate_rules=statuses.count(RuleStatus.CANDIDATE),
        indicators=len(ruleset.indicators),
        pathways=len(ruleset.pathways),
        warnings=len(ruleset.warnings),
        loaded_at=snapshot.loaded_at,
    )


def _references(references: Sequence[Reference]) -> tuple[ReferenceInfo, ...]:
    return tuple(ReferenceInfo(title=r.title, url=r.url, section=r.section) for r in references)


def _summary_fields(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": rule.title,
        "status": rule.status,
        "version": rule.version,
        "owner": rule.owner,
        "effective_from": rule.effective_from,
        "effective_to": rule.effective_to,
        "domains": rule.domains,
        "contexts": rule.contexts,
        "level": rule.level,
        "urgent": rule.urgent,
        "suggests_cin_factors": rule.suggests_cin_factors,
        "source": SourceLocation(file=rule.file, line=rule.line),
    }


def rule_catalogue(
    ruleset: RuleSet, *, status: RuleStatus | None = None, domain: str | None = None
) -> RuleCatalogue:
    rules = sorted(ruleset.source.rules, key=lambda r: r.id)
    return RuleCatalogue(
        ruleset=identity(ruleset),
        rules=tuple(
            RuleSummary(**_summary_fields(rule))
            for rule in rules
            if (status is None or rule.status is status)
            and (domain is None or domain in rule.domains)
        ),
    )


def rule_detail(ruleset: RuleSet, rule: Rule) -> RuleDetail:
    return RuleDetail(
        **_summary_fields(rule),
        rationale=rule.rationale,
        references=_references(rule.references),
        known_false_positives=rule.known_false_positives,
        superseded_by=rule.superseded_by,
        when=condition(rule.when),
        ruleset=identity(ruleset),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list | frozenset | set):
        items = [_plain(v) for v in value]
        return sorted(items) if isinstance(value, frozenset | set) else items
    return value


def _group(key: str) -> Callable[[Any], Condition]:
    def render(node: Any) -> Condition:
        return Condition.model_validate(
            {"path": node.path, key: tuple(condition(c) for c in node.children)}
        )

    return render


def _not(node: NotNode) -> Condition:
    return Condition.model_validate({"path": node.path, "not": condition(node.child)})


def _at_least(node: AtLeastNode) -> Condition:
    return Condition(
        path=node.path, at_least=node.minimum, of=tuple(condition(c) for c in node.children)
    )


def _indicator(leaf: IndicatorLeaf) -> Condition:
    return Condition(
        path=leaf.path,
        indicator=leaf.code,
        recency=tuple(str(r) for r in leaf.recency) or None,
        source=tuple(str(s) for s in leaf.source) or None,
        count_at_least=leaf.count_at_least,
        within_days=leaf.within_days,
    )


def _field(leaf: FieldLeaf) -> Condition:
    return Condition(
        path=leaf.path, field=leaf.field, operator=leaf.operator, value=_plain(leaf.value)
    )


def _mentions(leaf: MentionsLeaf) -> Condition:
    return Condition(path=leaf.path, mentions=leaf.lexicon)


# One renderer per node type of the rule language: a new node type is one line here.
_RENDERERS: dict[type[Any], Callable[[Any], Condition]] = {
    AllNode: _group("all"),
    AnyNode: _group("any"),
    NotNode: _not,
    AtLeastNode: _at_least,
    IndicatorLeaf: _indicator,
    FieldLeaf: _field,
    MentionsLeaf: _mentions,
}


def condition(node: ConditionNode) -> Condition:
    """A rule's condition tree in the same words as its YAML."""
    return _RENDERERS[type(node)](node)


_ROUTING_CONDITIONS = ROW_CONDITIONS


def _routing_row(row: RoutingRow) -> RoutingRowInfo:
    when = {
        name: _plain(getattr(row, name))
        for name in _ROUTING_CONDITIONS
        if getattr(row, name) not in (None, ())
    }
    return RoutingRowInfo(
        id=row.id,
        pathway=row.pathway,
        fallback=row.fallback,
        when=when,
        source=SourceLocation(file=row.file, line=row.line),
    )


def pathway_catalogue(ruleset: RuleSet) -> PathwayCatalogue:
    pathways = sorted(ruleset.pathways.values(), key=lambda p: (p.priority, p.id))
    return PathwayCatalogue(
        ruleset=identity(ruleset),
        pathways=tuple(
            PathwayInfo(
                id=p.id,
                title=p.title,
                description=p.description,
                priority=p.priority,
                owner_team=p.owner_team,
                advice=p.advice,
                applies_to=p.applies_to,
                references=_references(p.references),
            )
            for p in pathways
        ),
        routing=tuple(_routing_row(row) for row in ruleset.routing),
    )


def indicator_catalogue(ruleset: RuleSet) -> IndicatorCatalogue:
    return IndicatorCatalogue(
        ruleset=identity(ruleset),
        indicators=tuple(
            IndicatorInfo(
                code=i.code,
                label=i.label,
                description=i.description,
                kind=i.kind,
                context=i.context,
                domains=i.domains,
            )
            for i in ruleset.indicators.values()
        ),
    )
