"""The referral contract: what a case system sends about a child or a context (pydantic v2)."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)

__all__ = [
    "Agency",
    "Contexts",
    "EducationStatus",
    "LegalStatus",
    "Monitoring",
    "Observation",
    "OnlineKind",
    "OnlinePlatform",
    "Peers",
    "Place",
    "PlaceType",
    "Presence",
    "Recency",
    "Referral",
    "Referrer",
    "SchoolContext",
    "SchoolSetting",
    "Source",
    "Subject",
    "SubjectKind",
]

MAX_NARRATIVE_CHARS = 10_000
MAX_INDICATORS = 200
MAX_LIST_ITEMS = 50

_CONTRACT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def _iso_text_only(value: Any) -> Any:
    """Dates and times come as ISO 8601 text (or as date objects from Python callers), never
    as numbers: a number would be silently read as a Unix timestamp."""
    if isinstance(value, str | date):
        return value
    raise ValueError("must be an ISO 8601 date or date-time written as text")


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a timezone, for example 2026-06-01T09:30:00Z")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_text_only)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_text_only), AfterValidator(_aware)]
ShortText = Annotated[StrictStr, Field(min_length=1, max_length=64)]
Reference = Annotated[StrictStr, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class SubjectKind(StrEnum):
    CHILD = "child"
    PEER_GROUP = "peer_group"
    LOCATION = "location"
    SCHOOL = "school"
    ONLINE_SPACE = "online_space"


class LegalStatus(StrEnum):
    NONE = "none"
    EARLY_HELP = "early_help"
    CHILD_IN_NEED = "child_in_need"
    CHILD_PROTECTION = "child_protection"
    LOOKED_AFTER = "looked_after"
    CARE_LEAVER = "care_leaver"


class EducationStatus(StrEnum):
    ON_ROLL = "on_roll"
    PERSISTENT_ABSENCE = "persistent_absence"
    SUSPENDED = "suspended"
    EXCLUDED = "excluded"
    ALTERNATIVE_PROVISION = "alternative_provision"
    HOME_EDUCATED = "home_educated"
    MISSING_EDUCATION = "missing_education"
    NOT_IN_EDUCATION_OR_EMPLOYMENT = "not_in_education_or_employment"


class Agency(StrEnum):
    POLICE = "police"
    SCHOOL = "school"
    HEALTH = "health"
    YOUTH_JUSTICE = "youth_justice"
    SOCIAL_CARE = "social_care"
    HOUSING = "housing"
    VOLUNTARY = "voluntary"
    FAMILY = "family"
    SELF = "self"
    ANONYMOUS = "anonymous"
    OTHER = "other"


class Presence(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class Recency(StrEnum):
    """current: within 6 months; recent: 6 to 12 months ago; historic: longer ago."""

    CURRENT = "current"
    RECENT = "recent"
    HISTORIC = "historic"


class Source(StrEnum):
    OBSERVED = "observed"
    REPORTED = "reported"
    DISCLOSED = "disclosed"


class PlaceType(StrEnum):
    PARK = "park"
    TRANSPORT_HUB = "transport_hub"
    SHOPPING_CENTRE = "shopping_centre"
    TAKEAWAY = "takeaway"
    HOTEL_OR_SHORT_LET = "hotel_or_short_let"
    SCHOOL_GROUNDS = "school_grounds"
    SCHOOL_TRANSPORT = "school_transport"
    HOUSING_ESTATE = "housing_estate"
    STREET = "street"
    PRIVATE_DWELLING = "private_dwelling"
    YOUTH_VENUE = "youth_venue"
    LEISURE_VENUE = "leisure_venue"
    TOWN_CENTRE = "town_centre"
    OTHER = "other"


class OnlineKind(StrEnum):
    SOCIAL_MEDIA = "social_media"
    MESSAGING = "messaging"
    GAMING = "gaming"
    VIDEO_STREAMING = "video_streaming"
    DATING = "dating"
    FORUM = "forum"
    OTHER = "other"


class SchoolSetting(StrEnum):
    MAINSTREAM = "mainstream"
    ALTERNATIVE_PROVISION = "alternative_provision"
    SPECIAL = "special"
    PUPIL_REFERRAL_UNIT = "pupil_referral_unit"
    COLLEGE = "college"


# A postcode district ("LS9", "E1", "EC1A", "B33"): the finest area a referral may carry.
_POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
_FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}$", re.IGNORECASE)


class Subject(BaseModel):
    """Who or what the referral is about. Child details are refused for context subjects."""

    model_config = _CONTRACT

    kind: SubjectKind
    age_years: Annotated[StrictInt, Field(ge=0, le=25)] | None = None
    legal_status: LegalStatus | None = None
    education_status: EducationStatus | None = None
    special_educational_needs: StrictBool | None = None
    unaccompanied_asylum_seeking: StrictBool | None = None

    @model_validator(mode="after")
    def _child_details_only_for_children(self) -> Self:
        if self.kind is not SubjectKind.CHILD:
            for name in _CHILD_DETAILS:
                if getattr(self, name) is not None:
                    raise ValueError(
                        f"'{name}' describes a child and is not accepted when subject.kind is "
                        f"'{self.kind}'"
                    )
        return self


_CHILD_DETAILS = (
    "age_years",
    "legal_status",
    "education_status",
    "special_educational_needs",
    "unaccompanied_asylum_seeking",
)


class Referrer(BaseModel):
    """The agency that made the referral (never a person's name)."""

    model_config = _CONTRACT

    agency: Agency


class Observation(BaseModel):
    """What the referral says about one catalogued indicator."""

    model_config = _CONTRACT

    status: Presence
    recency: Recency | None = None
    source: Source | None = None
    count: Annotated[StrictInt, Field(ge=0, le=10_000)] | None = None
    window_days: Annotated[StrictInt, Field(ge=1, le=3650)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.status is not Presence.PRESENT and self.recency is not None:
            raise ValueError("'recency' is only accepted when status is 'present'")
        if self.window_days is not None and self.count is None:
            raise ValueError("'window_days' needs a 'count'")
        if self.count is not None:
            if self.status is Presence.UNKNOWN:
                raise ValueError("'count' is not accepted when status is 'unknown'")
            if self.status is Presence.ABSENT and self.count != 0:
                raise ValueError("an absent indicator has count 0")
            if self.status is Presence.PRESENT and self.count == 0:
                raise ValueError("a present indicator has a count of at least 1")
        return self


def _postcode_district(value: Any) -> Any:
    if isinstance(value, str) and _FULL_POSTCODE.match(value.strip()):
        raise ValueError(
            "must be a postcode district such as 'LS9', never a full postcode or address"
        )
    return value


class Place(BaseModel):
    """A place named in the referral: its type and, at most, its postcode district."""

    model_config = _CONTRACT

    type: PlaceType
    area: (
        Annotated[
            StrictStr,
            Field(pattern=_POSTCODE_DISTRICT.pattern, max_length=4),
            BeforeValidator(_postcode_district),
        ]
        | None
    ) = None


class Peers(BaseModel):
    """The peer group: its size and the referral references of linked children."""

    model_config = _CONTRACT

    group_size: Annotated[StrictInt, Field(ge=1, le=500)] | None = None
    linked_referrals: Annotated[list[Reference], Field(max_length=MAX_LIST_ITEMS)] = []


class OnlinePlatform(BaseModel):
    model_config = _CONTRACT

    kind: OnlineKind
    platform: ShortText | None = None


class SchoolContext(BaseModel):
    model_config = _CONTRACT

    setting: SchoolSetting


class Contexts(BaseModel):
    """The contexts named: places, peers, online platforms, school."""

    model_config = _CONTRACT

    places: Annotated[list[Place], Field(max_length=MAX_LIST_ITEMS)] = []
    peers: Peers | None = None
    online: Annotated[list[OnlinePlatform], Field(max_length=MAX_LIST_ITEMS)] = []
    school: SchoolContext | None = None


class Monitoring(BaseModel):
    """Protected characteristics for fairness monitoring only: no rule or feature reads them."""

    model_config = _CONTRACT

    ethnicity: ShortText | None = None
    sex: ShortText | None = None
    gender_identity: ShortText | None = None
    religion: ShortText | None = None
    disability: ShortText | None = None
    sexual_orientation: ShortText | None = None


IndicatorCode = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]


class Referral(BaseModel):
    """One referral about a child or a context, as a case system records it."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"$id": "https://screening-api.example/schemas/referral.schema.json"},
    )

    referral_id: Reference
    received_at: Annotated[IsoDateTime, Field(description="ISO 8601 with a timezone")]
    as_of: IsoDate | None = Field(
        default=None, description="The date to judge on; the adapter uses today when absent."
    )
    subject: Subject
    referrer: Referrer | None = None
    indicators: Annotated[dict[IndicatorCode, Observation], Field(max_length=MAX_INDICATORS)] = {}
    contexts: Contexts = Field(default_factory=Contexts)
    narrative: Annotated[StrictStr, Field(max_length=MAX_NARRATIVE_CHARS)] | None = None
    monitoring: Monitoring | None = None
