"""The bundled ruleset through the same runner as `screening-api rules test`: every YAML case is
a pytest test, and coverage must be complete."""

from __future__ import annotations

import pytest

from screening_api.engine.cases import Case
from screening_api.engine.ruleset import RuleSet
from screening_api.engine.testing import check_ruleset, load_with_cases, run_case, run_cases
from screening_api.resources import bundled_rules

RULESET, CASES, WARNINGS = load_with_cases(bundled_rules())


def test_bundled_rules_have_no_findings() -> None:
    assert [str(f) for f in check_ruleset(bundled_rules())] == []


@pytest.mark.parametrize("case", CASES, ids=[f"{c.location} {c.name}" for c in CASES])
def test_case(case: Case) -> None:
    result = run_case(case, RULESET)
    assert result.passed, result.report()


def test_full_coverage() -> None:
    run = run_cases(CASES, RULESET)
    assert run.coverage.gaps() == {
        "rules never fired": [],
        "rules never missed in a near miss": [],
        "leaves never true": [],
        "leaves never false": [],
        "routing rows never reached": [],
    }


def test_the_default_ruleset_meets_the_issue_floors() -> None:
    ruleset: RuleSet = RULESET
    active = [c.rule for c in ruleset.rules if c.rule.status.value == "active"]
    assert len(ruleset.indicators) >= 45
    assert len(active) >= 45
    assert len(ruleset.pathways) >= 13
    assert sum(rule.urgent for rule in active) >= 5
    scenarios = [c for c in CASES if c.file.endswith("scenarios.yaml")]
    assert len(scenarios) >= 30
