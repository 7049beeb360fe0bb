"""Narrative matching: normalise text, find lexicon terms on word boundaries, skip negated ones.

Cost stays linear in the text length: every lexicon is compiled into one regular expression
shaped as a character trie (at each branch the alternatives start with different characters,
and spaces are matched possessively), anchored on the space before a word, so each attempt does
at most as much work as the longest term is long, whatever the lexicons hold. Negation cues are
checked only around the matches, within a fixed window of words.
"""

from __future__ import annotations

import bisect
import re
import string
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from screening_api.engine.model import Lexicon, NegationCues

MAX_TERM_WORDS = 8
MAX_TERM_CHARS = 80

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_HAS_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH}]")
_NON_WORD = re.compile(r"[^\w@$]|_")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SENTENCE_END = re.compile(r"[.!?;\n]")
_WORD = re.compile(r"[^ ]+")
# Digits and symbols written for letters ("c0unty l1nes", "$hotting"): a pattern letter also
# accepts its stand-in, and a term is stored with stand-ins read as letters.
_STAND_INS = {"a": "4@", "e": "3", "g": "9", "i": "1", "o": "0", "s": "5$", "t": "7"}
_AS_LETTERS = str.maketrans({c: letter for letter, cs in _STAND_INS.items() for c in cs})


def _ascii_table() -> bytes:
    """Bytes in, bytes out: upper case to lower, anything but a letter, digit, @ or $ to space."""
    keep = string.ascii_lowercase + string.digits + "@$"
    table = bytearray(b" " * 256)
    for char in keep:
        table[ord(char)] = ord(char)
    for char in string.ascii_uppercase:
        table[ord(char)] = ord(char.lower())
    return bytes(table)


_ASCII = _ascii_table()


def _build_fold_table() -> dict[int, str]:
    """For text beyond ASCII: accents stripped and look-alike letters read as Latin ones."""
    table: dict[int, str] = {}
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

    Case, accents and look-alike letters are folded; anything that is not a letter, a digit,
    ``@`` or ``$`` becomes a space, one character for one, so offsets stay those of the
    original. Zero-width characters are dropped: the only case that needs an offset map.
    """
    if text.isascii():  # the common case: no zero-width characters, one C-speed pass
        return text.encode("ascii").translate(_ASCII).decode("ascii"), None
    offsets: list[int] | None = None
    if _HAS_ZERO_WIDTH.search(text):
        offsets = [i for i, c in enumerate(text) if c not in _ZERO_WIDTH]
        text = "".join(text[i] for i in offsets)
    # Fold only the characters beyond ASCII (a "£", curly quotes, an accent), one by one;
    # what is left is usually plain ASCII again and takes the fast path.
    folded = _NON_ASCII.sub(_fold_character, _lower_keeping_length(text))
    if folded.isascii():
        return folded.encode("ascii").translate(_ASCII).decode("ascii"), offsets
    return _NON_WORD.sub(" ", folded), offsets


def _fold_character(match: re.Match[str]) -> str:
    char = match.group()
    mapped = _FOLD.get(ord(char))
    if mapped is not None:
        return mapped
    return char if char.isalnum() else " "


def normalise_term(term: str) -> str:
    """A lexicon term or cue as the matcher compares it: folded, single spaces, trimmed."""
    return " ".join(fold(term)[0].split())


def _canonical(term: str) -> str:
    """The form a term is stored under: stand-in digits and symbols read as letters."""
    return " ".join(term.split()).translate(_AS_LETTERS)


def _trie_pattern(terms: Sequence[str]) -> str:
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render(trie)


def _char_pattern(char: str) -> str:
    if char == " ":
        return " ++"
    stand_ins = _STAND_INS.get(char)
    return f"[{char}{re.escape(stand_ins)}]" if stand_ins else re.escape(char)


def _render(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = [
        _char_pattern(char) + _render(child) for char, child in sorted(node.items()) if char
    ]
    if "" in node:
        branches.append("")  # the term may end here; longer terms are tried first
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


class Hit(NamedTuple):
    """A term found at [start, end) of the original narrative, and the cue that negated it.
    (A named tuple: one is made per match, and frozen dataclasses are slow to build.)"""

    term: str
    start: int
    end: int
    negated_by: str | None


class LexiconHits(NamedTuple):
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
                    owners = self._owners.setdefault(_canonical(normalise_term(spelling)), [])
                    if all(owner != index for owner, _ in owners):
                        owners.append((index, entry.term))
        terms = sorted(self._owners)
        # The scan takes the longest term at each place; a shorter term inside it ("nudes" in
        # "leak her nudes") still counts for its own lexicon. Word spans, found at load time.
        self._inner: dict[str, tuple[tuple[int, int, str], ...]] = {}
        for term in terms:
            words = term.split(" ")
            spans = [
                (first, last, " ".join(words[first:last]))
                for first in range(len(words))
                for last in range(first + 1, len(words) + 1)
                if last - first < len(words)
            ]
            inner = tuple(span for span in spans if span[2] in self._owners)
            if inner:
                self._inner[term] = inner
        # Anchored on the space before a word: the scan jumps from space to space and tries
        # the trie only there. The text is searched with one space put in front.
        self._pattern = re.compile(" " + _trie_pattern(terms) + "(?![^ ])") if terms else None
        self._window = negation.window_words
        self._before = _cue_pattern(negation.before)
        self._after = _cue_pattern(negation.after)
        self._breakers = frozenset(negation.breakers)

    def scan(self, narrative: str | None) -> tuple[LexiconHits, ...] | None:
        """Hits per lexicon, in the order the lexicons were given; None when no narrative."""
        if narrative is None:
            return None
        count = len(self.lexicon_ids)
        if self._pattern is None:
            return (NO_HITS,) * count
        folded, offsets = fold(narrative)
        matches = list(self._pattern.finditer(" " + folded))
        if not matches:
            return (NO_HITS,) * count
        # sentence ends are read where punctuation still stands (folding made it spaces)
        plain = narrative if offsets is None else "".join(narrative[i] for i in offsets)
        ends = [boundary.end() for boundary in _SENTENCE_END.finditer(plain)]
        found: list[list[Hit]] = [[] for _ in range(count)]
        negated: list[list[Hit]] = [[] for _ in range(count)]
        for match in matches:
            # in the padded text the match starts at the space before the term
            start, end = match.start(), match.end() - 1
            cue = self._negation(folded, ends, start, end)
            original_start = offsets[start] if offsets else start
            original_end = offsets[end - 1] + 1 if offsets else end
            canonical = _canonical(match.group())
            owners = self._owners[canonical]
            for index, term in owners:
                hit = Hit(term, original_start, original_end, cue)
                (negated if cue else found)[index].append(hit)
            inner_terms = self._inner.get(canonical, ())
            words = [w.span() for w in _WORD.finditer(folded, start, end)] if inner_terms else []
            for first, last, inner in inner_terms:
                inner_start, inner_end = words[first][0], words[last - 1][1]
                if offsets:
                    inner_start, inner_end = offsets[inner_start], offsets[inner_end - 1] + 1
                for index, term in self._owners[inner]:
                    if all(index != owner for owner, _ in owners):
                        hit = Hit(term, inner_start, inner_end, cue)
                        (negated if cue else found)[index].append(hit)
        return tuple(LexiconHits(tuple(f), tuple(n)) for f, n in zip(found, negated, strict=True))

    def _negation(self, folded: str, ends: list[int], start: int, end: int) -> str | None:
        """The cue that negates the term at [start, end), within its sentence and window."""
        position = bisect.bisect_right(ends, start)
        sentence_start = ends[position - 1] if position else 0
        sentence_end = ends[position] - 1 if position < len(ends) else len(folded)
        # rsplit/split with a limit stop after the window: cost does not grow with the slice
        before = folded[max(sentence_start, start - 200) : start].rsplit(None, self._window)
        before = before[-self._window :]
        cue = self._find_cue(before[::-1], self._before, reverse=True)
        if cue or not self._after:
            return cue
        after = folded[end : min(sentence_end, end + 200)].split(None, self._window)[: self._window]
        return self._find_cue(after, self._after, reverse=False)

    def _find_cue(
        self, words: list[str], cues: re.Pattern[str] | None, *, reverse: bool
    ) -> str | None:
        if cues is None:
            return None
        kept: list[str] = []
        for word in words:  # nearest word first; a breaker ends the cue's reach
            if word in self._breakers:
                break
            kept.append(word)
        if not kept:
            return None
        found = cues.search(" " + " ".join(kept[::-1] if reverse else kept) + " ")
        return found.group(1) if found else None


def _cue_pattern(cues: Sequence[str]) -> re.Pattern[str] | None:
    """One search for every cue; the longest first, so the explanation names "no concerns
    about" rather than "no"."""
    if not cues:
        return None
    ordered = sorted(set(cues), key=len, reverse=True)
    return re.compile(" (" + "|".join(re.escape(cue) for cue in ordered) + ") ")
