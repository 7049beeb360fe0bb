"""screen(): outcomes, evidence, three-valued logic, gaps, shadow rules, routing, purity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from screening_api import Referral, ReferralError, RuleSet, screen
from screening_api.decision import Truth
from tests.conftest import AS_OF

Make = Callable[..., Referral]


def test_fired_rule_with_evidence_levels_codes_and_pathway(
    mini: RuleSet, make_referral: Make
) -> None:
    referral = make_referral(
        indicators={
            "found_out_of_area": {"status": "present", "recency": "current"},
            "found_with_drugs_or_cash": {"status": "present"},
            "harm_within_family_only": {"status": "absent"},
        }
    )
    decision = screen(referral, mini, as_of=AS_OF)
    outcome = decision.outcome
    assert outcome.extra_familial_harm_indicated is True
    assert outcome.level == "significant"
    assert outcome.urgent is False
    assert [(d.domain, d.level, d.rules) for d in outcome.domains] == [
        ("criminal_exploitation", "significant", ("CCE-001",))
    ]
    assert [(c.code, c.label, c.rules) for c in outcome.suggested_cin_factors] == [
        ("24A", "Child criminal exploitation", ("CCE-001",))
    ]
    assert decision.primary_pathway == "mace_panel"
    assert [(p.pathway_id, p.rows, p.rules, p.primary) for p in decision.pathways] == [
        ("mace_panel", ("exploitation",), ("CCE-001",), True)
    ]
    [flag] = decision.flags
    assert flag.rule_id == "CCE-001"
    assert [(e.path, e.subject, e.expected, e.actual, e.result) for e in flag.evidence] == [
        (
            "when.all[0]",
            "indicators.found_out_of_area",
            "present; recency current",
            "present; recency current",
            Truth.TRUE,
        ),
        (
            "when.all[1].any[0]",
            "indicators.found_with_drugs_or_cash",
            "present",
            "present",
            Truth.TRUE,
        ),
        (
            "when.all[1].any[1]",
            "narrative",
            "a term from lexicon 'county_lines', not negated",
            "no narrative",
            Truth.UNKNOWN,
        ),
        (
            "when.all[2].not",
            "indicators.harm_within_family_only",
            "not (present)",
            "absent",
            Truth.FALSE,
        ),
    ]
    assert decision.provenance.ruleset_id == "mini"
    assert decision.provenance.ruleset_version == "1.0.0"
    assert len(decision.provenance.ruleset_sha256) == 64
    assert decision.notice.startswith("Decision support only")
    assert decision.decision_id is None
    assert decision.screened_at is None


def test_contexts_show_what_was_named(mini: RuleSet, make_referral: Make) -> None:
    referral = make_referral(
        indicators={
            "found_out_of_area": {"status": "present", "recency": "current"},
            "found_with_drugs_or_cash": {"status": "present"},
            "harm_within_family_only": {"status": "absent"},
        },
        contexts={"places": [{"type": "transport_hub", "area": "LS1"}], "peers": {"group_size": 3}},
    )
    decision = screen(referral, mini, as_of=AS_OF)
    assert [(c.context, c.rules, c.named) for c in decision.outcome.contexts] == [
        ("people", (), ("peer group of 3",)),
        ("places", ("CCE-001",), ("transport hub (LS1)", "Found out of area")),
        ("child", ("CCE-001",), ("Found with drugs or cash",)),
    ]


def test_unknown_leaves_make_an_information_gap_not_a_no(
    mini: RuleSet, make_referral: Make
) -> None:
    referral = make_referral(
        indicators={
            "found_out_of_area": {"status": "present", "recency": "current"},
        }
    )
    decision = screen(referral, mini, as_of=AS_OF)
    assert decision.flags == ()
    assert decision.outcome.level == "none"
    assert decision.primary_pathway == "usual_front_door"
    [gap] = decision.information_gaps
    assert gap.rank == 1
    assert gap.rule_id == "CCE-001"
    assert [(f.kind, f.name, f.label) for f in gap.unknown_facts] == [
        ("indicator", "found_with_drugs_or_cash", "Found with drugs or cash"),
        ("mentions", "county_lines", "narrative"),
        ("indicator", "harm_within_family_only", "Harm within the family only"),
    ]
    assert gap.could_change == "would raise criminal exploitation from none to significant"


def test_gaps_are_ranked_by_what_they_could_change(mini: RuleSet, make_referral: Make) -> None:
    referral = make_referral(
        subject={"kind": "child", "legal_status": "looked_after"},
        indicators={
            "found_out_of_area": {"status": "present", "recency": "current"},
            "missing_episodes": {"status": "present", "count": 2, "window_days": 30},
        },
    )
    decision = screen(referral, mini, as_of=AS_OF)
    assert [(g.rank, g.rule_id, g.could_change) for g in decision.information_gaps] == [
        (
            1,
            "MIS-001",
            "would make the referral urgent; would raise going missing from none to significant",
        ),
        (2, "CCE-001", "would raise criminal exploitation from none to significant"),
    ]
    # CCE-002 is open too, but only "looked after" holds: who the child is, not evidence of
    # harm, so it is not worth a question


def test_present_without_a_date_is_partial_evidence(mini: RuleSet, make_referral: Make) -> None:
    referral = make_referral(
        indicators={
            "found_out_of_area": {"status": "present"},
            "found_with_drugs_or_cash": {"status": "present"},
            "harm_within_family_only": {"status": "absent"},
        }
    )
    decision = screen(referral, mini, as_of=AS_OF)
    assert decision.flags == ()
    [gap] = decision.information_gaps
    assert gap.rule_id == "CCE-001"
    # only the date matters: found with drugs already settles the "any" that the narrative
    # could also have settled, so the narrative is not asked about
    assert [(f.name, f.label) for f in gap.unknown_facts] == [
        ("found_out_of_area", "Found out of area: reported present, but when is not given"),
    ]


def test_kleene_logic_of_at_least(mini: RuleSet, make_referral: Make) -> None:
    # CCE-002 is "at least 2 of 3": one true, one false, one unknown is undetermined;
    # one true and two false is false.
    undetermined = make_referral(
        subject={"kind": "child", "legal_status": "looked_after"},
        indicators={"missing_episodes": {"status": "present", "count": 1, "window_days": 30}},
    )
    decision = screen(undetermined, mini, as_of=AS_OF, explain="full")
    trace = {t.rule_id: t for t in decision.not_fired or ()}
    assert trace["CCE-002"].result == Truth.UNKNOWN
    assert trace["CCE-002"].failed_leaf is not None
    assert trace["CCE-002"].failed_leaf.subject == "indicators.older_associates"
    false = make_referral(
        subject={"kind": "child", "legal_status": "looked_after"},
        indicators={
            "missing_episodes": {"status": "present", "count": 1, "window_days": 30},
            "older_associates": {"status": "absent"},
        },
    )
    decision = screen(false, mini, as_of=AS_OF, explain="full")
    trace = {t.rule_id: t for t in decision.not_fired or ()}
    assert trace["CCE-002"].result == Truth.FALSE
    assert trace["CCE-002"].failed_leaf is not None
    assert trace["CCE-002"].failed_leaf.path == "when.of[0]"


def test_count_windows(mini: RuleSet, make_referral: Make) -> None:
    def cce002(count: int, window: int | None) -> Truth:
        observation: dict[str, object] = {"status": "present", "count": count}
        if window is not None:
            observation["window_days"] = window
        referral = make_referral(
            subject={"kind": "child", "legal_status": "looked_after"},
            indicators={"missing_episodes": observation},
        )
        decision = screen(referral, mini, as_of=AS_OF, explain="full")
        if any(f.rule_id == "CCE-002" for f in decision.flags):
            return Truth.TRUE
        return {t.rule_id: t.result for t in decision.not_fired or ()}["CCE-002"]

    assert cce002(3, 90) is Truth.TRUE
    assert cce002(3, 60) is Truth.TRUE
    assert cce002(3, 365) is Truth.UNKNOWN  # enough, but maybe not all within 90 days
    assert cce002(3, None) is Truth.UNKNOWN
    # fewer than 3 over any window is fewer than 3 within 90 days; with older_associates
    # unknown the rule stays undetermined
    assert cce002(2, 365) is Truth.UNKNOWN


def test_negated_mention_does_not_count_and_is_shown(mini: RuleSet, make_referral: Make) -> None:
    referral = make_referral(
        indicators={
            "found_out_of_area": {"status": "present", "recency": "current"},
            "found_with_drugs_or_cash": {"status": "absent"},
            "harm_within_family_only": {"status": "absent"},
        },
        narrative="There are no concerns about county lines at present.",
    )
    decision = screen(referral, mini, as_of=AS_OF, explain="full")
    assert decision.flags == ()
    trace = {t.rule_id: t for t in decision.not_fired or ()}["CCE-001"]
    mention = next(e for e in trace.evidence if e.kind == "mentions")
    assert mention.result == Truth.FALSE
    assert mention.actual == "no term found; 1 negated mention(s) set aside"
    assert [(m.term, m.start, m.end, m.negated_by) for m in mention.negated_matches] == [
        ("county lines", 28, 40, "no concerns about")
    ]


def test_candidate_rules_run_in_shadow(mini: RuleSet, make_referral: Make) -> None:
    decision = screen(make_referral(narrative="He said he was going country."), mini, as_of=AS_OF)
    assert [f.rule_id for f in decision.shadow_flags] == ["CCE-009"]
    assert decision.flags == ()
    assert decision.outcome.level == "none"


def test_urgent_rule_routes_to_people_first(mini: RuleSet, make_referral: Make) -> None:
    referral = make_referral(
        subject={"kind": "child", "age_years": 10, "legal_status": "looked_after"},
        indicators={
            "missing_episodes": {"status": "present", "count": 3, "window_days": 30},
            "older_associates": {"status": "present", "source": "observed"},
        },
    )
    decision = screen(referral, mini, as_of=AS_OF)
    assert decision.outcome.urgent is True
    assert [p.pathway_id for p in decision.pathways] == ["police_immediate", "mace_panel"]
    assert decision.pathways[0].rules == ("MIS-001",)


def test_context_subject_never_gets_child_only_pathways(mini: RuleSet, make_referral: Make) -> None:
    referral = make_referral(
        subject={"kind": "location"},
        indicators={
            "found_out_of_area": {"status": "present", "recency": "current"},
            "found_with_drugs_or_cash": {"status": "present"},
            "harm_within_family_only": {"status": "absent"},
        },
    )
    decision = screen(referral, mini, as_of=AS_OF)
    assert [f.rule_id for f in decision.flags] == ["CCE-001"]
    assert [p.pathway_id for p in decision.pathways] == ["usual_front_door"]


def test_effective_dates(mini: RuleSet, make_referral: Make) -> None:
    referral = make_referral(
        indicators={
            "found_out_of_area": {"status": "present", "recency": "current"},
            "found_with_drugs_or_cash": {"status": "present"},
            "harm_within_family_only": {"status": "absent"},
        }
    )
    before = screen(referral, mini, as_of=date(2025, 12, 31))
    assert before.flags == ()
    assert before.as_of == date(2025, 12, 31)


def test_as_of_comes_from_the_referral_when_not_given(mini: RuleSet, make_referral: Make) -> None:
    assert screen(make_referral(as_of="2026-03-01"), mini).as_of == date(2026, 3, 1)
    with pytest.raises(ReferralError) as caught:
        screen(make_referral(), mini)
    assert str(caught.value) == (
        "referral refused: as_of: a date to judge on is required: "
        "give as_of in the referral or to screen()"
    )


def test_unknown_indicator_codes_are_refused_by_name(mini: RuleSet, make_referral: Make) -> None:
    referral = make_referral(
        indicators={
            "found_out_of_areas": {"status": "present"},
            "found_with_drugs_or_cash": {"status": "present", "count": 2},
            "missing_episodes": {"status": "present"},
        }
    )
    with pytest.raises(ReferralError) as caught:
        screen(referral, mini, as_of=AS_OF)
    assert [(p.field, p.message) for p in caught.value.problems] == [
        (
            "indicators.found_out_of_areas",
            "unknown indicator code 'found_out_of_areas': it is "
            "not in the indicator catalogue (did you mean 'found_out_of_area'?)",
        ),
        (
            "indicators.found_with_drugs_or_cash",
            "'found_with_drugs_or_cash' is a flag indicator and takes no count",
        ),
        (
            "indicators.missing_episodes",
            "'missing_episodes' is a count indicator: give 'count' (and 'window_days') when it "
            "is present",
        ),
    ]


def test_same_input_gives_byte_identical_decisions(mini: RuleSet, make_referral: Make) -> None:
    referral = make_referral(
        subject={"kind": "child", "legal_status": "looked_after"},
        indicators={
            "found_out_of_area": {"status": "present", "recency": "current"},
            "missing_episodes": {"status": "present", "count": 5, "window_days": 30},
        },
        narrative="Talk of going country; no concerns about a trap house.",
    )
    first = screen(referral, mini, as_of=AS_OF, explain="full").model_dump_json()
    second = screen(referral, mini, as_of=AS_OF, explain="full").model_dump_json()
    assert first == second


def test_summary_omits_not_fired_and_full_lists_them(mini: RuleSet, make_referral: Make) -> None:
    assert screen(make_referral(), mini, as_of=AS_OF).not_fired is None
    full = screen(make_referral(), mini, as_of=AS_OF, explain="full")
    assert [t.rule_id for t in full.not_fired or ()] == ["CCE-001", "CCE-002", "MIS-001"]
