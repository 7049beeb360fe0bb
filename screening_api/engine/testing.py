"""Run rule test cases and measure coverage; the same runner serves the CLI and pytest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from screening_api.decision import Decision, Evidence, LeafKind, Truth
from screening_api.engine.cases import Case, read_cases
from screening_api.engine.loader import read_ruleset
from screening_api.engine.model import AllNode, AnyNode, AtLeastNode, Condition, NotNode
from screening_api.engine.reader import Report
from screening_api.engine.ruleset import RuleSet, compile_ruleset
from screening_api.errors import Finding, ReferralError, RulesetError, RuleTestError, Severity
from screening_api.screening import screen
from screening_api.vocabulary import Level


@dataclass(frozen=True)
class CaseResult:
    case: Case
    problems: tuple[str, ...]
    decision: Decision | None

    @property
    def passed(self) -> bool:
        return not self.problems

    def report(self) -> str:
        head = f"{'PASS' if self.passed else 'FAIL'} {self.case.location} {self.case.name}"
        return "\n".join([head, *(f"    {problem}" for problem in self.problems)])


def _listed(ids: Iterable[str]) -> str:
    return ", ".join(sorted(ids))


def judge(case: Case, decision: Decision) -> list[str]:
    """A short diff between what the case expects and what the decision says."""
    expect = case.expect
    fired = {flag.rule_id for flag in decision.flags}
    problems = []
    missing = set(expect.fired) - fired
    if missing:
        problems.append(
            f"fired: expected {_listed(missing)} to fire; fired: {_listed(fired) or 'none'}"
        )
    wrongly = set(expect.not_fired) & fired
    if wrongly:
        problems.append(f"not_fired: {_listed(wrongly)} fired")
    if expect.only_fired and fired - set(expect.fired):
        problems.append(f"only_fired: unexpected {_listed(fired - set(expect.fired))}")
    levels = {d.domain: d.level for d in decision.outcome.domains}
    for domain, level in expect.levels.items():
        got = levels.get(domain, Level.NONE)
        if got is not level:
            problems.append(f"level {domain}: expected {level}, got {got}")
    outcome = decision.outcome
    if expect.overall_level is not None and outcome.level is not expect.overall_level:
        problems.append(f"overall_level: expected {expect.overall_level}, got {outcome.level}")
    if expect.urgent is not None and outcome.urgent is not expect.urgent:
        problems.append(
            f"urgent: expected {str(expect.urgent).lower()}, got {str(outcome.urgent).lower()}"
        )
    if (
        expect.harm_indicated is not None
        and outcome.extra_familial_harm_indicated is not expect.harm_indicated
    ):
        problems.append(f"harm_indicated: expected {str(expect.harm_indicated).lower()}")
    routed = [p.pathway_id for p in decision.pathways]
    missing_paths = [p for p in expect.pathways if p not in routed]
    if missing_paths:
        problems.append(f"pathways: expected {_listed(missing_paths)}; got {', '.join(routed)}")
    if expect.primary_pathway is not None and decision.primary_pathway != expect.primary_pathway:
        problems.append(
            f"primary_pathway: expected {expect.primary_pathway}, got {decision.primary_pathway}"
        )
    gaps = {gap.rule_id for gap in decision.information_gaps}
    if set(expect.gaps) - gaps:
        problems.append(
            f"gaps: expected {_listed(set(expect.gaps) - gaps)} as information "
            f"gaps; got {_listed(gaps) or 'none'}"
        )
    return problems


def run_case(case: Case, ruleset: RuleSet) -> CaseResult:
    try:
        decision = screen(case.referral, ruleset, as_of=case.as_of, explain="full")
    except ReferralError as error:
        return CaseResult(case, tuple(str(p) for p in error.problems), None)
    return CaseResult(case, tuple(judge(case, decision)), decision)


def leaf_paths(node: Condition) -> list[str]:
    if isinstance(node, AllNode | AnyNode | AtLeastNode):
        return [path for child in node.children for path in leaf_paths(child)]
    if isinstance(node, NotNode):
        return leaf_paths(node.child)
    return [node.path]


def is_near_miss(evidence: Sequence[Evidence]) -> bool:
    """A rule that did not fire although evidence of harm for it was there: an indicator or
    a mention outside any `not` was true. A rule with neither kind of leaf counts any leaf
    outside a `not` (a context rule on fields alone)."""
    outside_not = [e for e in evidence if not e.inverted]
    of_harm = [e for e in outside_not if e.kind in (LeafKind.INDICATOR, LeafKind.MENTIONS)]
    return any(e.result is Truth.TRUE for e in (of_harm or outside_not))


@dataclass
class Coverage:
    """What the tests exercised, against what the active rules and routing table hold."""

    rules: set[str]
    leaves: set[tuple[str, str]]
    rows: set[str]
    fired: set[str] = field(default_factory=set)
    near_missed: set[str] = field(default_factory=set)
    seen_true: set[tuple[str, str]] = field(default_factory=set)
    seen_false: set[tuple[str, str]] = field(default_factory=set)
    reached: set[str] = field(default_factory=set)

    def record(self, decision: Decision) -> None:
        for flag in decision.flags:
            self.fired.add(flag.rule_id)
            self._leaves(flag.rule_id, flag.evidence)
        for trace in decision.not_fired or ():
            if is_near_miss(trace.evidence):
                self.near_missed.add(trace.rule_id)
            self._leaves(trace.rule_id, trace.evidence)
        for pathway in decision.pathways:
            self.reached.update(pathway.rows)

    def _leaves(self, rule_id: str, evidence: Iterable[Evidence]) -> None:
        for item in evidence:
            if item.result is Truth.TRUE:
                self.seen_true.add((rule_id, item.path))
            elif item.result is Truth.FALSE:
                self.seen_false.add((rule_id, item.path))

    def gaps(self) -> dict[str, list[str]]:
        """Each coverage measure with what it is still missing (empty lists: full coverage)."""

        def leaves(seen: set[tuple[str, str]]) -> list[str]:
            return sorted(f"{rule} {path}" for rule, path in self.leaves - seen)

        return {
            "rules never fired": sorted(self.rules - self.fired),
            "rules never missed in a near miss": sorted(self.rules - self.near_missed),
            "leaves never true": leaves(self.seen_true),
            "leaves never false": leaves(self.seen_false),
            "routing rows never reached": sorted(self.rows - self.reached),
        }

    def lines(self) -> list[str]:
        totals = {
            "rules never fired": len(self.rules),
            "rules never missed in a near miss": len(self.rules),
            "leaves never true": len(self.leaves),
            "leaves never false": len(self.leaves),
            "routing rows never reached": len(self.rows),
        }
        names = {
            "rules never fired": "rules fired",
            "rules never missed in a near miss": "rules missed in a near miss",
            "leaves never true": "leaves seen true",
            "leaves never false": "leaves seen false",
            "routing rows never reached": "routing rows reached",
        }
        lines = []
        for key, missing in self.gaps().items():
            total = totals[key]
            done = total - len(missing)
            percent = 100.0 if total == 0 else 100.0 * done / total
            lines.append(f"  {names[key]}: {done}/{total} ({percent:.0f}%)")
            if missing:
                lines.append(f"    {key}: {', '.join(missing)}")
        return lines

    @property
    def complete(self) -> bool:
        return not any(self.gaps().values())


@dataclass(frozen=True)
class TestRun:
    results: tuple[CaseResult, ...]
    coverage: Coverage

    @property
    def failed(self) -> list[CaseResult]:
        return [result for result in self.results if not result.passed]


def coverage_for(ruleset: RuleSet) -> Coverage:
    active = [c.rule for c in ruleset.rules if c.rule.status.value == "active"]
    return Coverage(
        rules={rule.id for rule in active},
        leaves={(rule.id, path) for rule in active for path in leaf_paths(rule.when)},
        rows={row.id for row in ruleset.routing},
    )


def run_cases(cases: Sequence[Case], ruleset: RuleSet) -> TestRun:
    coverage = coverage_for(ruleset)
    results = []
    for case in cases:
        result = run_case(case, ruleset)
        if result.decision is not None:
            coverage.record(result.decision)
        results.append(result)
    return TestRun(tuple(results), coverage)


def check_case_references(cases: Sequence[Case], ruleset: RuleSet, report: Report) -> None:
    """Tests naming rules or pathways that do not exist; active rules no test names."""
    rule_ids = {rule.id for rule in ruleset.source.rules}
    for case in cases:
        for rule_id in sorted(case.expect.rule_ids() - rule_ids):
            report.add(
                Finding(
                    "E117",
                    Severity.ERROR,
                    f"test '{case.name}' names unknown rule '{rule_id}'",
                    case.file,
                    case.line,
                    1,
                )
            )
        named_pathways = {*case.expect.pathways, case.expect.primary_pathway} - {None}
        for pathway in sorted(p for p in named_pathways if p is not None):
            if pathway not in ruleset.pathways:
                report.add(
                    Finding(
                        "E115",
                        Severity.ERROR,
                        f"test '{case.name}' names unknown pathway '{pathway}'",
                        case.file,
                        case.line,
                        1,
                    )
                )
    named = {rule_id for case in cases for rule_id in case.expect.rule_ids()}
    for rule in ruleset.source.rules:
        if rule.status.value == "active" and rule.id not in named:
            report.add(
                Finding(
                    "W202",
                    Severity.WARNING,
                    "active rule is named by no test",
                    rule.file,
                    rule.line,
                    1,
                    rule.id,
                    "add a test where it fires and a near miss where it does not",
                )
            )


def load_with_cases(root: Path) -> tuple[RuleSet, list[Case], list[Finding]]:
    """Load a ruleset and its tests, checking both; raises when either has an error."""
    source, report = read_ruleset(root)
    if source is None:
        raise RulesetError(report.sorted())
    ruleset = compile_ruleset(root, source, ())
    cases = read_cases(root, report)
    check_case_references(cases, ruleset, report)
    findings = report.sorted()
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise RuleTestError(errors)
    warnings = tuple(f for f in findings if f.severity is Severity.WARNING)
    return compile_ruleset(root, source, warnings), cases, list(warnings)


def check_ruleset(root: Path) -> list[Finding]:
    """Every finding for a ruleset folder, rules and tests alike, without raising."""
    source, report = read_ruleset(root)
    if source is not None:
        ruleset = compile_ruleset(root, source, ())
        cases = read_cases(root, report)
        check_case_references(cases, ruleset, report)
    return report.sorted()
