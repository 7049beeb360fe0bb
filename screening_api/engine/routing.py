"""Pathway routing: every matching row of the decision table, ordered by pathway priority."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from screening_api.engine.model import Pathway, RoutingRow, Rule
from screening_api.referral import SubjectKind
from screening_api.vocabulary import ContextTag, Domain, Level


@dataclass(frozen=True)
class OutcomeSummary:
    """What routing may look at: levels, urgency, contexts, subject kind, fired rules."""

    domain_levels: Mapping[Domain, Level]
    overall: Level
    urgent: bool
    contexts: frozenset[ContextTag]
    subject_kind: SubjectKind
    fired: Sequence[Rule]


@dataclass(frozen=True)
class Routed:
    pathway: Pathway
    rows: tuple[str, ...]
    rules: tuple[str, ...]


def _domain_level_ok(row: RoutingRow, summary: OutcomeSummary) -> bool:
    for domain in row.domains:
        level = summary.domain_levels.get(domain, Level.NONE)
        if row.level_in:
            if level in row.level_in:
                return True
        elif level.rank >= (row.level_at_least or Level.EMERGING).rank:
            return True
    return False


def row_matches(row: RoutingRow, summary: OutcomeSummary) -> bool:
    if row.fallback:
        return False
    if row.domains and not _domain_level_ok(row, summary):
        return False
    if (
        row.overall_level_at_least is not None
        and summary.overall.rank < row.overall_level_at_least.rank
    ):
        return False
    if row.overall_level_in and summary.overall not in row.overall_level_in:
        return False
    if row.urgent is not None and summary.urgent is not row.urgent:
        return False
    if row.contexts and not summary.contexts & set(row.contexts):
        return False
    if row.subject_kind and summary.subject_kind not in row.subject_kind:
        return False
    fired_ids = {rule.id for rule in summary.fired}
    return not (row.rules_fired and not fired_ids & set(row.rules_fired))


def rules_behind(row: RoutingRow, fired: Iterable[Rule]) -> tuple[str, ...]:
    """The fired rules that the row's conditions speak about."""
    chosen = []
    for rule in fired:
        if row.rules_fired and rule.id not in row.rules_fired:
            continue
        if row.domains and not set(rule.domains) & set(row.domains):
            continue
        if row.level_at_least and rule.level.rank < row.level_at_least.rank:
            continue
        if row.level_in and rule.level not in row.level_in:
            continue
        if row.urgent and not rule.urgent:
            continue
        if row.contexts and not set(rule.contexts) & set(row.contexts):
            continue
        chosen.append(rule.id)
    return tuple(chosen)


def route(
    summary: OutcomeSummary, rows: Sequence[RoutingRow], pathways: Mapping[str, Pathway]
) -> list[Routed]:
    """All matching rows grouped by pathway, highest priority (lowest number) first.

    Rows whose pathway does not serve the subject's kind never apply; when nothing else
    matches, the fallback row does.
    """
    serves = [row for row in rows if summary.subject_kind in pathways[row.pathway].applies_to]
    matched = [row for row in serves if row_matches(row, summary)]
    if not matched:
        matched = [row for row in rows if row.fallback]
    grouped: dict[str, tuple[list[str], list[str]]] = {}
    for row in matched:
        row_ids, rule_ids = grouped.setdefault(row.pathway, ([], []))
        row_ids.append(row.id)
        rule_ids.extend(r for r in rules_behind(row, summary.fired) if r not in rule_ids)
    routed = [
        Routed(pathways[pid], tuple(rows_), tuple(sorted(rules)))
        for pid, (rows_, rules) in grouped.items()
    ]
    return sorted(routed, key=lambda r: (r.pathway.priority, r.pathway.id))
