"""Narrative matching: folding, word boundaries, negation, offsets, and a linear-time pattern."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening_api.engine.model import Lexicon, LexiconTerm, NegationCues
from screening_api.engine.text import Matcher, fold, normalise_term

NEGATION = NegationCues(
    window_words=5,
    before=("no", "not", "never", "denies", "denied", "no concerns about"),
    after=("ruled out",),
    breakers=("but", "however"),
)
LEXICONS = (
    Lexicon(
        "county_lines",
        "County lines",
        "d",
        (LexiconTerm("county lines", ("county line", "going country")), LexiconTerm("trap house")),
    ),
    Lexicon("weapons", "Weapons", "d", (LexiconTerm("zombie knife"), LexiconTerm("shank"))),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(LEXICONS, NEGATION)


def found(matcher: Matcher, text: str, lexicon: int = 0) -> list[tuple[str, str]]:
    hits = matcher.scan(text)
    assert hits is not None
    return [(h.term, text[h.start : h.end]) for h in hits[lexicon].found]


def negated(matcher: Matcher, text: str, lexicon: int = 0) -> list[tuple[str, str | None]]:
    hits = matcher.scan(text)
    assert hits is not None
    return [(text[h.start : h.end], h.negated_by) for h in hits[lexicon].negated]


def test_case_punctuation_and_spacing_are_ignored(matcher: Matcher) -> None:
    text = "He talked about COUNTY-LINES and going   country."
    assert found(matcher, text) == [
        ("county lines", "COUNTY-LINES"),
        ("county lines", "going   country"),
    ]


def test_word_boundaries(matcher: Matcher) -> None:
    assert found(matcher, "shanks and ashank", lexicon=1) == []
    assert found(matcher, "a shank.", lexicon=1) == [("shank", "shank")]


def test_look_alike_characters_fold(matcher: Matcher) -> None:
    cyrillic_c = "\u0421ounty lines"
    assert found(matcher, cyrillic_c) == [("county lines", cyrillic_c)]
    assert found(matcher, "c0unty l1nes") == [("county lines", "c0unty l1nes")]
    assert found(matcher, "zombie kn\u00effe", lexicon=1) == [("zombie knife", "zombie kn\u00effe")]


def test_zero_width_characters_keep_offsets(matcher: Matcher) -> None:
    text = "said tr\u200bap house twice"
    hits = matcher.scan(text)
    assert hits is not None
    hit = hits[0].found[0]
    assert (hit.start, hit.end) == (5, 16)
    assert text[hit.start : hit.end] == "tr\u200bap house"


def test_negation_before_and_after(matcher: Matcher) -> None:
    assert negated(matcher, "No concerns about county lines.") == [
        ("county lines", "no concerns about")
    ]
    assert negated(matcher, "He denies being in a trap house.") == [("trap house", "denies")]
    assert negated(matcher, "County lines was ruled out by police.") == [
        ("County lines", "ruled out")
    ]


def test_negation_stops_at_breakers_sentences_and_window(matcher: Matcher) -> None:
    assert found(matcher, "Denies drugs, but later disclosed going country") == [
        ("county lines", "going country")
    ]
    assert found(matcher, "No. He spoke of county lines.") == [("county lines", "county lines")]
    far = "Not one of the many young people he knows from school uses county lines"
    assert negated(matcher, "He denies being asked to carry for a trap house.") == []
    assert found(matcher, far) == [("county lines", "county lines")]


def test_a_term_inside_a_longer_term_counts_for_its_own_lexicon() -> None:
    lexicons = (
        Lexicon("sextortion", "t", "d", (LexiconTerm("leak her nudes"),)),
        Lexicon("images", "t", "d", (LexiconTerm("nudes"), LexiconTerm("leak"))),
    )
    matcher = Matcher(lexicons, NEGATION)
    text = "He threatened to  leak her nudes."
    assert found(matcher, text, 0) == [("leak her nudes", "leak her nudes")]
    assert found(matcher, text, 1) == [("leak", "leak"), ("nudes", "nudes")]
    assert negated(matcher, "He did not leak her nudes.", 1) == [("leak", "not"), ("nudes", "not")]


def test_no_narrative_is_unknown_and_empty_is_nothing(matcher: Matcher) -> None:
    assert matcher.scan(None) is None
    hits = matcher.scan("   ")
    assert hits is not None
    assert [h.found for h in hits] == [(), ()]


def test_fold_keeps_length() -> None:
    text = "Straße İstanbul ÀÉÎ — “quoted”"
    folded, offsets = fold(text)
    assert offsets is None
    assert len(folded) == len(text)
    assert normalise_term("  Going   COUNTRY! ") == "going country"


def test_pattern_is_a_trie_so_scanning_stays_linear() -> None:
    """At every branch the alternatives start with different characters, so the scan tries at
    most one branch per character: work per position is bounded by the longest term."""
    terms = [LexiconTerm(f"a{'a' * n}b") for n in range(40)]
    matcher = Matcher((Lexicon("many", "t", "d", tuple(terms)),), NEGATION)
    pattern = matcher._pattern
    assert pattern is not None
    for group in re.findall(r"\(\?:([^()]*)\)", pattern.pattern):
        starts = [branch[:1] for branch in group.split("|") if branch]
        assert len(starts) == len(set(starts)), group
    hits = matcher.scan("a" * 50_000 + " " + "a" * 5 + "b")
    assert hits is not None
    assert [h.term for h in hits[0].found] == ["aaaaab"]


_FILLER = st.text(
    alphabet=st.sampled_from([*"abc xyz.,;!?-'\n\t", "\u2019", "\u00e9", "\u200b", "\u00a3"]),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(
    before=_FILLER,
    after=_FILLER,
    spelling=st.sampled_from(
        ["county lines", "County-Lines", "going  country", "TRAP house", "c0unty l1nes", "shank"]
    ),
)
def test_offsets_always_point_at_the_matched_words(before: str, after: str, spelling: str) -> None:
    matcher = Matcher(LEXICONS, NegationCues(window_words=5))
    text = f"{before} {spelling} {after}"
    hits = matcher.scan(text)
    assert hits is not None
    spans = [h for lexicon in hits for h in (*lexicon.found, *lexicon.negated)]
    assert spans, text
    for hit in spans:
        assert 0 <= hit.start < hit.end <= len(text)
        matched = text[hit.start : hit.end]
        assert matched[0].isalnum() or matched[0] in "$@"
        assert normalise_term(matched.replace("\u200b", "")).replace("0", "o").replace(
            "1", "i"
        ) in {"county lines", "county line", "going country", "trap house", "shank"}
