"""The rule test runner: pass/fail with a short diff, and coverage that --strict enforces."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening_api.engine.testing import load_with_cases, run_cases
from screening_api.errors import RuleTestError
from tests.conftest import MINI


def test_the_mini_ruleset_passes_with_full_coverage() -> None:
    ruleset, cases, warnings = load_with_cases(MINI)
    run = run_cases(cases, ruleset)
    assert warnings == []
    assert [r.passed for r in run.results] == [True] * 6
    assert run.coverage.complete
    assert run.coverage.lines() == [
        "  rules fired: 3/3 (100%)",
        "  rules missed in a near miss: 3/3 (100%)",
        "  leaves seen true: 9/9 (100%)",
        "  leaves seen false: 9/9 (100%)",
        "  routing rows reached: 3/3 (100%)",
    ]


def write_case(root: Path, body: str) -> None:
    (root / "tests" / "cases.yaml").write_text(body, encoding="utf-8")


def test_a_failing_case_prints_a_short_diff(mini_copy: Path) -> None:
    write_case(
        mini_copy,
        """\
- name: Expectations that do not hold
  as_of: 2026-06-01
  referral:
    subject: {kind: child, age_years: 15, legal_status: looked_after}
    indicators:
      older_associates: {status: present, source: observed}
      missing_episodes: {count: 4, window_days: 60}
  expect:
    fired: [CCE-001]
    not_fired: [CCE-002]
    levels: {criminal_exploitation: significant, going_missing: moderate}
    overall_level: significant
    urgent: true
    pathways: [police_immediate]
    primary_pathway: police_immediate
    gaps: [MIS-001]
""",
    )
    ruleset, cases, _ = load_with_cases(mini_copy)
    [result] = run_cases(cases, ruleset).results
    assert result.report() == "\n".join(
        [
            "FAIL rules/tests/cases.yaml:1 Expectations that do not hold",
            "    fired: expected CCE-001 to fire; fired: CCE-002",
            "    not_fired: CCE-002 fired",
            "    level criminal_exploitation: expected significant, got moderate",
            "    level going_missing: expected moderate, got none",
            "    overall_level: expected significant, got moderate",
            "    urgent: expected true, got false",
            "    pathways: expected police_immediate; got mace_panel",
            "    primary_pathway: expected police_immediate, got mace_panel",
            "    gaps: expected MIS-001 as information gaps; got none",
        ]
    )


def test_coverage_names_what_is_missing(mini_copy: Path) -> None:
    write_case(
        mini_copy,
        """\
- name: Only one case
  as_of: 2026-06-01
  referral:
    indicators:
      found_out_of_area: current
      found_with_drugs_or_cash: present
      harm_within_family_only: absent
  expect:
    fired: [CCE-001, CCE-002, MIS-001]
""",
    )
    ruleset, cases, _ = load_with_cases(mini_copy)
    run = run_cases(cases, ruleset)
    assert not run.coverage.complete
    assert run.coverage.gaps()["rules never fired"] == ["CCE-002", "MIS-001"]
    assert run.coverage.gaps()["routing rows never reached"] == ["fallback", "urgent"]


def test_a_bad_test_referral_is_located(mini_copy: Path) -> None:
    write_case(
        mini_copy,
        """\
- name: Age as text
  as_of: 2026-06-01
  referral:
    subject: {kind: child, age_years: "fifteen"}
  expect:
    fired: [CCE-404]
""",
    )
    with pytest.raises(RuleTestError) as caught:
        load_with_cases(mini_copy)
    assert str(caught.value) == (
        "rules/tests/cases.yaml:4:28: error E103: test referral field 'subject.age_years': "
        "Input should be a valid integer\n"
        "    hint: see the referral contract in openapi/referral.schema.json"
    )


def test_unknown_rule_named_in_a_test(mini_copy: Path) -> None:
    write_case(
        mini_copy,
        """\
- name: Names a rule that does not exist
  as_of: 2026-06-01
  referral: {}
  expect:
    fired: [CCE-404]
""",
    )
    with pytest.raises(RuleTestError) as caught:
        load_with_cases(mini_copy)
    assert str(caught.value) == (
        "rules/tests/cases.yaml:1:1: error E117: test 'Names a rule that does not exist' "
        "names unknown rule 'CCE-404'"
    )
