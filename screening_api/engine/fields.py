"""The referral fields a rule may read, their types and the operators that fit each type.

Adding a readable field is one entry in ``FIELDS``; adding an operator is one entry in
``OPERATORS``. The monitoring block is deliberately absent: no rule can read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from screening_api.referral import (
    Agency,
    EducationStatus,
    LegalStatus,
    OnlineKind,
    PlaceType,
    Referral,
    SchoolSetting,
    SubjectKind,
)


class FieldType(StrEnum):
    ENUM = "one of a closed list"
    INTEGER = "whole number"
    BOOLEAN = "true or false"
    SET = "set of values"


FieldValue = str | int | bool | frozenset[str] | None


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    read: Callable[[Referral], FieldValue]
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operator:
    name: str
    types: frozenset[FieldType]
    takes_list: bool
    compare: Callable[[object, object], bool]
    phrase: str


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def _set_or_unknown(items: frozenset[str]) -> frozenset[str] | None:
    # Nothing named is not the same as "none": an empty list leaves the fact unknown.
    return items or None


def _linked_count(referral: Referral) -> int | None:
    peers = referral.contexts.peers
    return len(peers.linked_referrals) if peers and peers.linked_referrals else None


FIELDS: MappingProxyType[str, FieldSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            FieldSpec(
                "subject.kind", FieldType.ENUM, lambda r: r.subject.kind.value, _values(SubjectKind)
            ),
            FieldSpec("subject.age_years", FieldType.INTEGER, lambda r: r.subject.age_years),
            FieldSpec(
                "subject.legal_status",
                FieldType.ENUM,
                lambda r: r.subject.legal_status and r.subject.legal_status.value,
                _values(LegalStatus),
            ),
            FieldSpec(
                "subject.education_status",
                FieldType.ENUM,
                lambda r: r.subject.education_status and r.subject.education_status.value,
                _values(EducationStatus),
            ),
            FieldSpec(
                "subject.special_educational_needs",
                FieldType.BOOLEAN,
                lambda r: r.subject.special_educational_needs,
            ),
            FieldSpec(
                "subject.unaccompanied_asylum_seeking",
                FieldType.BOOLEAN,
                lambda r: r.subject.unaccompanied_asylum_seeking,
            ),
            FieldSpec(
                "referrer.agency",
                FieldType.ENUM,
                lambda r: r.referrer.agency.value if r.referrer else None,
                _values(Agency),
            ),
            FieldSpec(
                "contexts.place_types",
                FieldType.SET,
                lambda r: _set_or_unknown(frozenset(p.type.value for p in r.contexts.places)),
                _values(PlaceType),
            ),
            FieldSpec(
                "contexts.online_kinds",
                FieldType.SET,
                lambda r: _set_or_unknown(frozenset(o.kind.value for o in r.contexts.online)),
                _values(OnlineKind),
            ),
            FieldSpec(
                "contexts.peers.group_size",
                FieldType.INTEGER,
                lambda r: r.contexts.peers.group_size if r.contexts.peers else None,
            ),
            FieldSpec("contexts.peers.linked_referral_count", FieldType.INTEGER, _linked_count),
            FieldSpec(
                "contexts.school.setting",
                FieldType.ENUM,
                lambda r: r.contexts.school.setting.value if r.contexts.school else None,
                _values(SchoolSetting),
            ),
        )
    }
)

_ORDERED = frozenset({FieldType.INTEGER})
_EQUATABLE = frozenset({FieldType.ENUM, FieldType.INTEGER, FieldType.BOOLEAN})
_MEMBERSHIP = frozenset({FieldType.ENUM})
_SETS = frozenset({FieldType.SET})


def _as_set(value: object) -> frozenset[object]:
    if isinstance(value, frozenset):
        return value  # operands are made frozensets once, when the rule is compiled
    return frozenset(value) if isinstance(value, list | tuple | set) else frozenset()


def _lt(a: object, b: object) -> bool:
    return isinstance(a, int) and isinstance(b, int) and a < b


def _le(a: object, b: object) -> bool:
    return isinstance(a, int) and isinstance(b, int) and a <= b


OPERATORS: MappingProxyType[str, Operator] = MappingProxyType(
    {
        op.name: op
        for op in (
            Operator("equals", _EQUATABLE, False, lambda a, b: a == b, "is"),
            Operator("in", _MEMBERSHIP, True, lambda a, b: a in _as_set(b), "is one of"),
            Operator("not_in", _MEMBERSHIP, True, lambda a, b: a not in _as_set(b), "is none of"),
            Operator("at_least", _ORDERED, False, lambda a, b: _le(b, a), "is at least"),
            Operator("at_most", _ORDERED, False, _le, "is at most"),
            Operator("less_than", _ORDERED, False, _lt, "is less than"),
            Operator("greater_than", _ORDERED, False, lambda a, b: _lt(b, a), "is greater than"),
            Operator(
                "includes_any",
                _SETS,
                True,
                lambda a, b: bool(_as_set(a) & _as_set(b)),
                "includes any of",
            ),
            Operator(
                "includes_all",
                _SETS,
                True,
                lambda a, b: _as_set(b) <= _as_set(a),
                "includes all of",
            ),
        )
    }
)


def describe_value(value: object) -> str:
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | frozenset | set):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)
