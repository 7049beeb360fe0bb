"""A loaded ruleset: parsed, checked, compiled once, immutable, named by version and SHA-256."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from screening_api.decision import Reference as ShownReference
from screening_api.engine.compiler import CompiledCondition, compile_condition
from screening_api.engine.identity import ruleset_sha256
from screening_api.engine.loader import read_ruleset
from screening_api.engine.model import (
    Indicator,
    Pathway,
    Reference,
    RoutingRow,
    Rule,
    RulesetSource,
    RuleStatus,
)
from screening_api.engine.text import Matcher
from screening_api.errors import Finding, RulesetError, Severity
from screening_api.resources import bundled_rules

# Statuses that are evaluated at all; only ACTIVE ones change an outcome.
RUNNABLE = frozenset({RuleStatus.ACTIVE, RuleStatus.CANDIDATE, RuleStatus.DEPRECATED})


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: Rule
    condition: CompiledCondition
    references: tuple[ShownReference, ...]  # as decisions show them, made once


def shown_references(references: Iterable[Reference]) -> tuple[ShownReference, ...]:
    return tuple(ShownReference(title=r.title, url=r.url, section=r.section) for r in references)


@dataclass(frozen=True)
class RuleSet:
    """Everything ``screen()`` needs, prepared at load time and never changed afterwards."""

    root: Path
    source: RulesetSource
    sha256: str
    warnings: tuple[Finding, ...]
    rules: tuple[CompiledRule, ...]
    indicators: Mapping[str, Indicator]
    pathways: Mapping[str, Pathway]
    routing: tuple[RoutingRow, ...]
    matcher: Matcher
    pathway_references: Mapping[str, tuple[ShownReference, ...]]

    @property
    def id(self) -> str:
        return self.source.manifest.id

    @property
    def version(self) -> str:
        return self.source.manifest.version

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.source.rules if r.id == rule_id), None)


def compile_ruleset(root: Path, source: RulesetSource, warnings: tuple[Finding, ...]) -> RuleSet:
    indicators = MappingProxyType({i.code: i for i in source.indicators})
    slots = {lexicon.id: index for index, lexicon in enumerate(source.lexicons)}
    compiled = tuple(
        CompiledRule(
            rule, compile_condition(rule.when, indicators, slots), shown_references(rule.references)
        )
        for rule in sorted(source.rules, key=lambda r: r.id)
        if rule.status in RUNNABLE
    )
    return RuleSet(
        root=root,
        source=source,
        sha256=ruleset_sha256(source),
        warnings=warnings,
        rules=compiled,
        indicators=indicators,
        pathways=MappingProxyType({p.id: p for p in source.pathways}),
        routing=source.routing,
        matcher=Matcher(source.lexicons, source.negation),
        pathway_references=MappingProxyType(
            {p.id: shown_references(p.references) for p in source.pathways}
        ),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading makes hundreds of thousands of objects that all live on; the cyclic collector
    would walk them again and again (a third of the time on a large ruleset) for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_ruleset(path: str | Path | None = None) -> RuleSet:
    """Load, validate and compile the ruleset in ``path`` (the bundled rules when None).

    Raises ``RulesetError`` carrying every finding when any error is found.
    """
    root = Path(path) if path is not None else bundled_rules()
    with _collector_paused():
        source, report = read_ruleset(root)
        if source is None:
            raise RulesetError(report.sorted())
        warnings = tuple(f for f in report.sorted() if f.severity is Severity.WARNING)
        return compile_ruleset(root, source, warnings)
