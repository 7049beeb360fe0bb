"""The adapter around ``screen()``: validates, supplies the date, stamps ids and times.

Everything here is synchronous and free of HTTP, so routes run it in a worker thread and tests
call it directly. The clock and the id maker are injected: the core never reads either.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from screening_api.api.keys import KeyRing
from screening_api.api.metrics import Metrics
from screening_api.api.problems import NarrativeTooLongError, ServiceError, describe
from screening_api.api.schemas import (
    BatchItem,
    BatchResponse,
    BatchSummary,
    Explain,
    ProblemDetails,
)
from screening_api.api.settings import Settings
from screening_api.api.snapshot import RulesStore, Snapshot
from screening_api.decision import Decision
from screening_api.errors import ConfigurationError, ScreeningError
from screening_api.referral import Referral
from screening_api.screening import screen

__all__ = ["Clock", "IdMaker", "Service"]

Clock = Callable[[], datetime]
IdMaker = Callable[[], str]

logger = logging.getLogger("screening_api.api")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _new_decision_id() -> str:
    return str(uuid.uuid4())


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"unknown time zone '{name}' in setting 'timezone'") from None


@dataclass
class Service:
    """What every request shares: settings, the rules store, keys, metrics, clock and ids."""

    settings: Settings
    store: RulesStore
    keyring: KeyRing
    metrics: Metrics = field(default_factory=Metrics)
    clock: Clock = _utc_now
    new_id: IdMaker = _new_decision_id

    def __post_init__(self) -> None:
        self.zone = _zone(self.settings.timezone)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, clock: Clock | None = None, new_id: IdMaker | None = None
    ) -> Service:
        """Load the ruleset (raising ``RulesetError`` if it is broken) and build the service."""
        now = clock or _utc_now
        store = RulesStore(settings.rules_dir, now)
        service = cls(
            settings, store, KeyRing(settings.api_keys), Metrics(), now, new_id or _new_decision_id
        )
        service.metrics.serving(store.current)
        return service

    def referral(self, data: Any) -> Referral:
        """Validate one referral from parsed JSON, with this service's narrative limit."""
        limit = self.settings.limits.max_narrative_chars
        if isinstance(data, dict):
            narrative = data.get("narrative")
            if isinstance(narrative, str) and len(narrative) > limit:
                raise NarrativeTooLongError(
                    f"narrative: {len(narrative)} characters; this service accepts at most {limit}",
                    limit=limit,
                    errors=[
                        {
                            "field": "narrative",
                            "message": f"at most {limit} characters",
                            "code": "string_too_long",
                        }
                    ],
                )
        return Referral.model_validate(data)

    def screen(self, data: Any, explain: Explain, snapshot: Snapshot) -> Decision:
        """Validate and screen one referral, stamped with a decision id and time."""
        referral = self.referral(data)
        now = self.clock()
        as_of = referral.as_of or now.astimezone(self.zone).date()
        decision = screen(referral, snapshot.ruleset, as_of=as_of, explain=explain)
        stamped = decision.model_copy(
            update={"decision_id": self.new_id(), "screened_at": now.astimezone(UTC)}
        )
        self.metrics.observe_decision(stamped)
        return stamped

    def screen_batch(
        self, items: Sequence[Any], explain: Explain, snapshot: Snapshot
    ) -> BatchResponse:
        """Screen each item on its own, in input order; a refused item does not stop the rest."""
        results = []
        for index, item in enumerate(items):
            problem: ProblemDetails | None = None
            try:
                decision = self.screen(item, explain, snapshot)
            except (ServiceError, ScreeningError, ValidationError) as error:
                problem = describe(error)
            except Exception as error:  # one item's failure must not sink the batch
                logger.error(
                    "screening one batch item failed",
                    extra={
                        "event": "batch_item_failed",
                        "index": index,
                        "error_type": type(error).__name__,
                    },
                )
                problem = describe(error)
            if problem is None:
                results.append(BatchItem(index=index, status=200, decision=decision))
            else:
                self.metrics.refused(problem)
                results.append(BatchItem(index=index, status=problem.status, problem=problem))
        screened = sum(1 for r in results if r.decision is not None)
        summary = BatchSummary(
            total=len(results), screened=screened, refused=len(results) - screened
        )
        return BatchResponse(results=tuple(results), summary=summary)
