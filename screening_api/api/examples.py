"""Worked examples for the API documents, made from the ruleset itself so they stay true.

The example referral uses the ruleset's own indicator codes and the example decision is what
``screen()`` answers for it, so the documents never show a code or an outcome the service
would not give.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from screening_api.api import catalogue
from screening_api.api.problems import describe
from screening_api.api.schemas import (
    BatchItem,
    BatchResponse,
    BatchSummary,
    Health,
    Readiness,
    ReloadResult,
)
from screening_api.api.snapshot import Snapshot
from screening_api.engine.model import (
    AllNode,
    AnyNode,
    AtLeastNode,
    Condition,
    IndicatorKind,
    IndicatorLeaf,
    NotNode,
    RuleStatus,
)
from screening_api.engine.ruleset import RuleSet
from screening_api.referral import Referral
from screening_api.screening import screen

__all__ = ["EXAMPLE_AS_OF", "example_referral", "response_examples"]

EXAMPLE_AS_OF = date(2026, 6, 1)
EXAMPLE_TIME = datetime(2026, 6, 1, 9, 30, 5, tzinfo=UTC)
EXAMPLE_DECISION_ID = "0b9c8f3e-4d2a-4c61-9a57-2f1e6d3c8b40"
_INDICATORS_SHOWN = 3
_LIST_ITEMS_SHOWN = 3


def _observation(leaf: IndicatorLeaf, kind: IndicatorKind, present: bool) -> dict[str, Any]:
    if not present:
        return {"status": "absent"}
    if kind is IndicatorKind.COUNT:
        return {
            "status": "present",
            "count": max(leaf.count_at_least or 3, 1),
            "window_days": leaf.within_days or 90,
        }
    observation = {"status": "present", "recency": "current", "source": "observed"}
    if leaf.recency:
        observation["recency"] = str(leaf.recency[0])
    if leaf.source:
        observation["source"] = str(leaf.source[0])
    return observation


def _leaves(node: Condition, negated: bool = False) -> Iterator[tuple[Any, bool]]:
    """Every leaf of a condition, with whether an odd number of ``not`` sits above it."""
    if isinstance(node, NotNode):
        yield from _leaves(node.child, not negated)
    elif isinstance(node, AllNode | AnyNode | AtLeastNode):
        for child in node.children:
            yield from _leaves(child, negated)
    else:
        yield node, negated


def _showcase_indicators(ruleset: RuleSet) -> dict[str, Any] | None:
    """Indicators that make an active rule fire, for the first rule where indicators alone
    can (tried by screening the candidate referral)."""
    for rule in sorted(ruleset.source.rules, key=lambda r: (r.urgent, r.id)):
        if rule.status is not RuleStatus.ACTIVE or not rule.in_effect(EXAMPLE_AS_OF):
            continue
        indicators = {
            leaf.code: _observation(leaf, ruleset.indicators[leaf.code].kind, not negated)
            for leaf, negated in _leaves(rule.when)
            if isinstance(leaf, IndicatorLeaf)
        }
        if not indicators:
            continue
        candidate = Referral.model_validate(_referral(indicators))
        decision = screen(candidate, ruleset, as_of=EXAMPLE_AS_OF)
        if any(flag.rule_id == rule.id for flag in decision.flags):
            return indicators
    return None


def _first_indicators(ruleset: RuleSet) -> dict[str, Any]:
    return {
        indicator.code: _observation(
            IndicatorLeaf(path="", code=indicator.code), indicator.kind, True
        )
        for indicator in list(ruleset.indicators.values())[:_INDICATORS_SHOWN]
    }


def example_referral(ruleset: RuleSet) -> dict[str, Any]:
    """A referral about a 15-year-old child, with indicators from the ruleset's catalogue
    chosen so that one of its active rules fires where one can on indicators alone."""
    return _referral(_showcase_indicators(ruleset) or _first_indicators(ruleset))


def _referral(indicators: dict[str, Any]) -> dict[str, Any]:
    return {
        "referral_id": "REF-2026-004211",
        "received_at": "2026-06-01T09:12:00Z",
        "as_of": EXAMPLE_AS_OF.isoformat(),
        "subject": {
            "kind": "child",
            "age_years": 15,
            "legal_status": "child_in_need",
            "education_status": "persistent_absence",
        },
        "referrer": {"agency": "police"},
        "indicators": indicators,
        "contexts": {
            "places": [{"type": "transport_hub", "area": "LS9"}],
            "peers": {"group_size": 4},
        },
        "narrative": "Found by police at the station in another town late at night, with "
        "two phones. Would not say who they were with.",
    }


def _refused_referral(ruleset: RuleSet) -> dict[str, Any]:
    refused = example_referral(ruleset)
    refused["referral_id"] = "REF-2026-004212"
    refused["subject"] = {"kind": "child", "age_years": 31}
    return refused


def example_decision(ruleset: RuleSet, *, explain: str = "summary") -> dict[str, Any]:
    referral = Referral.model_validate(example_referral(ruleset))
    decision = screen(
        referral, ruleset, as_of=EXAMPLE_AS_OF, explain="full" if explain == "full" else "summary"
    )
    stamped = decision.model_copy(
        update={"decision_id": EXAMPLE_DECISION_ID, "screened_at": EXAMPLE_TIME}
    )
    return stamped.model_dump(mode="json")


def _batch_example(ruleset: RuleSet) -> dict[str, Any]:
    try:
        Referral.model_validate(_refused_referral(ruleset))
    except ValueError as error:
        problem = describe(error)
    else:  # pragma: no cover - the refused example is refused by the contract itself
        raise AssertionError("the refused example referral was accepted")
    good = BatchItem(index=0, status=200)
    bad = BatchItem(index=1, status=problem.status, problem=problem)
    response = BatchResponse(
        results=(good, bad), summary=BatchSummary(total=2, screened=1, refused=1)
    )
    dumped = response.model_dump(mode="json")
    dumped["results"][0]["decision"] = example_decision(ruleset)
    return dumped


def request_examples(ruleset: RuleSet) -> dict[str, dict[str, Any]]:
    """Request body examples, by operation id."""
    referral = example_referral(ruleset)
    return {
        "screenReferral": {"child": {"summary": "A referral about a child", "value": referral}},
        "screenBatch": {
            "two": {
                "summary": "Two referrals, the second refused (age out of range)",
                "value": {
                    "referrals": [referral, _refused_referral(ruleset)],
                    "explain": "summary",
                },
            }
        },
    }


def _shortened(example: dict[str, Any], *lists: str) -> dict[str, Any]:
    """A list response cut to its first items: the document shows the shape, not all data."""
    for name in lists:
        example[name] = example[name][:_LIST_ITEMS_SHOWN]
    return example


def response_examples(ruleset: RuleSet) -> dict[str, Any]:
    """Successful response examples, by operation id."""
    snapshot = Snapshot(ruleset, EXAMPLE_TIME)
    rules = sorted(ruleset.source.rules, key=lambda r: r.id)
    rule_list = _shortened(catalogue.rule_catalogue(ruleset).model_dump(mode="json"), "rules")
    ident = catalogue.identity(ruleset)
    examples: dict[str, Any] = {
        "screenReferral": example_decision(ruleset),
        "screenBatch": _batch_example(ruleset),
        "getRuleset": catalogue.ruleset_info(snapshot).model_dump(mode="json"),
        "listRules": rule_list,
        "listPathways": _shortened(
            catalogue.pathway_catalogue(ruleset).model_dump(mode="json"), "pathways", "routing"
        ),
        "listIndicators": _shortened(
            catalogue.indicator_catalogue(ruleset).model_dump(mode="json"), "indicators"
        ),
        "reloadRules": ReloadResult(
            reloaded=True,
            changed=False,
            previous=ident,
            current=ident,
            warnings=len(ruleset.warnings),
        ).model_dump(mode="json"),
        "healthz": Health(status="ok", version="0.1.0").model_dump(mode="json"),
        "readyz": Readiness(
            status="ready", ruleset=ident, loaded_at=EXAMPLE_TIME, last_reload_failed=False
        ).model_dump(mode="json"),
    }
    if rules:
        examples["getRule"] = catalogue.rule_detail(ruleset, rules[0]).model_dump(
            mode="json", by_alias=True
        )
    return examples
