"""``screen()``: the pure core. No clock, file, environment or global state is read here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from screening_api import __version__
from screening_api.decision import (
    ContextOutcome,
    Decision,
    DomainOutcome,
    Fact,
    Flag,
    InformationGap,
    Outcome,
    PathwayRecommendation,
    Provenance,
    RuleTrace,
    SuggestedCode,
    Truth,
)
from screening_api.engine.compiler import Explained, Facts, as_truth
from screening_api.engine.compiler import Fact as FactKey
from screening_api.engine.model import IndicatorKind, Rule, RuleStatus
from screening_api.engine.reader import did_you_mean
from screening_api.engine.routing import OutcomeSummary, route
from screening_api.engine.ruleset import CompiledRule, RuleSet
from screening_api.errors import Problem, ReferralError
from screening_api.referral import Presence, Referral
from screening_api.vocabulary import (
    CIN_FACTORS,
    DECISION_SUPPORT_NOTICE,
    ContextTag,
    Domain,
    Level,
)

Explain = Literal["summary", "full"]


def check_indicators(referral: Referral, ruleset: RuleSet) -> None:
    """Refuse codes outside the catalogue, and counts on the wrong kind of indicator."""
    problems = []
    for code, observation in referral.indicators.items():
        indicator = ruleset.indicators.get(code)
        field = f"indicators.{code}"
        if indicator is None:
            hint = did_you_mean(code, ruleset.indicators)
            problems.append(
                Problem(
                    field,
                    f"unknown indicator code '{code}': it is not in the "
                    f"indicator catalogue{' (' + hint + ')' if hint else ''}",
                )
            )
        elif indicator.kind is IndicatorKind.FLAG and observation.count is not None:
            problems.append(Problem(field, f"'{code}' is a flag indicator and takes no count"))
        elif (
            indicator.kind is IndicatorKind.COUNT
            and observation.status is Presence.PRESENT
            and observation.count is None
        ):
            problems.append(
                Problem(
                    field,
                    f"'{code}' is a count indicator: give 'count' "
                    "(and 'window_days') when it is present",
                )
            )
    if problems:
        raise ReferralError(problems)


def screen(
    referral: Referral, ruleset: RuleSet, *, as_of: date | None = None, explain: Explain = "summary"
) -> Decision:
    """Screen one referral against a ruleset and explain the result.

    ``as_of`` is the date rules are judged on (their effective windows); it defaults to the
    referral's own ``as_of``. The same inputs always give the same decision: ``decision_id``
    and ``screened_at`` are left for the adapter to stamp.
    """
    judged_on = as_of or referral.as_of
    if judged_on is None:
        raise ReferralError(
            [
                Problem(
                    "as_of",
                    "a date to judge on is required: give as_of in the referral or to screen()",
                )
            ]
        )
    check_indicators(referral, ruleset)
    facts = Facts(referral, referral.indicators, ruleset.matcher.scan(referral.narrative))

    fired: list[tuple[CompiledRule, Explained]] = []
    shadow: list[tuple[CompiledRule, Explained]] = []
    open_rules: list[tuple[CompiledRule, Explained]] = []  # not fired, explained
    gap_rules: list[tuple[Rule, list[FactKey]]] = []  # undetermined, with evidence of harm
    for compiled in ruleset.rules:
        rule = compiled.rule
        if not rule.in_effect(judged_on):
            continue
        result = compiled.condition.evaluate(facts)
        is_active = rule.status is not RuleStatus.CANDIDATE
        if result is True:
            (fired if is_active else shadow).append((compiled, compiled.condition.explain(facts)))
        elif is_active:
            if result is None and compiled.condition.has_positive_evidence(facts):
                gap_rules.append((compiled.rule, compiled.condition.unknowns(facts)))
            if explain == "full":
                open_rules.append((compiled, compiled.condition.explain(facts)))

    fired_rules = [c.rule for c, _ in fired]
    outcome = _outcome(referral, ruleset, fired_rules)
    summary = OutcomeSummary(
        domain_levels={d.domain: d.level for d in outcome.domains},
        overall=outcome.level,
        urgent=outcome.urgent,
        contexts=frozenset(tag for rule in fired_rules for tag in rule.contexts),
        subject_kind=referral.subject.kind,
        fired=fired_rules,
    )
    routed = route(summary, ruleset.routing, ruleset.pathways)
    pathways = tuple(
        PathwayRecommendation(
            pathway_id=r.pathway.id,
            title=r.pathway.title,
            priority=r.pathway.priority,
            primary=index == 0,
            owner_team=r.pathway.owner_team,
            advice=r.pathway.advice,
            rows=r.rows,
            rules=r.rules,
            references=ruleset.pathway_references[r.pathway.id],
        )
        for index, r in enumerate(routed)
    )
    return Decision(
        referral_id=referral.referral_id,
        as_of=judged_on,
        outcome=outcome,
        primary_pathway=pathways[0].pathway_id,
        pathways=pathways,
        flags=tuple(_flag(c, e) for c, e in fired),
        shadow_flags=tuple(_flag(c, e) for c, e in shadow),
        information_gaps=_gaps(gap_rules, outcome),
        not_fired=(tuple(_trace(c.rule, e) for c, e in open_rules) if explain == "full" else None),
        provenance=Provenance(
            ruleset_id=ruleset.id,
            ruleset_version=ruleset.version,
            ruleset_sha256=ruleset.sha256,
            engine_version=__version__,
        ),
        notice=DECISION_SUPPORT_NOTICE,
    )


def _outcome(referral: Referral, ruleset: RuleSet, fired: Sequence[Rule]) -> Outcome:
    levels: dict[Domain, Level] = {}
    behind: dict[Domain, list[str]] = {}
    urgent_domains: set[Domain] = set()
    for rule in fired:
        for domain in rule.domains:
            if rule.level.rank > levels.get(domain, Level.NONE).rank:
                levels[domain] = rule.level
            behind.setdefault(domain, []).append(rule.id)
            if rule.urgent:
                urgent_domains.add(domain)
    domains = tuple(
        DomainOutcome(
            domain=d,
            label=d.label,
            level=levels[d],
            urgent=d in urgent_domains,
            rules=tuple(behind[d]),
        )
        for d in sorted(levels, key=lambda d: (-levels[d].rank, list(Domain).index(d)))
    )
    overall = max(levels.values(), key=lambda level: level.rank, default=Level.NONE)
    codes: dict[str, list[str]] = {}
    for rule in fired:
        for code in rule.suggests_cin_factors:
            codes.setdefault(code, []).append(rule.id)
    return Outcome(
        extra_familial_harm_indicated=bool(fired),
        level=overall,
        urgent=any(rule.urgent for rule in fired),
        subject_kind=referral.subject.kind,
        domains=domains,
        contexts=_contexts(referral, ruleset, fired),
        suggested_cin_factors=tuple(
            SuggestedCode(code=code, label=CIN_FACTORS[code], rules=tuple(rules))
            for code, rules in sorted(codes.items())
        ),
    )


def _contexts(
    referral: Referral, ruleset: RuleSet, fired: Sequence[Rule]
) -> tuple[ContextOutcome, ...]:
    named: dict[ContextTag, list[str]] = {tag: [] for tag in ContextTag}
    contexts = referral.contexts
    for place in contexts.places:
        named[ContextTag.PLACES].append(
            place.type.value.replace("_", " ") + (f" ({place.area})" if place.area else "")
        )
    for online in contexts.online:
        named[ContextTag.ONLINE].append(
            online.kind.value.replace("_", " ")
            + (f" ({online.platform})" if online.platform else "")
        )
    if contexts.peers is not None:
        if contexts.peers.group_size is not None:
            named[ContextTag.PEOPLE].append(f"peer group of {contexts.peers.group_size}")
        if contexts.peers.linked_referrals:
            named[ContextTag.PEOPLE].append(
                f"{len(contexts.peers.linked_referrals)} linked referral(s)"
            )
    if contexts.school is not None:
        named[ContextTag.SCHOOL].append(
            f"school setting: {contexts.school.setting.value.replace('_', ' ')}"
        )
    for code, observation in sorted(referral.indicators.items()):
        indicator = ruleset.indicators[code]
        if observation.status is Presence.PRESENT:
            named[indicator.context].append(indicator.label)
    result = []
    for tag in ContextTag:
        rules = tuple(rule.id for rule in fired if tag in rule.contexts)
        if rules or named[tag]:
            result.append(ContextOutcome(context=tag, rules=rules, named=tuple(named[tag])))
    return tuple(result)


def _flag(compiled: CompiledRule, explained: Explained) -> Flag:
    rule = compiled.rule
    return Flag(
        rule_id=rule.id,
        version=rule.version,
        title=rule.title,
        level=rule.level,
        urgent=rule.urgent,
        domains=rule.domains,
        contexts=rule.contexts,
        rationale=rule.rationale,
        references=compiled.references,
        suggests_cin_factors=rule.suggests_cin_factors,
        evidence=tuple(leaf.evidence() for leaf in explained.leaves()),
    )


def deciding_leaf(node: Explained) -> Explained | None:
    """The first leaf that gave the node its result: the one a reader should look at."""
    if node.is_leaf:
        return node
    wanted = node.result
    if node.inverts and wanted is not None:
        wanted = not wanted
    for child in node.children:
        if child.result is wanted:
            return deciding_leaf(child)
    return None


def _trace(rule: Rule, explained: Explained) -> RuleTrace:
    stopped = deciding_leaf(explained)
    return RuleTrace(
        rule_id=rule.id,
        title=rule.title,
        result=as_truth(explained.result),
        failed_leaf=stopped.evidence() if stopped else None,
        evidence=tuple(leaf.evidence() for leaf in explained.leaves()),
    )


def _gaps(
    gap_rules: Sequence[tuple[Rule, list[FactKey]]], outcome: Outcome
) -> tuple[InformationGap, ...]:
    """Undetermined rules with some evidence of harm already, ranked by what knowing more could
    change.

    Evidence of harm is an indicator or a narrative mention outside any `not` (an indicator
    reported present with its date or source unknown counts). Facts about who the child is
    are not: asking about every rule that an age or a legal status leaves open would bury the
    questions that matter.
    """
    current = {d.domain: d.level for d in outcome.domains}
    ranked = []
    for rule, facts in gap_rules:
        unknown = dict.fromkeys(facts)  # each fact once, in the order the rule names them
        change, weight = _could_change(rule, current, outcome.urgent)
        ranked.append((weight, len(unknown), rule.id, rule, tuple(unknown), change))
    ranked.sort(key=lambda item: (-item[0], item[1], item[2]))
    return tuple(
        InformationGap(
            rank=rank,
            rule_id=rule.id,
            title=rule.title,
            unknown_facts=tuple(
                Fact(kind=kind, name=name, label=label) for kind, name, label in unknown
            ),
            could_change=change,
        )
        for rank, (_, _, _, rule, unknown, change) in enumerate(ranked, start=1)
    )


def _could_change(rule: Rule, current: dict[Domain, Level], urgent: bool) -> tuple[str, int]:
    changes = []
    weight = 0
    if rule.urgent and not urgent:
        changes.append("would make the referral urgent")
        weight += 10
    for domain in rule.domains:
        before = current.get(domain, Level.NONE)
        if rule.level.rank > before.rank:
            changes.append(f"would raise {domain.label} from {before} to {rule.level}")
            weight = max(weight, weight + rule.level.rank - before.rank)
    if not changes:
        labels = " and ".join(d.label for d in rule.domains)
        return f"would add evidence to {labels} at its current level", 0
    return "; ".join(changes), weight


__all__ = ["Truth", "check_indicators", "screen"]
