"""The one error tree of screening-api; domain errors know nothing of HTTP.

::

    ScreeningError                  base of every error the package raises on purpose
    ├── RulesetError                a ruleset failed to load; ``findings`` holds every problem,
    │                               each with file:line:column, rule id, code and hint
    ├── ReferralError               a referral was refused; ``problems`` names each field
    ├── RuleTestError               a rule test file could not be read (bad YAML, bad referral)
    └── ConfigurationError          an adapter was configured wrongly (settings, paths, keys)

Findings are values, not exceptions: validation collects all of them, and only a ruleset with
at least one *error* finding raises ``RulesetError``. Warnings travel beside a good ruleset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "ConfigurationError",
    "Finding",
    "Problem",
    "ReferralError",
    "RuleTestError",
    "RulesetError",
    "ScreeningError",
    "Severity",
]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a ruleset, located in its source file."""

    code: str
    severity: Severity
    message: str
    file: str
    line: int = 0
    column: int = 0
    rule_id: str | None = None
    hint: str | None = None

    @property
    def location(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file

    def __str__(self) -> str:
        where = f" in rule {self.rule_id}" if self.rule_id else ""
        text = f"{self.location}: {self.severity} {self.code}{where}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule_id": self.rule_id,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a referral was refused: the field path and what is wrong with it."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ScreeningError(Exception):
    """Base of every error screening-api raises on purpose."""


class RulesetError(ScreeningError):
    """A ruleset could not be loaded; every error and warning found is in ``findings``."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        errors = [f for f in self.findings if f.severity is Severity.ERROR]
        head = f"ruleset has {len(errors)} error(s)"
        super().__init__("\n".join([head, *(str(f) for f in errors)]))

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)


class ReferralError(ScreeningError):
    """A referral was refused; each ``Problem`` names the field at fault."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("referral refused: " + "; ".join(str(p) for p in self.problems))


class RuleTestError(ScreeningError):
    """A rule test file could not be read; ``findings`` locate each problem."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        super().__init__("\n".join(str(f) for f in self.findings))


class ConfigurationError(ScreeningError):
    """An adapter (CLI, HTTP service) was configured wrongly."""
