"""One tiny broken ruleset per finding code, with the exact message a policy owner reads.

Each folder under fixtures/broken/ is laid over a copy of the mini ruleset (a DELETE file
lists files to remove first); ``rules check`` must then report exactly these findings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening_api import RulesetError, load_ruleset
from screening_api.engine.reader import CODES
from screening_api.engine.testing import check_ruleset
from tests.conftest import FIXTURES, MINI

BROKEN = FIXTURES / "broken"

EXPECTED = {}  # filled below, one entry per fixture folder


def lay_over(case: Path, tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    delete = case / "DELETE"
    if delete.exists():
        for name in delete.read_text(encoding="utf-8").split():
            (root / name).unlink()
    for path in case.rglob("*.yaml"):
        target = root / path.relative_to(case)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return root


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.iterdir()))
def test_broken_fixture_gives_exact_findings(name: str, tmp_path: Path) -> None:
    root = lay_over(BROKEN / name, tmp_path)
    assert [str(f) for f in check_ruleset(root)] == EXPECTED[name]


def test_every_fixture_has_expectations_and_covers_its_code() -> None:
    names = sorted(p.name for p in BROKEN.iterdir())
    assert sorted(EXPECTED) == names
    for name in names:
        code = name.split("_")[0]
        assert any(f" {code}" in message for message in EXPECTED[name]), name


def test_at_least_twelve_error_kinds_have_fixtures() -> None:
    error_codes = {name.split("_")[0] for name in EXPECTED if name.startswith("E")}
    assert len(error_codes) >= 12
    assert error_codes == {code for code in CODES if code.startswith("E")}


def test_a_broken_ruleset_is_refused_with_every_error(tmp_path: Path) -> None:
    root = lay_over(BROKEN / "E107_unknown_value", tmp_path)
    with pytest.raises(RulesetError) as caught:
        load_ruleset(root)
    assert [f.code for f in caught.value.errors] == ["E107", "E107"]
    assert str(caught.value).splitlines()[0] == "ruleset has 2 error(s)"


def test_a_missing_folder(tmp_path: Path) -> None:
    assert [str(f) for f in check_ruleset(tmp_path / "nowhere")] == [
        f"{tmp_path / 'nowhere'}: error E119: ruleset folder not found\n"
        "    hint: give the folder that holds ruleset.yaml"
    ]


EXPECTED.update(
    {
        "E101_yaml_syntax": [
            "rules/broken.yaml:16:13: error E101: YAML syntax error: mapping values are not allowed here\n    hint: check the indentation and that every ':' and '-' is followed by a space",
        ],
        "E102_duplicate_key": [
            "rules/broken.yaml:14:3: error E102: duplicate key 'level' (first written on line 9)\n    hint: a key may appear once per mapping; remove or rename one of them",
        ],
        "E103_structure": [
            "rules/broken.yaml:1:3: error E103 in rule BRK-001: rule is missing required key 'level'",
            "rules/broken.yaml:1:3: error E103 in rule BRK-001: rule is missing required key 'when'",
            "rules/broken.yaml:9:3: error E103 in rule BRK-001: unknown key 'levle' in rule\n    hint: did you mean 'level'? allowed keys: id, title, status, version, owner, effective_from, domains, contexts, level, rationale, when, effective_to, urgent, suggests_cin_factors, references, known_false_positives, superseded_by",
        ],
        "E104_unknown_indicator": [
            "rules/broken.yaml:16:9: error E104 in rule BRK-001: unknown indicator 'found_out_of_areaa' at when.all[0]\n    hint: did you mean 'found_out_of_area'? Indicators are listed in indicators.yaml.",
        ],
        "E105_unknown_field": [
            "rules/broken.yaml:16:9: error E105 in rule BRK-001: unknown field 'subject.age' at when.any[0]\n    hint: did you mean 'subject.age_years'?",
            "rules/broken.yaml:18:9: error E105 in rule BRK-001: unknown field 'monitoring.ethnicity' at when.any[1]\n    hint: the monitoring block is for fairness monitoring and no rule may read it",
        ],
        "E106_unknown_lexicon": [
            "rules/broken.yaml:15:5: error E106 in rule BRK-001: unknown lexicon 'county_line' at when\n    hint: did you mean 'county_lines'? Lexicons are the files in lexicons/.",
        ],
        "E107_unknown_value": [
            "rules/broken.yaml:9:3: error E107 in rule BRK-001: unknown level 'severe'\n    hint: expected one of: none, emerging, moderate, significant",
            "rules/broken.yaml:13:15: error E107 in rule BRK-001: unknown recency 'currant'\n    hint: did you mean 'current'? expected one of: current, recent, historic",
        ],
        "E108_operator_mismatch": [
            "rules/broken.yaml:17:9: error E108 in rule BRK-001: operator 'in' does not fit field 'subject.age_years' (whole number)\n    hint: use one of: equals, at_least, at_most, less_than, greater_than",
            "rules/broken.yaml:19:9: error E108 in rule BRK-001: count_at_least does not fit 'found_out_of_area', a flag indicator\n    hint: only count indicators (kind: count) carry a number",
        ],
        "E109_duplicate_rule_id": [
            "rules/exploitation.yaml:1:1: error E109 in rule CCE-001: rule id 'CCE-001' is already defined at rules/broken.yaml:1\n    hint: every rule id must be unique; never reuse one for another meaning",
        ],
        "E110_bad_dates": [
            "rules/broken.yaml:14:3: error E110 in rule BRK-001: effective_to 2025-12-31 is before effective_from 2026-01-01\n    hint: effective_to is the last day the rule applies",
        ],
        "E111_overlapping_dates": [
            "rules/broken.yaml:1:1: error E111 in rule BRK-001: in effect until 2026-06-30 while its successor BRK-002 starts 2026-01-01: both would count on the same days\n    hint: set effective_to to the day before the successor's effective_from",
        ],
        "E112_deprecated_without_successor": [
            "rules/broken.yaml:3:3: error E112 in rule BRK-001: a deprecated rule must name its successor\n    hint: add 'superseded_by: <rule id>', or set status: retired",
        ],
        "E113_empty_group": [
            "rules/broken.yaml:17:9: error E113 in rule BRK-001: 'any' at when.all[1] is empty\n    hint: list at least one condition, or remove the group",
        ],
        "E114_at_least_too_large": [
            "rules/broken.yaml:15:5: error E114 in rule BRK-001: at_least 3 at when cannot be met by a list of 2\n    hint: use a number from 1 to 2",
        ],
        "E115_unknown_pathway": [
            "rules/pathways.yaml:9:1: error E115: routing row 'exploitation' names unknown pathway 'mace_panell'\n    hint: known pathways: usual_front_door",
        ],
        "E116_no_fallback": [
            "rules/pathways.yaml: error E116: the routing table needs exactly one fallback row, found 0\n    hint: add one row with 'fallback: true' pointing at the usual front-door pathway",
        ],
        "E117_unknown_rule": [
            "rules/pathways.yaml:9:1: error E117: routing row 'named-rule' names unknown rule 'CCE-404'",
        ],
        "E118_bad_term": [
            "rules/lexicons/weapons.yaml:6:5: error E118: term 'Shank!' repeats 'shank' once case, punctuation and spacing are ignored\n    hint: remove one of them",
            "rules/lexicons/weapons.yaml:7:5: error E118: a term must be text, found the date 2026-01-01\n    hint: quote terms that YAML reads as numbers or dates, e.g. '24/7'",
        ],
        "E119_missing_file": [
            "rules/indicators.yaml: error E119: missing required file 'indicators.yaml'\n    hint: every ruleset folder holds ruleset.yaml, indicators.yaml and pathways.yaml",
        ],
        "E120_bad_value": [
            "rules/broken.yaml:1:3: error E120 in rule brk-1: rule id 'brk-1' is badly formed\n    hint: use letters, digits and '_' matching ^[A-Z][A-Z0-9]{1,9}-[0-9]{3,4}[a-z]?$",
            "rules/broken.yaml:4:3: error E120 in rule brk-1: version must be between 1 and 1000000, found 0",
        ],
        "W201_no_references": [
            "rules/broken.yaml:1:1: warning W201 in rule BRK-001: active rule cites no references\n    hint: cite the public guidance the rule rests on (title and url)",
            "rules/broken.yaml:1:1: warning W202 in rule BRK-001: active rule is named by no test\n    hint: add a test where it fires and a near miss where it does not",
        ],
        "W203_unreachable_row": [
            "rules/pathways.yaml:16:1: warning W204: no routing row can reach pathway 'nrm_referral'\n    hint: add a routing row for it, or remove the pathway",
            "rules/pathways.yaml:39:1: warning W203: routing row 'trafficking' can never match: no active rule in trafficking_modern_slavery reaches the level it asks for\n    hint: change its conditions or remove it",
            "rules/pathways.yaml:43:1: warning W203: routing row 'context-place' can never match: pathway 'mace_panel' applies only to child, not to location\n    hint: change its conditions or remove it",
        ],
    }
)
