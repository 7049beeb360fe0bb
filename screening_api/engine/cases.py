"""Read rule test cases (``tests/*.yaml`` beside the rules), short forms included."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from screening_api.engine.loader import TESTS, display_name
from screening_api.engine.reader import Reader, Report
from screening_api.engine.source import Path_, iter_yaml_files, load_document
from screening_api.referral import Presence, Recency, Referral
from screening_api.vocabulary import Domain, Level

EXPECT_KEYS = (
    "fired",
    "not_fired",
    "only_fired",
    "levels",
    "overall_level",
    "urgent",
    "harm_indicated",
    "pathways",
    "primary_pathway",
    "gaps",
)
_RECENCIES = {member.value for member in Recency}
_PRESENCES = {member.value for member in Presence}


@dataclass(frozen=True)
class Expectation:
    fired: tuple[str, ...] = ()
    not_fired: tuple[str, ...] = ()
    only_fired: bool = False
    levels: dict[Domain, Level] = field(default_factory=dict)
    overall_level: Level | None = None
    urgent: bool | None = None
    harm_indicated: bool | None = None
    pathways: tuple[str, ...] = ()
    primary_pathway: str | None = None
    gaps: tuple[str, ...] = ()

    def rule_ids(self) -> set[str]:
        return {*self.fired, *self.not_fired, *self.gaps}


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    line: int
    as_of: date
    referral: Referral
    expect: Expectation

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


def expand_indicator(value: Any) -> Any:
    """The short forms: 'present' / 'absent' / 'unknown', a recency, or a count."""
    if isinstance(value, str) and value in _PRESENCES:
        return {"status": value}
    if isinstance(value, str) and value in _RECENCIES:
        return {"status": "present", "recency": value}
    if isinstance(value, int) and not isinstance(value, bool):
        return {"status": "present" if value else "absent", "count": value}
    if isinstance(value, dict) and "status" not in value and "count" in value:
        count = value["count"]
        status = "absent" if count == 0 else "present"
        return {"status": status, **value}
    return value


def expand_referral(data: dict[str, Any], index: int, as_of: date) -> dict[str, Any]:
    full = dict(data)
    full.setdefault("referral_id", f"test-{index + 1}")
    full.setdefault("received_at", f"{as_of.isoformat()}T09:00:00Z")
    full.setdefault("subject", {"kind": "child"})
    if isinstance(full.get("indicators"), dict):
        full["indicators"] = {code: expand_indicator(v) for code, v in full["indicators"].items()}
    return full


def read_cases(root: Path, report: Report) -> list[Case]:
    folder = root / TESTS
    cases: list[Case] = []
    for path in iter_yaml_files(folder) if folder.is_dir() else ():
        document, findings = load_document(path, display_name(root, path))
        report.extend(findings)
        if document is None:
            continue
        reader = Reader(document, report)
        items = reader.sequence(document.data, (), "a test file")
        for index, item in enumerate(items or []):
            case = _read_case(reader, item, (index,), len(cases))
            if case is not None:
                cases.append(case)
    return cases


def _read_case(reader: Reader, item: Any, at: Path_, number: int) -> Case | None:
    entry = reader.mapping(
        item,
        at,
        required=("name", "as_of", "referral", "expect"),
        optional=("note",),
        what="test case",
    )
    if entry is None:
        return None
    name = reader.text(entry.get("name"), (*at, "name"), "test name", max_length=200)
    as_of = reader.day(entry.get("as_of"), (*at, "as_of"), "as_of")
    expect = _read_expectation(reader, entry.get("expect"), (*at, "expect"))
    data = reader.mapping(
        entry.get("referral"),
        (*at, "referral"),
        required=(),
        optional=tuple(Referral.model_fields),
        what="test referral",
    )
    if not (name and as_of and expect is not None and data is not None):
        return None
    try:
        referral = Referral.model_validate(expand_referral(data, number, as_of))
    except ValidationError as error:
        for problem in error.errors():
            where = (*at, "referral", *problem["loc"])
            field_name = ".".join(str(part) for part in problem["loc"]) or "referral"
            reader.error(
                "E103",
                where,
                f"test referral field '{field_name}': {problem['msg']}",
                hint="see the referral contract in openapi/referral.schema.json",
            )
        return None
    return Case(name, reader.doc.display, reader.doc.position(at)[0], as_of, referral, expect)


def _read_expectation(reader: Reader, value: Any, at: Path_) -> Expectation | None:
    data = reader.mapping(value, at, required=(), optional=EXPECT_KEYS, what="expect")
    if data is None:
        return None

    def ids(key: str) -> tuple[str, ...]:
        return reader.texts(data[key], (*at, key), key) if key in data else ()

    levels: dict[Domain, Level] = {}
    raw_levels = data.get("levels", {})
    if (
        reader.mapping(
            raw_levels, (*at, "levels"), required=(), optional=tuple(Domain), what="levels"
        )
        is not None
    ):
        for domain, level in raw_levels.items():
            d = reader.member(domain, (*at, "levels", domain), Domain, "domain")
            lv = reader.member(level, (*at, "levels", domain), Level, "level")
            if d and lv:
                levels[d] = lv
    return Expectation(
        fired=ids("fired"),
        not_fired=ids("not_fired"),
        only_fired=bool(data.get("only_fired", False)),
        levels=levels,
        overall_level=(
            reader.member(data["overall_level"], (*at, "overall_level"), Level, "level")
            if "overall_level" in data
            else None
        ),
        urgent=(
            reader.boolean(data["urgent"], (*at, "urgent"), "urgent") if "urgent" in data else None
        ),
        harm_indicated=(
            reader.boolean(data["harm_indicated"], (*at, "harm_indicated"), "harm_indicated")
            if "harm_indicated" in data
            else None
        ),
        pathways=ids("pathways"),
        primary_pathway=(
            reader.text(data["primary_pathway"], (*at, "primary_pathway"), "primary_pathway")
            if "primary_pathway" in data
            else None
        ),
        gaps=ids("gaps"),
    )
