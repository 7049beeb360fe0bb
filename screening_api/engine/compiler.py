"""Compile condition trees into plain Python callables, once, when a ruleset loads.

Each node becomes two closures: ``evaluate`` (the fast path: short-circuiting Kleene logic,
returning True, False or None for unknown) and ``explain`` (every leaf judged, with evidence).
Everything a leaf needs (indicator code, thresholds, the field reader, the lexicon's slot in the
scan result, the text of its evidence) is resolved here, so evaluation does no parsing and no
look-up that could have been made at compile time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from screening_api.decision import Evidence, LeafKind, TextMatch, Truth
from screening_api.engine.fields import FIELDS, OPERATORS, describe_value
from screening_api.engine.model import (
    AllNode,
    AnyNode,
    AtLeastNode,
    Condition,
    FieldLeaf,
    Indicator,
    IndicatorLeaf,
    MentionsLeaf,
    NotNode,
)
from screening_api.engine.text import Hit, LexiconHits
from screening_api.referral import Observation, Presence, Referral

Tri = bool | None


@dataclass(frozen=True, slots=True)
class Facts:
    """What one referral offers the rules, prepared once per screening."""

    referral: Referral
    indicators: Mapping[str, Observation]
    hits: tuple[LexiconHits, ...] | None  # None: the referral has no narrative
    # text matches as decision objects, built once per lexicon and only when explained
    shown: dict[int, tuple[tuple[TextMatch, ...], tuple[TextMatch, ...]]] = field(
        default_factory=dict
    )


class Explained(NamedTuple):
    """A judged node: its result, its children, and for a leaf its fact and evidence.

    Evidence is built on demand (``evidence()``): information gaps need only results and facts,
    so undetermined rules cost no evidence objects unless a reader asks for them. A named tuple,
    because hundreds are made per screening and a frozen dataclass is several times slower to
    build.
    """

    result: Tri
    children: tuple[Explained, ...]
    describe: Callable[[], Evidence] | None = None  # set on leaves only
    fact: tuple[LeafKind, str, str] | None = None  # (kind, name, label) the leaf asks about
    negated: bool = False  # a leaf under an odd number of `not`
    inverts: bool = False  # a `not` node

    @property
    def is_leaf(self) -> bool:
        return self.describe is not None

    def evidence(self) -> Evidence:
        if self.describe is None:
            raise ValueError("only a leaf has evidence")
        return self.describe()

    def leaves(self) -> list[Explained]:
        if self.is_leaf:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


Evaluate = Callable[[Facts], Tri]
Fact = tuple[LeafKind, str, str]  # (kind, name, label) of what a leaf asks about
Explain = Callable[[Facts], Explained]


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    evaluate: Evaluate
    explain: Explain
    # the facts whose being unknown leaves this node undetermined (only unknown branches)
    unknowns: Callable[[Facts], list[Fact]]
    # the leaves outside any `not`: one of them true is evidence worth an information gap
    positive: tuple[Evaluate, ...] = ()

    def has_positive_evidence(self, facts: Facts) -> bool:
        return any(leaf(facts) is True for leaf in self.positive)


def as_truth(value: Tri) -> Truth:
    return Truth.UNKNOWN if value is None else (Truth.TRUE if value else Truth.FALSE)


def compile_condition(
    node: Condition,
    indicators: Mapping[str, Indicator],
    lexicon_slots: Mapping[str, int],
    negated: bool = False,
) -> CompiledCondition:
    if isinstance(node, AllNode | AnyNode | AtLeastNode):
        children = [compile_condition(c, indicators, lexicon_slots, negated) for c in node.children]
        if isinstance(node, AllNode):
            return _group(children, _all)
        if isinstance(node, AnyNode):
            return _group(children, _any)
        return _group(children, _at_least(node.minimum))
    if isinstance(node, NotNode):
        return _not(compile_condition(node.child, indicators, lexicon_slots, not negated))
    if isinstance(node, IndicatorLeaf):
        return _indicator(node, indicators[node.code], negated)
    if isinstance(node, FieldLeaf):
        return _field(node, negated)
    return _mentions(node, lexicon_slots[node.lexicon], negated)


# --- groups: Kleene logic ---------------------------------------------------------------

Combine = Callable[[Sequence[Tri]], Tri]


def _all(results: Sequence[Tri]) -> Tri:
    if False in results:
        return False
    return None if None in results else True


def _any(results: Sequence[Tri]) -> Tri:
    if True in results:
        return True
    return None if None in results else False


def _at_least(minimum: int) -> Combine:
    def combine(results: Sequence[Tri]) -> Tri:
        true = sum(1 for r in results if r is True)
        if true >= minimum:
            return True
        unknown = sum(1 for r in results if r is None)
        return False if true + unknown < minimum else None

    return combine


def _group(children: list[CompiledCondition], combine: Combine) -> CompiledCondition:
    evaluators = tuple(child.evaluate for child in children)
    explainers = tuple(child.explain for child in children)

    if combine is _all:

        def evaluate(facts: Facts) -> Tri:
            unknown = False
            for child in evaluators:
                result = child(facts)
                if result is False:
                    return False
                if result is None:
                    unknown = True
            return None if unknown else True
    elif combine is _any:

        def evaluate(facts: Facts) -> Tri:
            unknown = False
            for child in evaluators:
                result = child(facts)
                if result is True:
                    return True
                if result is None:
                    unknown = True
            return None if unknown else False
    else:

        def evaluate(facts: Facts) -> Tri:
            return combine([child(facts) for child in evaluators])

    def explain(facts: Facts) -> Explained:
        judged = tuple(child(facts) for child in explainers)
        return Explained(combine([j.result for j in judged]), judged)

    pairs = tuple((child.evaluate, child.unknowns) for child in children)

    def unknowns(facts: Facts) -> list[Fact]:
        found: list[Fact] = []
        for child_evaluate, child_unknowns in pairs:
            if child_evaluate(facts) is None:
                found.extend(child_unknowns(facts))
        return found

    positive = tuple(leaf for child in children for leaf in child.positive)
    return CompiledCondition(evaluate, explain, unknowns, positive)


def _not(child: CompiledCondition) -> CompiledCondition:
    inner_evaluate, inner_explain = child.evaluate, child.explain

    def evaluate(facts: Facts) -> Tri:
        result = inner_evaluate(facts)
        return None if result is None else not result

    def explain(facts: Facts) -> Explained:
        judged = inner_explain(facts)
        return Explained(
            None if judged.result is None else not judged.result, (judged,), inverts=True
        )

    return CompiledCondition(evaluate, explain, child.unknowns, child.positive)


# --- leaves ------------------------------------------------------------------------------


def _must_not(expected: str, negated: bool) -> str:
    """Under a `not`, the rule needs the leaf to be false: say so in the evidence."""
    return f"not ({expected})" if negated else expected


def _leaf(
    evaluate: Evaluate,
    describe: Callable[[Facts, Tri], Evidence],
    fact: Callable[[Facts, Tri], Fact],
    negated: bool,
    evidence_of_harm: Evaluate | None,
) -> CompiledCondition:
    """A leaf; ``evidence_of_harm`` (outside a `not` only) says whether it already points
    at harm, which makes an undetermined rule worth an information gap."""

    def explain(facts: Facts) -> Explained:
        result = evaluate(facts)
        return Explained(result, (), lambda: describe(facts, result), fact(facts, result), negated)

    def unknowns(facts: Facts) -> list[Fact]:
        return [fact(facts, None)] if evaluate(facts) is None else []

    positive = (evidence_of_harm,) if evidence_of_harm is not None and not negated else ()
    return CompiledCondition(evaluate, explain, unknowns, positive)


def _indicator(leaf: IndicatorLeaf, indicator: Indicator, negated: bool) -> CompiledCondition:
    code = leaf.code
    recencies = frozenset(leaf.recency) or None
    sources = frozenset(leaf.source) or None
    threshold, window = leaf.count_at_least, leaf.within_days
    present, absent = Presence.PRESENT, Presence.ABSENT

    def evaluate(facts: Facts) -> Tri:
        observation = facts.indicators.get(code)
        if observation is None or observation.status is not present:
            return False if observation is not None and observation.status is absent else None
        if recencies is not None:
            if observation.recency is None:
                return None
            if observation.recency not in recencies:
                return False
        if sources is not None:
            if observation.source is None:
                return None
            if observation.source not in sources:
                return False
        if threshold is not None:
            count = observation.count
            if count is None:
                return None
            if count < threshold:
                return False  # fewer over any window means fewer over a shorter one
            if window is not None and (
                observation.window_days is None or observation.window_days > window
            ):
                return None  # enough episodes, but perhaps not all inside the rule's window
        return True

    expected = _must_not(_expected_observation(leaf), negated)
    subject = f"indicators.{code}"

    def describe(facts: Facts, result: Tri) -> Evidence:
        return Evidence(
            path=leaf.path,
            kind=LeafKind.INDICATOR,
            subject=subject,
            expected=expected,
            actual=_actual_observation(facts.indicators.get(code)),
            result=as_truth(result),
            inverted=negated,
        )

    label = indicator.label

    def fact(facts: Facts, result: Tri) -> Fact:
        observation = facts.indicators.get(code)
        if result is None and observation is not None and observation.status is present:
            return (LeafKind.INDICATOR, code, f"{label}: {_missing_detail(leaf, observation)}")
        return (LeafKind.INDICATOR, code, label)

    def reported_present(facts: Facts) -> Tri:
        # true, or present with only its recency, source or window unknown: partial evidence
        result = evaluate(facts)
        if result is None:
            observation = facts.indicators.get(code)
            return observation is not None and observation.status is present
        return result

    return _leaf(evaluate, describe, fact, negated, reported_present)


def _missing_detail(leaf: IndicatorLeaf, observation: Observation) -> str:
    if leaf.recency and observation.recency is None:
        return "reported present, but when is not given"
    if leaf.source and observation.source is None:
        return "reported present, but the source is not given"
    return "reported present, but not over which window"


def _expected_observation(leaf: IndicatorLeaf) -> str:
    parts = ["present"]
    if leaf.recency:
        parts.append("recency " + " or ".join(leaf.recency))
    if leaf.source:
        parts.append("source " + " or ".join(leaf.source))
    if leaf.count_at_least is not None:
        count = f"count at least {leaf.count_at_least}"
        if leaf.within_days is not None:
            count += f" within {leaf.within_days} days"
        parts.append(count)
    return "; ".join(parts)


def _actual_observation(observation: Observation | None) -> str:
    if observation is None:
        return "not reported"
    parts = [observation.status.value]
    if observation.recency is not None:
        parts.append(f"recency {observation.recency.value}")
    if observation.source is not None:
        parts.append(f"source {observation.source.value}")
    if observation.count is not None:
        count = f"count {observation.count}"
        if observation.window_days is not None:
            count += f" over {observation.window_days} days"
        parts.append(count)
    return "; ".join(parts)


def _field(leaf: FieldLeaf, negated: bool) -> CompiledCondition:
    spec = FIELDS[leaf.field]
    operator = OPERATORS[leaf.operator]
    read, compare = spec.read, operator.compare
    operand = leaf.value
    if operator.takes_list and isinstance(operand, tuple):
        operand = frozenset(operand)  # made once here, not on every evaluation

    def evaluate(facts: Facts) -> Tri:
        value = read(facts.referral)
        return None if value is None else compare(value, operand)

    expected = _must_not(f"{operator.phrase} {describe_value(leaf.value)}", negated)

    def describe(facts: Facts, result: Tri) -> Evidence:
        return Evidence(
            path=leaf.path,
            kind=LeafKind.FIELD,
            subject=leaf.field,
            expected=expected,
            actual=describe_value(read(facts.referral)),
            result=as_truth(result),
            inverted=negated,
        )

    field_fact: Fact = (LeafKind.FIELD, leaf.field, leaf.field)
    # who the child is (age, status) is context, never evidence of harm on its own
    return _leaf(evaluate, describe, lambda facts, result: field_fact, negated, None)


def _matches(hits: Sequence[Hit]) -> tuple[TextMatch, ...]:
    return tuple(
        TextMatch(term=h.term, start=h.start, end=h.end, negated_by=h.negated_by) for h in hits
    )


def _mentions(leaf: MentionsLeaf, slot: int, negated: bool) -> CompiledCondition:
    def evaluate(facts: Facts) -> Tri:
        hits = facts.hits
        return None if hits is None else bool(hits[slot].found)

    expected = _must_not(f"a term from lexicon '{leaf.lexicon}', not negated", negated)

    def describe(facts: Facts, result: Tri) -> Evidence:
        if facts.hits is None:
            return Evidence(
                path=leaf.path,
                kind=LeafKind.MENTIONS,
                subject="narrative",
                expected=expected,
                actual="no narrative",
                result=as_truth(result),
                inverted=negated,
            )
        found, set_aside = facts.hits[slot].found, facts.hits[slot].negated
        if slot not in facts.shown:
            facts.shown[slot] = (_matches(found), _matches(set_aside))
        shown_found, shown_negated = facts.shown[slot]
        terms = sorted({h.term for h in found})
        actual = ("mentions " + ", ".join(f"'{t}'" for t in terms)) if terms else "no term found"
        if set_aside:
            actual += f"; {len(set_aside)} negated mention(s) set aside"
        return Evidence(
            path=leaf.path,
            kind=LeafKind.MENTIONS,
            subject="narrative",
            expected=expected,
            actual=actual,
            result=as_truth(result),
            inverted=negated,
            matches=shown_found,
            negated_matches=shown_negated,
        )

    mentions_fact: Fact = (LeafKind.MENTIONS, leaf.lexicon, "narrative")
    return _leaf(evaluate, describe, lambda facts, result: mentions_fact, negated, evaluate)
