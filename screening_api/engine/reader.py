"""Typed reading of YAML data that records findings (file:line:col, code, hint) instead of raising.

Finding codes are stable: tools and people may rely on them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from screening_api.engine.source import Path_, SourceDocument
from screening_api.errors import Finding, Severity

E = TypeVar("E", bound=StrEnum)


class _Missing:
    """A key that is absent: already reported by ``Reader.mapping``, so read silently as None."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

CODES = {
    "E101": "the file is not valid YAML",
    "E102": "a key is written twice in one mapping",
    "E103": "the structure is wrong: a missing or unknown key, or a value of the wrong type",
    "E104": "an indicator code is not in the catalogue",
    "E105": "a field is not one a rule may read",
    "E106": "a lexicon is not defined",
    "E107": "a value is not in its closed list",
    "E108": "an operator does not fit the field or indicator",
    "E109": "an id is used twice",
    "E110": "effective dates are in the wrong order",
    "E111": "a rule and its successor are in effect on the same days",
    "E112": "a deprecated rule names no existing successor",
    "E113": "a group (all, any, of) is empty",
    "E114": "at_least asks for more than its list holds, or fewer than one",
    "E115": "a routing row names an unknown pathway",
    "E116": "the routing table has no single, unconditional fallback row",
    "E117": "a rule id named in routing or a test does not exist",
    "E118": "a lexicon term is empty, too long or repeated",
    "E119": "a required file or folder is missing",
    "E120": "a value is out of range or badly formed",
    "W201": "an active rule cites no references",
    "W202": "an active rule is named by no test",
    "W203": "a routing row can never match",
    "W204": "no routing row can reach a pathway",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _join(hints: Sequence[str | None]) -> str | None:
    parts = [hint for hint in hints if hint]
    return " ".join(parts) or None


def show(where: Path_) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the file"


class Report:
    """Collects findings from every file of a ruleset, errors and warnings apart."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def error(
        self,
        code: str,
        doc: SourceDocument,
        where: Path_,
        message: str,
        *,
        rule_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        """An error at a node of a document; warnings are made across files (checks.py)."""
        line, column = doc.position(where)
        self.findings.append(
            Finding(code, Severity.ERROR, message, doc.display, line, column, rule_id, hint)
        )

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (f.file, f.line, f.column, f.code))


class Reader:
    """Reads values of one document; each bad value becomes a finding and reads as None."""

    def __init__(self, doc: SourceDocument, report: Report, rule_id: str | None = None) -> None:
        self.doc = doc
        self.report = report
        self.rule_id = rule_id

    def for_rule(self, rule_id: str | None) -> Reader:
        return Reader(self.doc, self.report, rule_id)

    def error(self, code: str, where: Path_, message: str, hint: str | None = None) -> None:
        self.report.error(code, self.doc, where, message, rule_id=self.rule_id, hint=hint)

    def mapping(
        self,
        value: Any,
        where: Path_,
        *,
        required: Sequence[str],
        optional: Sequence[str] = (),
        what: str = "entry",
    ) -> dict[str, Any] | None:
        if value is MISSING:
            return None
        if not isinstance(value, dict):
            self.error(
                "E103",
                where,
                f"{what} must be a mapping of keys to values, found {describe_kind(value)}",
                hint=f"expected keys: {', '.join(required)}",
            )
            return None
        allowed = (*required, *optional)
        for key in value:
            if key not in allowed:
                self.error(
                    "E103",
                    (*where, key),
                    f"unknown key '{key}' in {what}",
                    hint=_join(
                        [did_you_mean(str(key), allowed), f"allowed keys: {', '.join(allowed)}"]
                    ),
                )
        for key in required:
            if key not in value:
                self.error("E103", where, f"{what} is missing required key '{key}'")
        return value

    def sequence(self, value: Any, where: Path_, what: str) -> list[Any] | None:
        if value is MISSING:
            return None
        if not isinstance(value, list):
            self.error(
                "E103",
                where,
                f"{what} must be a list, found {describe_kind(value)}",
                hint="write each item on its own line starting with '- ', or [a, b]",
            )
            return None
        return value

    def text(
        self, value: Any, where: Path_, what: str, *, max_length: int = 4000, required: bool = True
    ) -> str | None:
        if value is MISSING:
            return None
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(
                "E103",
                where,
                f"{what} must be text, found {describe_kind(value)}",
                hint="quote values that YAML could read as a number, date or boolean",
            )
            return None
        if len(value) > max_length:
            self.error(
                "E120",
                where,
                f"{what} is {len(value)} characters long; at most {max_length} are allowed",
            )
            return None
        return value.strip()

    def integer(
        self, value: Any, where: Path_, what: str, *, minimum: int = 0, maximum: int = 1_000_000
    ) -> int | None:
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                "E103", where, f"{what} must be a whole number, found {describe_kind(value)}"
            )
            return None
        if not minimum <= value <= maximum:
            self.error(
                "E120", where, f"{what} must be between {minimum} and {maximum}, found {value}"
            )
            return None
        return value

    def boolean(self, value: Any, where: Path_, what: str) -> bool | None:
        if value is MISSING:
            return None
        if not isinstance(value, bool):
            self.error("E103", where, f"{what} must be true or false, found {describe_kind(value)}")
            return None
        return value

    def day(self, value: Any, where: Path_, what: str) -> date | None:
        if value is MISSING:
            return None
        if not isinstance(value, date):
            self.error(
                "E103",
                where,
                f"{what} must be a date written YYYY-MM-DD, found {describe_kind(value)}",
                hint="write the date unquoted, e.g. 2026-01-01",
            )
            return None
        return value

    def member(self, value: Any, where: Path_, enum: type[E], what: str) -> E | None:
        if value is MISSING:
            return None
        choices = [member.value for member in enum]
        if isinstance(value, str) and value in choices:
            return enum(value)
        shown = f"'{value}'" if isinstance(value, str) else describe_kind(value)
        self.error(
            "E107",
            where,
            f"unknown {what} {shown}",
            hint=_join(
                [did_you_mean(str(value), choices), f"expected one of: {', '.join(choices)}"]
            ),
        )
        return None

    def members(
        self, value: Any, where: Path_, enum: type[E], what: str, *, allow_empty: bool = False
    ) -> tuple[E, ...]:
        if value is MISSING:
            return ()
        items = [value] if isinstance(value, str) else self.sequence(value, where, f"{what} list")
        if items is None:
            return ()
        if not items and not allow_empty:
            self.error("E103", where, f"{what} list is empty", hint="name at least one")
        found = (self.member(item, (*where, index), enum, what) for index, item in enumerate(items))
        return tuple(dict.fromkeys(item for item in found if item is not None))

    def texts(self, value: Any, where: Path_, what: str) -> tuple[str, ...]:
        if value is MISSING:
            return ()
        items = self.sequence(value, where, what)
        if items is None:
            return ()
        read = (self.text(item, (*where, index), what) for index, item in enumerate(items))
        return tuple(item for item in read if item is not None)


def describe_kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
