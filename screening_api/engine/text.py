"""Narrative matching: normalise text, find lexicon terms on word boundaries, skip negated ones.

Cost stays linear in the text length: every lexicon is compiled into one regular expression
shaped as a character trie (alternatives at each branch start with different characters, and
spaces are matched possessively), so at each position the scan does at most as much work as
the longest term is long, whatever the lexicons hold. Negation cues are checked only around the
matches, within a fixed window of words.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from screening_api.engine.model import Lexicon, NegationCues

MAX_TERM_WORDS = 8
MAX_TERM_CHARS = 80

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_HAS_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH}]")
_LEET = re.compile(r"(?<=[a-z])[0134579@$](?=[a-z])")
_LEET_LETTERS = str.maketrans("0134579@$", "oieastgas")
_SENTENCE_END = re.compile(r"[.!?;\n]")


def _build_fold_table() -> dict[int, str]:
    """One character in, one character out: offsets in the folded text equal the original's."""
    table: dict[int, str] = {}
    for char in string.punctuation.replace("@", "").replace("$", "") + "\t\r\n\f\v":
        table[ord(char)] = " "
    for char in (
        "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u2013\u2014\u2015\u2026\u00a0"
        "\u2022\u00b7\u2032\u2033\u00ab\u00bb\u2212"
    ):
        table[ord(char)] = " "
    for code in range(0x00C0, 0x0250):  # Latin-1 Supplement and Latin Extended: strip accents
        base = unicodedata.normalize("NFKD", chr(code))[:1].lower()
        if base.isascii() and base.isalpha():
            table[code] = base
    # Cyrillic and Greek letters that look like Latin ones, written as escapes to stay legible
    lookalikes = (
        "\u0430\u0432\u0435\u0451\u043a\u043c\u043d\u043e\u0440\u0441\u0442"
        "\u0443\u0445\u0456\u0457\u0458\u0455\u0501\u04cf\u0261\u03b1\u03b2"
        "\u03b5\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7\u03c9"
    )
    for char, ascii_char in zip(lookalikes, "abeekmhopctyxiijsdlgabeikvoptuxw", strict=True):
        table[ord(char)] = ascii_char
    for code in range(0xFF41, 0xFF5B):  # fullwidth a-z
        table[code] = chr(code - 0xFF41 + ord("a"))
    for code in range(0xFF10, 0xFF1A):  # fullwidth digits
        table[code] = chr(code - 0xFF10 + ord("0"))
    return table


_FOLD = _build_fold_table()


def _lower_keeping_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def fold(text: str) -> tuple[str, list[int] | None]:
    """The matching form of ``text`` and, when characters were dropped, where each kept one was.

    Case, accents, look-alike letters and digits used as letters inside a word are folded;
    punctuation becomes a space. Zero-width characters are dropped, which is the only case
    that needs an offset map.
    """
    offsets: list[int] | None = None
    if _HAS_ZERO_WIDTH.search(text):
        offsets = [i for i, c in enumerate(text) if c not in _ZERO_WIDTH]
        text = "".join(text[i] for i in offsets)
    folded = _lower_keeping_length(text).translate(_FOLD)
    folded = _LEET.sub(lambda m: m.group().translate(_LEET_LETTERS), folded)
    return folded, offsets


def normalise_term(term: str) -> str:
    """A lexicon term or cue as the matcher compares it: folded, single spaces, trimmed."""
    return " ".join(fold(term)[0].split())


def _trie_pattern(terms: Sequence[str]) -> str:
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render(trie)


def _render(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = [
        (r" ++" if char == " " else re.escape(char)) + _render(child)
        for char, child in sorted(node.items())
        if char
    ]
    if "" in node:
        branches.append("")  # the term may end here; longer terms are tried first
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


@dataclass(frozen=True, slots=True)
class Hit:
    """A term found at [start, end) of the original narrative, and the cue that negated it."""

    term: str
    start: int
    end: int
    negated_by: str | None


@dataclass(frozen=True, slots=True)
class LexiconHits:
    found: tuple[Hit, ...]
    negated: tuple[Hit, ...]


NO_HITS = LexiconHits((), ())


class Matcher:
    """All lexicons of a ruleset compiled into one linear-time scan."""

    def __init__(self, lexicons: Sequence[Lexicon], negation: NegationCues) -> None:
        self.lexicon_ids = tuple(lexicon.id for lexicon in lexicons)
        self._owners: dict[str, list[tuple[int, str]]] = {}
        for index, lexicon in enumerate(lexicons):
            for entry in lexicon.terms:
                for spelling in (entry.term, *entry.variants):
                    owners = self._owners.setdefault(normalise_term(spelling), [])
                    if all(owner != index for owner, _ in owners):
                        owners.append((index, entry.term))
        terms = sorted(self._owners)
        self._pattern = (
            re.compile(r"(?<![^\W_])" + _trie_pattern(terms) + r"(?![^\W_])") if terms else None
        )
        self._window = negation.window_words
        # longest cue first, so the explanation names "no concerns about" rather than "no"
        self._before = tuple(f" {cue} " for cue in sorted(negation.before, key=len, reverse=True))
        self._after = tuple(f" {cue} " for cue in sorted(negation.after, key=len, reverse=True))
        self._breakers = frozenset(negation.breakers)

    def scan(self, narrative: str | None) -> tuple[LexiconHits, ...] | None:
        """Hits per lexicon, in the order the lexicons were given; None when no narrative."""
        if narrative is None:
            return None
        count = len(self.lexicon_ids)
        if self._pattern is None or not narrative.strip():
            return (NO_HITS,) * count
        folded, offsets = fold(narrative)
        # sentence ends are read where punctuation still stands (folding turned it to spaces)
        plain = narrative if offsets is None else "".join(narrative[i] for i in offsets)
        found: list[list[Hit]] = [[] for _ in range(count)]
        negated: list[list[Hit]] = [[] for _ in range(count)]
        for match in self._pattern.finditer(folded):
            start, end = match.span()
            cue = self._negation(folded, plain, start, end)
            original_start = offsets[start] if offsets else start
            original_end = offsets[end - 1] + 1 if offsets else end
            for index, term in self._owners[" ".join(match.group().split())]:
                hit = Hit(term, original_start, original_end, cue)
                (negated if cue else found)[index].append(hit)
        return tuple(LexiconHits(tuple(f), tuple(n)) for f, n in zip(found, negated, strict=True))

    def _negation(self, folded: str, plain: str, start: int, end: int) -> str | None:
        sentence_start = 0
        for boundary in _SENTENCE_END.finditer(plain, max(0, start - 200), start):
            sentence_start = boundary.end()
        before = folded[max(sentence_start, start - 200) : start].split()[-self._window :]
        cue = self._find_cue(before[::-1], self._before, reverse=True)
        if cue:
            return cue
        stop = _SENTENCE_END.search(plain, end, end + 200)
        after = folded[end : stop.start() if stop else end + 200].split()[: self._window]
        return self._find_cue(after, self._after, reverse=False)

    def _find_cue(self, words: list[str], cues: tuple[str, ...], *, reverse: bool) -> str | None:
        kept: list[str] = []
        for word in words:  # nearest word first; a breaker ends the cue's reach
            if word in self._breakers:
                break
            kept.append(word)
        if not kept:
            return None
        window = " " + " ".join(kept[::-1] if reverse else kept) + " "
        for cue in cues:
            if cue in window:
                return cue.strip()
        return None
