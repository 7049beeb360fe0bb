"""The published rule catalogue: readable conditions, and a committed copy kept current."""

from __future__ import annotations

from pathlib import Path

from screening_api import RuleSet, load_ruleset
from screening_api.engine.document import render_catalogue

CATALOGUE = Path(__file__).parent.parent / "docs" / "rule-catalogue.md"


def test_conditions_read_as_plain_english(mini: RuleSet) -> None:
    text = render_catalogue(mini)
    assert (
        "- at least 2 of:\n"
        "  - **Older or controlling associates** (`older_associates`) is present, observed or "
        "disclosed\n"
        "  - **Missing episodes** (`missing_episodes`) is present, at least 3 times within 90 "
        "days\n"
        "  - the child's legal status is one of looked after\n"
    ) in text
    assert "  - none of:\n    - **Harm within the family only**" in text
    assert "**Can lead to:** Multi-agency child exploitation panel" in text
    assert "- the referral is urgent (row `urgent`)" in text
    assert "- no other row matches (fallback) (row `fallback`)" in text
    assert f"SHA-256 of the ruleset: `{mini.sha256}`" in text


def test_committed_catalogue_is_current() -> None:
    assert CATALOGUE.read_text(encoding="utf-8") == render_catalogue(load_ruleset()), (
        "docs/rule-catalogue.md is out of date: run 'screening-api rules doc'"
    )
