"""Checks across files: duplicate ids, successors and their dates, routing that cannot work."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from screening_api.engine.model import Pathway, RoutingRow, Rule, RuleStatus
from screening_api.engine.reader import Report
from screening_api.errors import Finding, Severity
from screening_api.vocabulary import Level


def _finding(
    code: str,
    severity: Severity,
    message: str,
    file: str,
    line: int,
    rule_id: str | None = None,
    hint: str | None = None,
) -> Finding:
    return Finding(code, severity, message, file, line, 1 if line else 0, rule_id, hint)


def check_duplicates(report: Report, items: Iterable[tuple[str, str, int]], what: str) -> None:
    """``items`` are (id, file, line); the second and later uses of an id are errors."""
    first: dict[str, tuple[str, int]] = {}
    for item_id, file, line in items:
        if item_id in first:
            where = f"{first[item_id][0]}:{first[item_id][1]}"
            report.add(
                _finding(
                    "E109",
                    Severity.ERROR,
                    f"{what} '{item_id}' is already defined at {where}",
                    file,
                    line,
                    item_id if what == "rule id" else None,
                    f"every {what} must be unique; never reuse one for another meaning",
                )
            )
        else:
            first[item_id] = (file, line)


def check_rules(report: Report, rules: Sequence[Rule]) -> None:
    check_duplicates(report, ((r.id, r.file, r.line) for r in rules), "rule id")
    by_id = {rule.id: rule for rule in rules}
    for rule in rules:
        if rule.status is RuleStatus.ACTIVE and not rule.references:
            report.add(
                _finding(
                    "W201",
                    Severity.WARNING,
                    "active rule cites no references",
                    rule.file,
                    rule.line,
                    rule.id,
                    "cite the public guidance the rule rests on (title and url)",
                )
            )
        if rule.superseded_by is None:
            continue
        successor = by_id.get(rule.superseded_by)
        if successor is None:
            report.add(
                _finding(
                    "E112",
                    Severity.ERROR,
                    f"superseded_by names unknown rule '{rule.superseded_by}'",
                    rule.file,
                    rule.line,
                    rule.id,
                    "name the id of the rule that replaces this one",
                )
            )
        elif rule.effective_to is None or successor.effective_from <= rule.effective_to:
            ends = rule.effective_to.isoformat() if rule.effective_to else "no end date"
            report.add(
                _finding(
                    "E111",
                    Severity.ERROR,
                    f"in effect until {ends} while its successor {successor.id} starts "
                    f"{successor.effective_from.isoformat()}: both would count on the same days",
                    rule.file,
                    rule.line,
                    rule.id,
                    "set effective_to to the day before the successor's effective_from",
                )
            )


def check_routing(
    report: Report,
    rows: Sequence[RoutingRow],
    pathways: Sequence[Pathway],
    rules: Sequence[Rule],
    pathways_file: str,
) -> None:
    check_duplicates(report, ((p.id, p.file, p.line) for p in pathways), "pathway id")
    check_duplicates(report, ((r.id, r.file, r.line) for r in rows), "routing row id")
    known = {pathway.id: pathway for pathway in pathways}
    rule_ids = {rule.id for rule in rules}
    fallbacks = [row for row in rows if row.fallback]
    if len(fallbacks) != 1:
        line = fallbacks[1].line if len(fallbacks) > 1 else 0
        report.add(
            _finding(
                "E116",
                Severity.ERROR,
                f"the routing table needs exactly one fallback row, found {len(fallbacks)}",
                pathways_file,
                line,
                hint="add one row with 'fallback: true' pointing at the usual front-door pathway",
            )
        )
    for row in rows:
        if row.pathway not in known:
            report.add(
                _finding(
                    "E115",
                    Severity.ERROR,
                    f"routing row '{row.id}' names unknown pathway '{row.pathway}'",
                    row.file,
                    row.line,
                    hint=f"known pathways: {', '.join(sorted(known))}",
                )
            )
        for rule_id in row.rules_fired:
            if rule_id not in rule_ids:
                report.add(
                    _finding(
                        "E117",
                        Severity.ERROR,
                        f"routing row '{row.id}' names unknown rule '{rule_id}'",
                        row.file,
                        row.line,
                    )
                )
    if report.has_errors:
        return
    active = [rule for rule in rules if rule.status is RuleStatus.ACTIVE]
    reached: set[str] = set()
    for row in rows:
        reason = None if row.fallback else why_unreachable(row, known[row.pathway], active)
        if reason:
            report.add(
                _finding(
                    "W203",
                    Severity.WARNING,
                    f"routing row '{row.id}' can never match: {reason}",
                    row.file,
                    row.line,
                    hint="change its conditions or remove it",
                )
            )
        else:
            reached.add(row.pathway)
    for pathway in pathways:
        if pathway.id not in reached:
            report.add(
                _finding(
                    "W204",
                    Severity.WARNING,
                    f"no routing row can reach pathway '{pathway.id}'",
                    pathway.file,
                    pathway.line,
                    hint="add a routing row for it, or remove the pathway",
                )
            )


def why_unreachable(row: RoutingRow, pathway: Pathway, active: Sequence[Rule]) -> str | None:
    """A reason the row can never match given the active rules, or None when it can."""
    checks: list[Callable[[], str | None]] = [
        lambda: _subject_reason(row, pathway),
        lambda: _domain_reason(row, active),
        lambda: _overall_reason(row, active),
        lambda: (
            "no active rule is urgent" if row.urgent and not any(r.urgent for r in active) else None
        ),
        lambda: (
            f"no active rule has context {', '.join(row.contexts)}"
            if row.contexts and not any(set(r.contexts) & set(row.contexts) for r in active)
            else None
        ),
        lambda: (
            "none of its rules_fired is active"
            if row.rules_fired and not {r.id for r in active} & set(row.rules_fired)
            else None
        ),
    ]
    for check in checks:
        reason = check()
        if reason:
            return reason
    return None


def _subject_reason(row: RoutingRow, pathway: Pathway) -> str | None:
    if row.subject_kind and not set(row.subject_kind) & set(pathway.applies_to):
        return (
            f"pathway '{pathway.id}' applies only to {', '.join(pathway.applies_to)}, "
            f"not to {', '.join(row.subject_kind)}"
        )
    return None


def _reachable_levels(rules: Iterable[Rule]) -> set[Level]:
    return {Level.NONE} | {rule.level for rule in rules}


def _domain_reason(row: RoutingRow, active: Sequence[Rule]) -> str | None:
    if not row.domains:
        return None
    in_domains = [r for r in active if set(r.domains) & set(row.domains)]
    levels = _reachable_levels(in_domains) - {Level.NONE}
    if row.level_in:
        levels = levels & set(row.level_in) | ({Level.NONE} & set(row.level_in))
    else:
        minimum = row.level_at_least or Level.EMERGING
        levels = {level for level in levels if level.rank >= minimum.rank}
    if not levels:
        return f"no active rule in {', '.join(row.domains)} reaches the level it asks for"
    floor = min(level.rank for level in levels)
    if row.overall_level_in and all(level.rank < floor for level in row.overall_level_in):
        return "its overall level can never be as low as its domain level requires"
    return None


def _overall_reason(row: RoutingRow, active: Sequence[Rule]) -> str | None:
    levels = _reachable_levels(active)
    if row.overall_level_at_least and not any(
        level.rank >= row.overall_level_at_least.rank for level in levels
    ):
        return f"no active rule reaches level {row.overall_level_at_least}"
    if row.overall_level_in and not set(row.overall_level_in) & levels:
        return f"no active rule has level {', '.join(row.overall_level_in)}"
    if (
        row.overall_level_at_least
        and row.overall_level_in
        and all(level.rank < row.overall_level_at_least.rank for level in row.overall_level_in)
    ):
        return "overall_level_in and overall_level_at_least contradict each other"
    return None
