"""Shared fixtures: real rule folders on disk and real referrals."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from screening_api import Referral, RuleSet, load_ruleset

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
AS_OF = date(2026, 6, 1)


@pytest.fixture(scope="session")
def mini() -> RuleSet:
    return load_ruleset(MINI)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini ruleset, named ``rules`` so messages read rules/..."""
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    return root


def referral_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "referral_id": "REF-1",
        "received_at": "2026-06-01T09:30:00Z",
        "subject": {"kind": "child", "age_years": 15},
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_referral() -> Callable[..., Referral]:
    def make(**overrides: Any) -> Referral:
        return Referral.model_validate(referral_data(**overrides))

    return make
