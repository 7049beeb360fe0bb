"""Closed vocabularies shared by rules and decisions: harm domains, levels, contexts, CIN codes."""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType


class Domain(StrEnum):
    """The nine extra-familial harm domains, in the order decisions list them."""

    CRIMINAL_EXPLOITATION = "criminal_exploitation"
    SEXUAL_EXPLOITATION = "sexual_exploitation"
    SERIOUS_YOUTH_VIOLENCE = "serious_youth_violence"
    GANGS_GROUP_OFFENDING = "gangs_group_offending"
    CHILD_ON_CHILD_ABUSE = "child_on_child_abuse"
    ONLINE_HARM = "online_harm"
    RADICALISATION = "radicalisation"
    TRAFFICKING_MODERN_SLAVERY = "trafficking_modern_slavery"
    GOING_MISSING = "going_missing"

    @property
    def label(self) -> str:
        return DOMAIN_LABELS[self]


DOMAIN_LABELS = MappingProxyType(
    {
        Domain.CRIMINAL_EXPLOITATION: "criminal exploitation",
        Domain.SEXUAL_EXPLOITATION: "sexual exploitation",
        Domain.SERIOUS_YOUTH_VIOLENCE: "serious youth violence",
        Domain.GANGS_GROUP_OFFENDING: "gangs and group offending",
        Domain.CHILD_ON_CHILD_ABUSE: "child-on-child abuse",
        Domain.ONLINE_HARM: "online harm",
        Domain.RADICALISATION: "radicalisation",
        Domain.TRAFFICKING_MODERN_SLAVERY: "trafficking and modern slavery",
        Domain.GOING_MISSING: "going missing",
    }
)


class Level(StrEnum):
    """The ordinal concern scale; ``rank`` orders it."""

    NONE = "none"
    EMERGING = "emerging"
    MODERATE = "moderate"
    SIGNIFICANT = "significant"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = MappingProxyType({level: index for index, level in enumerate(Level)})

RULE_LEVELS = (Level.EMERGING, Level.MODERATE, Level.SIGNIFICANT)


class ContextTag(StrEnum):
    """Where a concern sits: the people, places, school and online worlds, or the child."""

    PEOPLE = "people"
    PLACES = "places"
    SCHOOL = "school"
    ONLINE = "online"
    CHILD = "child"


# Children in Need census "factors identified at the end of assessment" that relate to
# extra-familial harm. The API only ever suggests them: they are recorded after assessment.
CIN_FACTORS = MappingProxyType(
    {
        "10A": "Going/being missing",
        "11A": "Child sexual exploitation",
        "12A": "Trafficking",
        "13A": "Gangs",
        "14A": "Socially unacceptable behaviour",
        "18B": "Physical abuse: child-on-child",
        "19B": "Sexual abuse: child-on-child",
        "20": "Other",
        "24A": "Child criminal exploitation",
    }
)

DECISION_SUPPORT_NOTICE = (
    "Decision support only: this screening suggests concerns, contexts and pathways from "
    "transparent rules. A qualified practitioner reviews the referral and decides. Unknown "
    "information never lowers a concern; suggested codes are not assessment outcomes."
)
