"""Ruleset identity: a SHA-256 over the canonical parsed form, blind to comments and layout."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from datetime import date
from enum import Enum
from typing import Any

from screening_api.engine.model import RulesetSource

# Where a thing is written is not what it means.
_POSITIONAL = frozenset({"file", "line"})


@functools.cache
def _semantic_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in _POSITIONAL)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _semantic_fields(type(value))}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def canonical_form(source: RulesetSource) -> dict[str, Any]:
    """Every semantic part of the ruleset in a stable order (sets sorted, rows by id)."""
    return {
        "manifest": _plain(source.manifest),
        "indicators": sorted((_plain(i) for i in source.indicators), key=lambda i: i["code"]),
        "lexicons": sorted(
            (
                {
                    **_plain(lex),
                    "terms": sorted((_plain(t) for t in lex.terms), key=lambda t: t["term"]),
                }
                for lex in source.lexicons
            ),
            key=lambda lex: lex["id"],
        ),
        "negation": _plain(source.negation),
        "rules": sorted((_plain(r) for r in source.rules), key=lambda r: r["id"]),
        "pathways": sorted((_plain(p) for p in source.pathways), key=lambda p: p["id"]),
        "routing": sorted((_plain(r) for r in source.routing), key=lambda r: r["id"]),
    }


def ruleset_sha256(source: RulesetSource) -> str:
    text = json.dumps(
        canonical_form(source), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
