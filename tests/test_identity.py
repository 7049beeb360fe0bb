"""The ruleset hash ignores comments and layout, and changes with any change of meaning."""

from __future__ import annotations

from pathlib import Path

from screening_api import load_ruleset
from tests.conftest import MINI


def test_hash_is_stable_across_loads(mini_copy: Path) -> None:
    assert load_ruleset(mini_copy).sha256 == load_ruleset(MINI).sha256


def test_comments_layout_and_key_order_do_not_change_the_hash(mini_copy: Path) -> None:
    before = load_ruleset(mini_copy).sha256
    rules = mini_copy / "exploitation.yaml"
    text = rules.read_text(encoding="utf-8")
    text = "# a comment at the top\n" + text.replace(
        "  level: significant\n  urgent: true\n", "  urgent: true   # why\n  level: significant\n"
    ).replace("domains: [criminal_exploitation]", "domains:\n    - criminal_exploitation")
    # moving a rule to another file is not a change of meaning either
    head, tail = text.split("- id: MIS-001", 1)
    rules.write_text(head, encoding="utf-8")
    (mini_copy / "missing.yaml").write_text("- id: MIS-001" + tail, encoding="utf-8")
    assert load_ruleset(mini_copy).sha256 == before


def test_any_semantic_change_changes_the_hash(mini_copy: Path) -> None:
    before = load_ruleset(mini_copy).sha256
    rules = mini_copy / "exploitation.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("less_than: 12", "less_than: 13"),
        encoding="utf-8",
    )
    after_threshold = load_ruleset(mini_copy).sha256
    assert after_threshold != before
    lexicon = mini_copy / "lexicons" / "county_lines.yaml"
    lexicon.write_text(
        lexicon.read_text(encoding="utf-8") + "  - term: cuckooing\n", encoding="utf-8"
    )
    assert load_ruleset(mini_copy).sha256 not in {before, after_threshold}


def test_version_is_the_manifest_version(mini_copy: Path) -> None:
    ruleset = load_ruleset(mini_copy)
    assert (ruleset.id, ruleset.version) == ("mini", "1.0.0")
