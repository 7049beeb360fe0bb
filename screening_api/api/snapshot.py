"""The loaded ruleset as an immutable snapshot, and its atomic replacement on reload.

Requests read ``store.current`` once and use that snapshot to the end, so a reload never
changes the rules under a request already running. A reload loads, validates and compiles the
new ruleset completely before one reference assignment swaps it in; a ruleset with errors
raises ``RulesetError`` and leaves the old snapshot serving.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel

from screening_api.engine.ruleset import RuleSet, load_ruleset
from screening_api.errors import RulesetError

__all__ = ["ReloadTrigger", "RulesStore", "Snapshot", "SwapResult"]

logger = logging.getLogger("screening_api.api.reload")

Clock = Callable[[], datetime]


class ReloadTrigger(StrEnum):
    API = "api"
    SIGNAL = "signal"
    WATCH = "watch"


@dataclass(frozen=True)
class Snapshot:
    """What requests read: a ruleset, when it was loaded, and views of it rendered once.

    The ruleset never changes, so a view of it (the rules catalogue, say) is rendered to
    JSON on first request and kept with the snapshot; a reload brings a new, empty one.
    """

    ruleset: RuleSet
    loaded_at: datetime
    _views: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    def view(self, key: str, render: Callable[[], BaseModel]) -> bytes:
        """The JSON of the view named ``key``, rendered by ``render`` the first time."""
        cached = self._views.get(key)
        if cached is None:
            cached = self._views[key] = render().model_dump_json(by_alias=True).encode()
        return cached


@dataclass(frozen=True)
class SwapResult:
    previous: Snapshot
    current: Snapshot

    @property
    def changed(self) -> bool:
        return self.previous.ruleset.sha256 != self.current.ruleset.sha256


class RulesStore:
    """Holds the current snapshot; reloads are serialised, reads never wait."""

    def __init__(self, rules_dir: Path | None, clock: Clock | None = None) -> None:
        self.rules_dir = rules_dir
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self.current = Snapshot(load_ruleset(rules_dir), self._clock())
        self.last_reload_failed = False

    def reload(self, trigger: ReloadTrigger) -> SwapResult:
        """Load the rules folder again and swap it in; raise ``RulesetError`` on any error.

        Blocking (it reads and compiles files): call it from a worker thread.
        """
        with self._lock:
            previous = self.current
            try:
                ruleset = load_ruleset(self.rules_dir)
            except RulesetError as error:
                self.last_reload_failed = True
                logger.warning(
                    "rules reload failed; the previous ruleset is still serving",
                    extra={
                        "event": "rules_reload_failed",
                        "trigger": str(trigger),
                        "serving_sha256": previous.ruleset.sha256,
                        "errors": [str(f) for f in error.errors],
                    },
                )
                raise
            self.current = Snapshot(ruleset, self._clock())
            self.last_reload_failed = False
        result = SwapResult(previous, self.current)
        logger.info(
            "rules reloaded",
            extra={
                "event": "rules_reloaded",
                "trigger": str(trigger),
                "changed": result.changed,
                "ruleset_id": ruleset.id,
                "ruleset_version": ruleset.version,
                "ruleset_sha256": ruleset.sha256,
                "warnings": len(ruleset.warnings),
            },
        )
        return result
