"""The referral contract refuses what it does not understand, naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from screening_api import Referral
from tests.conftest import referral_data


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        Referral.model_validate(data)
    return [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in caught.value.errors()]


def test_a_full_referral_is_accepted() -> None:
    referral = Referral.model_validate(
        referral_data(
            as_of="2026-06-01",
            subject={
                "kind": "child",
                "age_years": 15,
                "legal_status": "looked_after",
                "education_status": "alternative_provision",
                "special_educational_needs": True,
                "unaccompanied_asylum_seeking": False,
            },
            referrer={"agency": "police"},
            indicators={
                "missing_episodes": {"status": "present", "count": 3, "window_days": 90},
                "found_out_of_area": {
                    "status": "present",
                    "recency": "current",
                    "source": "observed",
                },
            },
            contexts={
                "places": [{"type": "park", "area": "LS9"}],
                "peers": {"group_size": 4, "linked_referrals": ["REF-2"]},
                "online": [{"kind": "social_media", "platform": "Snapchat"}],
                "school": {"setting": "mainstream"},
            },
            narrative="Police found him in a park.",
            monitoring={"ethnicity": "prefer not to say"},
        )
    )
    assert referral.indicators["missing_episodes"].count == 3
    assert referral.contexts.places[0].area == "LS9"


def test_unknown_fields_are_refused_by_name() -> None:
    assert problems(referral_data(colour="red")) == [("colour", "Extra inputs are not permitted")]


def test_no_silent_coercion_of_numbers_or_booleans() -> None:
    found = problems(
        referral_data(
            subject={"kind": "child", "age_years": "15", "special_educational_needs": "yes"}
        )
    )
    assert found == [
        ("subject.age_years", "Input should be a valid integer"),
        ("subject.special_educational_needs", "Input should be a valid boolean"),
    ]


def test_out_of_range_age() -> None:
    assert problems(referral_data(subject={"kind": "child", "age_years": 40})) == [
        ("subject.age_years", "Input should be less than or equal to 25")
    ]


def test_received_at_needs_a_timezone_and_text() -> None:
    assert problems(referral_data(received_at="2026-06-01T09:30:00")) == [
        ("received_at", "Value error, must include a timezone, for example 2026-06-01T09:30:00Z")
    ]
    assert problems(referral_data(received_at=1780000000)) == [
        ("received_at", "Value error, must be an ISO 8601 date or date-time written as text")
    ]


def test_child_details_are_refused_for_a_context_subject() -> None:
    assert problems(referral_data(subject={"kind": "location", "age_years": 15})) == [
        (
            "subject",
            "Value error, 'age_years' describes a child and is not accepted when "
            "subject.kind is 'location'",
        )
    ]


def test_areas_are_postcode_districts_never_full_postcodes() -> None:
    assert problems(referral_data(contexts={"places": [{"type": "park", "area": "LS9 7AB"}]})) == [
        (
            "contexts.places.0.area",
            "Value error, must be a postcode district such as 'LS9', never a full postcode or "
            "address",
        )
    ]


def test_observation_consistency() -> None:
    found = problems(
        referral_data(
            indicators={
                "a_flag": {"status": "absent", "recency": "current"},
                "a_count": {"status": "present", "count": 0},
            }
        )
    )
    assert found == [
        ("indicators.a_flag", "Value error, 'recency' is only accepted when status is 'present'"),
        ("indicators.a_count", "Value error, a present indicator has a count of at least 1"),
    ]


def test_narrative_is_bounded() -> None:
    found = problems(referral_data(narrative="x" * 10_001))
    assert found == [("narrative", "String should have at most 10000 characters")]


def test_indicator_codes_must_look_like_codes() -> None:
    found = problems(referral_data(indicators={"Bad Code": {"status": "present"}}))
    assert found[0][0] == "indicators.Bad Code.[key]"
