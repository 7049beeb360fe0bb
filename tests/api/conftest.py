"""Fixtures for the HTTP service: real apps on real rule folders, real keys, captured logs."""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from starlette.exceptions import StarletteDeprecationWarning

from screening_api.api import Settings, create_app
from screening_api.api.keys import ApiKeyEntry, Scope, create_key
from screening_api.api.logs import JsonFormatter
from tests.conftest import MINI, referral_data

with warnings.catch_warnings():
    # Starlette 1.x asks for the httpx2 package behind its test client and warns when it finds
    # httpx instead; the client behaves the same, so the warning is silenced at import only.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

__all__ = ["MINI", "TestClient", "referral_data"]

# 23:30 UTC on 1 June is 00:30 on 2 June in London (BST): "today" is 2 June there.
NOW = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
DECISION_ID = "00000000-0000-4000-8000-000000000001"


def fixed_clock() -> datetime:
    return NOW


def fixed_id() -> str:
    return DECISION_ID


def mini_settings(**values: Any) -> Settings:
    """Settings on the mini fixture ruleset, ignoring any SCREENING_* variables around."""
    values.setdefault("rules_dir", MINI)
    return Settings.model_construct(**values)


def make_app(**values: Any) -> FastAPI:
    return create_app(mini_settings(**values), clock=fixed_clock, new_id=fixed_id)


@pytest.fixture
def app() -> FastAPI:
    return make_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@dataclass(frozen=True)
class Keys:
    """One key per scope, and one with every scope; entries go into the settings."""

    screen: str
    read: str
    admin: str
    everything: str
    entries: tuple[ApiKeyEntry, ...]

    @staticmethod
    def bearer(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="session")
def keys() -> Keys:
    made = {
        "screen": create_key("case-system", [Scope.SCREEN]),
        "read": create_key("dashboard", [Scope.READ]),
        "admin": create_key("operator", [Scope.ADMIN]),
        "everything": create_key("all-scopes", list(Scope)),
    }
    return Keys(
        **{name: new.key for name, new in made.items()},
        entries=tuple(new.entry for new in made.values()),
    )


@pytest.fixture
def secured(keys: Keys) -> Iterator[TestClient]:
    """A client of an app that has API keys configured."""
    with TestClient(make_app(api_keys=keys.entries)) as test_client:
        yield test_client


class LogLines:
    """Log records of the service, formatted as the service writes them (JSON lines)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog
        self._formatter = JsonFormatter()

    @property
    def text(self) -> str:
        return "\n".join(self._formatter.format(r) for r in self._caplog.records)

    def entries(self, event: str | None = None) -> list[dict[str, Any]]:
        parsed = [json.loads(self._formatter.format(r)) for r in self._caplog.records]
        return [e for e in parsed if event is None or e.get("event") == event]


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> LogLines:
    caplog.set_level(logging.INFO, logger="screening_api")
    return LogLines(caplog)


def child_referral(**overrides: Any) -> dict[str, Any]:
    """A referral that makes rule CCE-001 of the mini ruleset fire."""
    data = referral_data(
        as_of="2026-06-01",
        indicators={
            "found_out_of_area": {"status": "present", "recency": "current"},
            "found_with_drugs_or_cash": {"status": "present"},
            "harm_within_family_only": {"status": "absent"},
        },
        narrative="Found at the station with a large amount of cash.",
    )
    data.update(overrides)
    return data


ReferralMaker = Callable[..., dict[str, Any]]


def metric(text: str, name: str, **labels: str) -> float | None:
    """One sample's value from Prometheus text, or None when it is absent."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None
