"""Parse rule files: metadata and the `when` condition tree, checked against the catalogue."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from screening_api.engine.catalogue import read_identifier, read_references
from screening_api.engine.fields import FIELDS, OPERATORS, FieldType
from screening_api.engine.model import (
    AllNode,
    AnyNode,
    AtLeastNode,
    Condition,
    FieldLeaf,
    Indicator,
    IndicatorKind,
    IndicatorLeaf,
    MentionsLeaf,
    NotNode,
    Rule,
    RuleStatus,
)
from screening_api.engine.reader import MISSING, Reader, did_you_mean
from screening_api.engine.source import Path_
from screening_api.referral import Recency, Source
from screening_api.vocabulary import CIN_FACTORS, ContextTag, Domain, Level

RULE_ID = re.compile(r"^[A-Z][A-Z0-9]{1,9}-[0-9]{3,4}[a-z]?$")
REQUIRED = (
    "id",
    "title",
    "status",
    "version",
    "owner",
    "effective_from",
    "domains",
    "contexts",
    "level",
    "rationale",
    "when",
)
OPTIONAL = (
    "effective_to",
    "urgent",
    "suggests_cin_factors",
    "references",
    "known_false_positives",
    "superseded_by",
)
NODE_KEYS = ("all", "any", "not", "at_least", "indicator", "field", "mentions")
INDICATOR_OPTIONS = ("recency", "source", "count_at_least", "within_days")


@dataclass(frozen=True)
class Vocabulary:
    """What rules may name: the catalogue's indicators and the lexicon ids."""

    indicators: Mapping[str, Indicator]
    lexicons: Collection[str]


def read_rule_file(reader: Reader, vocabulary: Vocabulary) -> list[Rule]:
    items = reader.sequence(reader.doc.data, (), "a rule file")
    if items is None:
        return []
    rules = []
    for index, item in enumerate(items):
        rule = _read_rule(reader, item, (index,), vocabulary)
        if rule is not None:
            rules.append(rule)
    return rules


def _read_rule(reader: Reader, item: Any, at: Path_, vocabulary: Vocabulary) -> Rule | None:
    rule_id = item.get("id") if isinstance(item, dict) else None
    reader = reader.for_rule(rule_id if isinstance(rule_id, str) else None)
    entry = reader.mapping(item, at, required=REQUIRED, optional=OPTIONAL, what="rule")
    if entry is None:
        return None
    rule_id = read_identifier(reader, entry.get("id", MISSING), (*at, "id"), "rule id", RULE_ID)
    title = reader.text(entry.get("title", MISSING), (*at, "title"), "title", max_length=160)
    status = reader.member(entry.get("status", MISSING), (*at, "status"), RuleStatus, "status")
    version = reader.integer(entry.get("version", MISSING), (*at, "version"), "version", minimum=1)
    owner = reader.text(entry.get("owner", MISSING), (*at, "owner"), "owner", max_length=120)
    starts = reader.day(
        entry.get("effective_from", MISSING), (*at, "effective_from"), "effective_from"
    )
    ends = (
        reader.day(entry["effective_to"], (*at, "effective_to"), "effective_to")
        if entry.get("effective_to") is not None
        else None
    )
    if starts and ends and ends < starts:
        reader.error(
            "E110",
            (*at, "effective_to"),
            f"effective_to {ends.isoformat()} is before effective_from {starts.isoformat()}",
            hint="effective_to is the last day the rule applies",
        )
    domains = reader.members(entry.get("domains", MISSING), (*at, "domains"), Domain, "domain")
    contexts = reader.members(
        entry.get("contexts", MISSING), (*at, "contexts"), ContextTag, "context"
    )
    level = reader.member(entry.get("level", MISSING), (*at, "level"), Level, "level")
    if level is Level.NONE:
        reader.error(
            "E107",
            (*at, "level"),
            "a rule's level cannot be 'none'",
            hint="use emerging, moderate or significant",
        )
        level = None
    urgent = (
        reader.boolean(entry["urgent"], (*at, "urgent"), "urgent") if "urgent" in entry else False
    )
    codes = _read_cin(reader, entry.get("suggests_cin_factors", []), (*at, "suggests_cin_factors"))
    rationale = reader.text(entry.get("rationale", MISSING), (*at, "rationale"), "rationale")
    references = read_references(reader, entry.get("references", []), (*at, "references"))
    false_positives = reader.texts(
        entry.get("known_false_positives", []),
        (*at, "known_false_positives"),
        "known_false_positives",
    )
    successor = (
        reader.text(entry["superseded_by"], (*at, "superseded_by"), "superseded_by")
        if entry.get("superseded_by") is not None
        else None
    )
    when = (
        read_condition(reader, entry["when"], (*at, "when"), "when", vocabulary)
        if "when" in entry
        else None
    )
    if status is RuleStatus.DEPRECATED and successor is None:
        reader.error(
            "E112",
            (*at, "status"),
            "a deprecated rule must name its successor",
            hint="add 'superseded_by: <rule id>', or set status: retired",
        )
    if not (
        rule_id
        and title
        and status
        and version
        and owner
        and starts
        and domains
        and contexts
        and level
        and rationale
        and when
        and urgent is not None
    ):
        return None
    return Rule(
        rule_id,
        title,
        status,
        version,
        owner,
        starts,
        ends,
        domains,
        contexts,
        level,
        urgent,
        codes,
        rationale,
        references,
        false_positives,
        successor,
        when,
        reader.doc.display,
        reader.doc.position(at)[0],
    )


def _read_cin(reader: Reader, value: Any, where: Path_) -> tuple[str, ...]:
    codes = []
    for index, item in enumerate(reader.sequence(value, where, "suggests_cin_factors") or []):
        code = str(item) if isinstance(item, int | str) else ""
        if code in CIN_FACTORS:
            codes.append(code)
        else:
            reader.error(
                "E107",
                (*where, index),
                f"unknown Children in Need factor code {item!r}",
                hint=f"expected one of: {', '.join(CIN_FACTORS)}",
            )
    return tuple(codes)


def _label(where: str, key: str, index: int | None = None) -> str:
    step = key if index is None else f"{key}[{index}]"
    return f"{where}.{step}"


def read_condition(
    reader: Reader, value: Any, at: Path_, label: str, vocabulary: Vocabulary
) -> Condition | None:
    """One node of a `when` tree; every problem inside it is recorded, not just the first."""
    if not isinstance(value, dict):
        reader.error(
            "E103",
            at,
            f"condition at {label} must be a mapping with one of: {', '.join(NODE_KEYS)}",
        )
        return None
    kinds = [key for key in NODE_KEYS if key in value]
    if "field" in kinds:
        # `at_least` is also a field operator: inside a field condition it is not a group
        kinds = [key for key in kinds if key != "at_least"]
    if len(kinds) != 1:
        unknown = [str(key) for key in value if key not in NODE_KEYS]
        hint = did_you_mean(unknown[0], NODE_KEYS) if unknown else None
        found = ", ".join(kinds) if kinds else "none"
        reader.error(
            "E103",
            at,
            f"condition at {label} must have exactly one of {', '.join(NODE_KEYS)}; found {found}",
            hint=hint,
        )
        return None
    kind = kinds[0]
    if kind in ("all", "any"):
        return _read_group(reader, value, at, label, kind, vocabulary)
    if kind == "not":
        reader.mapping(value, at, required=("not",), what=f"condition at {label}")
        child = read_condition(reader, value["not"], (*at, "not"), _label(label, "not"), vocabulary)
        return NotNode(label, child) if child else None
    if kind == "at_least":
        return _read_at_least(reader, value, at, label, vocabulary)
    if kind == "indicator":
        return _read_indicator(reader, value, at, label, vocabulary)
    if kind == "field":
        return _read_field(reader, value, at, label)
    return _read_mentions(reader, value, at, label, vocabulary)


def _read_children(
    reader: Reader, value: Any, at: Path_, label: str, key: str, vocabulary: Vocabulary
) -> list[Condition | None] | None:
    items = reader.sequence(value, at, f"'{key}' at {label}")
    if items is None:
        return None
    if not items:
        reader.error(
            "E113",
            at,
            f"'{key}' at {label} is empty",
            hint="list at least one condition, or remove the group",
        )
        return None
    return [
        read_condition(reader, item, (*at, index), _label(label, key, index), vocabulary)
        for index, item in enumerate(items)
    ]


def _read_group(
    reader: Reader, value: dict[str, Any], at: Path_, label: str, key: str, vocabulary: Vocabulary
) -> Condition | None:
    reader.mapping(value, at, required=(key,), what=f"condition at {label}")
    children = _read_children(reader, value[key], (*at, key), label, key, vocabulary)
    if children is None or any(child is None for child in children):
        return None
    kept = tuple(child for child in children if child is not None)
    return AllNode(label, kept) if key == "all" else AnyNode(label, kept)


def _read_at_least(
    reader: Reader, value: dict[str, Any], at: Path_, label: str, vocabulary: Vocabulary
) -> Condition | None:
    reader.mapping(value, at, required=("at_least", "of"), what=f"condition at {label}")
    minimum = reader.integer(value.get("at_least"), (*at, "at_least"), "at_least", minimum=0)
    if "of" not in value:
        return None
    children = _read_children(reader, value["of"], (*at, "of"), label, "of", vocabulary)
    if minimum is not None and children is not None and not 1 <= minimum <= len(children):
        reader.error(
            "E114",
            (*at, "at_least"),
            f"at_least {minimum} at {label} cannot be met by a list of {len(children)}",
            hint=f"use a number from 1 to {len(children)}",
        )
        return None
    if minimum is None or children is None or any(child is None for child in children):
        return None
    return AtLeastNode(label, minimum, tuple(child for child in children if child is not None))


def _read_indicator(
    reader: Reader, value: dict[str, Any], at: Path_, label: str, vocabulary: Vocabulary
) -> Condition | None:
    reader.mapping(
        value,
        at,
        required=("indicator",),
        optional=INDICATOR_OPTIONS,
        what=f"indicator condition at {label}",
    )
    code = value.get("indicator")
    indicator = vocabulary.indicators.get(code) if isinstance(code, str) else None
    if indicator is None:
        reader.error(
            "E104",
            (*at, "indicator"),
            f"unknown indicator {code!r} at {label}",
            hint=" ".join(
                filter(
                    None,
                    [
                        did_you_mean(str(code), vocabulary.indicators),
                        "Indicators are listed in indicators.yaml.",
                    ],
                )
            ),
        )
        return None
    recency = (
        reader.members(value["recency"], (*at, "recency"), Recency, "recency")
        if "recency" in value
        else ()
    )
    source = (
        reader.members(value["source"], (*at, "source"), Source, "source")
        if "source" in value
        else ()
    )
    count = within = None
    if "count_at_least" in value:
        count = reader.integer(
            value["count_at_least"],
            (*at, "count_at_least"),
            "count_at_least",
            minimum=1,
            maximum=1000,
        )
        if indicator.kind is not IndicatorKind.COUNT:
            reader.error(
                "E108",
                (*at, "count_at_least"),
                f"count_at_least does not fit '{indicator.code}', a flag indicator",
                hint="only count indicators (kind: count) carry a number",
            )
            return None
    if "within_days" in value:
        within = reader.integer(
            value["within_days"], (*at, "within_days"), "within_days", minimum=1, maximum=3650
        )
        if "count_at_least" not in value:
            reader.error(
                "E108",
                (*at, "within_days"),
                "within_days needs count_at_least",
                hint="write count_at_least: N with within_days: D",
            )
            return None
    return IndicatorLeaf(label, indicator.code, recency, source, count, within)


def _read_field(reader: Reader, value: dict[str, Any], at: Path_, label: str) -> Condition | None:
    name = value.get("field")
    spec = FIELDS.get(name) if isinstance(name, str) else None
    if spec is None:
        hint = (
            "the monitoring block is for fairness monitoring and no rule may read it"
            if isinstance(name, str) and name.startswith("monitoring")
            else did_you_mean(str(name), FIELDS) or f"fields a rule may read: {', '.join(FIELDS)}"
        )
        reader.error("E105", (*at, "field"), f"unknown field {name!r} at {label}", hint=hint)
        return None
    operators = [key for key in value if key != "field"]
    if len(operators) != 1 or operators[0] not in OPERATORS:
        fitting = [op.name for op in OPERATORS.values() if spec.type in op.types]
        bad = [str(key) for key in operators if key not in OPERATORS]
        problem = (
            f"unknown operator '{bad[0]}'"
            if bad
            else f"a field condition needs exactly one operator, found {len(operators)}"
        )
        reader.error(
            "E108",
            at,
            f"{problem} for field '{name}' at {label}",
            hint=f"operators for {spec.type}: {', '.join(fitting)}",
        )
        return None
    operator = OPERATORS[operators[0]]
    where = (*at, operator.name)
    if spec.type not in operator.types:
        fitting = [op.name for op in OPERATORS.values() if spec.type in op.types]
        reader.error(
            "E108",
            where,
            f"operator '{operator.name}' does not fit field '{name}' ({spec.type})",
            hint=f"use one of: {', '.join(fitting)}",
        )
        return None
    operand = _read_operand(
        reader, value[operator.name], where, spec.type, spec.values, operator.takes_list, str(name)
    )
    return FieldLeaf(label, spec.name, operator.name, operand) if operand is not None else None


def _read_operand(
    reader: Reader,
    value: Any,
    where: Path_,
    field_type: FieldType,
    allowed: tuple[str, ...],
    takes_list: bool,
    name: str,
) -> object | None:
    if takes_list:
        items = reader.sequence(value, where, f"values for '{name}'")
        if not items:
            if items == []:
                reader.error("E113", where, f"the list of values for '{name}' is empty")
            return None
        checked = [
            _read_operand(reader, item, (*where, index), field_type, allowed, False, name)
            for index, item in enumerate(items)
        ]
        return None if None in checked else tuple(checked)
    if field_type in (FieldType.ENUM, FieldType.SET):
        if value not in allowed:
            reader.error(
                "E107",
                where,
                f"unknown value {value!r} for field '{name}'",
                hint=" ".join(
                    filter(
                        None,
                        [
                            did_you_mean(str(value), allowed),
                            f"expected one of: {', '.join(allowed)}",
                        ],
                    )
                ),
            )
            return None
        return str(value)
    if field_type is FieldType.INTEGER:
        return reader.integer(value, where, f"value for '{name}'", minimum=0, maximum=10_000)
    return reader.boolean(value, where, f"value for '{name}'")


def _read_mentions(
    reader: Reader, value: dict[str, Any], at: Path_, label: str, vocabulary: Vocabulary
) -> Condition | None:
    reader.mapping(value, at, required=("mentions",), what=f"mentions condition at {label}")
    lexicon = value.get("mentions")
    if lexicon not in vocabulary.lexicons:
        reader.error(
            "E106",
            (*at, "mentions"),
            f"unknown lexicon {lexicon!r} at {label}",
            hint=" ".join(
                filter(
                    None,
                    [
                        did_you_mean(str(lexicon), vocabulary.lexicons),
                        "Lexicons are the files in lexicons/.",
                    ],
                )
            ),
        )
        return None
    return MentionsLeaf(label, str(lexicon))
