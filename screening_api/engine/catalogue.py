"""Parse the ruleset's catalogues: manifest, indicators, lexicons, negation cues, pathways."""

from __future__ import annotations

import re
from typing import Any

from screening_api.engine.model import (
    Indicator,
    IndicatorKind,
    Lexicon,
    LexiconTerm,
    Manifest,
    NegationCues,
    Pathway,
    Reference,
    RoutingRow,
)
from screening_api.engine.reader import MISSING, Reader, describe_kind
from screening_api.engine.source import Path_
from screening_api.engine.text import MAX_TERM_CHARS, MAX_TERM_WORDS, normalise_term
from screening_api.referral import SubjectKind
from screening_api.vocabulary import ContextTag, Domain, Level

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def read_identifier(
    reader: Reader, value: Any, where: Path_, what: str, pattern: re.Pattern[str] = ID_PATTERN
) -> str | None:
    text = reader.text(value, where, what, max_length=64)
    if text is not None and not pattern.match(text):
        reader.error(
            "E120",
            where,
            f"{what} '{text}' is badly formed",
            hint=f"use letters, digits and '_' matching {pattern.pattern}",
        )
        return None
    return text


def read_references(reader: Reader, value: Any, where: Path_) -> tuple[Reference, ...]:
    items = reader.sequence(value, where, "references")
    if items is None:
        return ()
    references = []
    for index, item in enumerate(items):
        at = (*where, index)
        entry = reader.mapping(
            item, at, required=("title", "url"), optional=("section",), what="reference"
        )
        if entry is None:
            continue
        title = reader.text(entry.get("title", MISSING), (*at, "title"), "reference title")
        url = reader.text(entry.get("url", MISSING), (*at, "url"), "reference url", max_length=500)
        if url is not None and not url.startswith("https://"):
            reader.error(
                "E120",
                (*at, "url"),
                f"reference url '{url}' is not an https address",
                hint="cite the public address, starting https://",
            )
            url = None
        section = reader.text(
            entry.get("section"), (*at, "section"), "reference section", required=False
        )
        if title and url:
            references.append(Reference(title, url, section))
    return tuple(references)


def read_manifest(reader: Reader) -> Manifest | None:
    keys = ("id", "version", "title", "owner", "description")
    data = reader.mapping(reader.doc.data, (), required=keys, what="ruleset manifest")
    if data is None:
        return None
    values = [reader.text(data.get(key, MISSING), (key,), f"manifest {key}") for key in keys]
    if any(value is None for value in values):
        return None
    return Manifest(*(str(value) for value in values))


def read_indicators(reader: Reader) -> list[Indicator]:
    top = reader.mapping(reader.doc.data, (), required=("indicators",), what="indicator file")
    items = top and reader.sequence(top.get("indicators"), ("indicators",), "indicators")
    if not items:
        return []
    indicators = []
    keys = ("code", "label", "description", "kind", "context", "domains")
    for index, item in enumerate(items):
        at: Path_ = ("indicators", index)
        entry = reader.mapping(item, at, required=keys, what="indicator")
        if entry is None:
            continue
        code = read_identifier(
            reader, entry.get("code", MISSING), (*at, "code"), "indicator code", CODE_PATTERN
        )
        label = reader.text(
            entry.get("label", MISSING), (*at, "label"), "indicator label", max_length=120
        )
        description = reader.text(
            entry.get("description", MISSING), (*at, "description"), "indicator description"
        )
        kind = reader.member(
            entry.get("kind", MISSING), (*at, "kind"), IndicatorKind, "indicator kind"
        )
        context = reader.member(
            entry.get("context", MISSING), (*at, "context"), ContextTag, "context"
        )
        domains = reader.members(entry.get("domains", MISSING), (*at, "domains"), Domain, "domain")
        if code and label and description and kind and context and domains:
            indicators.append(Indicator(code, label, description, kind, context, domains))
    return indicators


def read_lexicon(reader: Reader) -> Lexicon | None:
    data = reader.mapping(
        reader.doc.data, (), required=("id", "title", "description", "terms"), what="lexicon"
    )
    if data is None:
        return None
    lexicon_id = read_identifier(
        reader, data.get("id", MISSING), ("id",), "lexicon id", CODE_PATTERN
    )
    title = reader.text(data.get("title", MISSING), ("title",), "lexicon title")
    description = reader.text(
        data.get("description", MISSING), ("description",), "lexicon description"
    )
    items = reader.sequence(data.get("terms", MISSING), ("terms",), "terms")
    terms: list[LexiconTerm] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(items or []):
        at: Path_ = ("terms", index)
        entry = reader.mapping(
            item, at, required=("term",), optional=("variants", "note"), what="term"
        )
        if entry is None:
            continue
        spelled = [(entry.get("term"), (*at, "term"))]
        if "variants" in entry:
            variants = reader.sequence(entry["variants"], (*at, "variants"), "variants") or []
            spelled += [(v, (*at, "variants", i)) for i, v in enumerate(variants)]
        kept = [
            term
            for value, where in spelled
            if (term := _read_term(reader, value, where, seen)) is not None
        ]
        if kept and kept[0] == spelled[0][0]:
            terms.append(LexiconTerm(kept[0], tuple(kept[1:])))
    if items is not None and not items:
        reader.error("E113", ("terms",), "lexicon has no terms", hint="list at least one term")
    if lexicon_id and title and description and terms:
        return Lexicon(lexicon_id, title, description, tuple(terms))
    return None


def _read_term(reader: Reader, value: Any, where: Path_, seen: dict[str, str]) -> str | None:
    if not isinstance(value, str):
        reader.error(
            "E118",
            where,
            f"a term must be text, found {describe_kind(value)}",
            hint="quote terms that YAML reads as numbers or dates, e.g. '24/7'",
        )
        return None
    normal = normalise_term(value)
    if not normal:
        reader.error("E118", where, f"term '{value}' has no letters or digits to match")
        return None
    if len(normal) > MAX_TERM_CHARS or normal.count(" ") + 1 > MAX_TERM_WORDS:
        reader.error(
            "E118",
            where,
            f"term '{value}' is too long to match reliably",
            hint=f"keep terms to {MAX_TERM_WORDS} words and {MAX_TERM_CHARS} characters",
        )
        return None
    if normal in seen:
        reader.error(
            "E118",
            where,
            f"term '{value}' repeats '{seen[normal]}' once case, "
            "punctuation and spacing are ignored",
            hint="remove one of them",
        )
        return None
    seen[normal] = value
    return value


def read_negation(reader: Reader) -> NegationCues | None:
    data = reader.mapping(
        reader.doc.data,
        (),
        required=("window_words", "before"),
        optional=("after", "breakers"),
        what="negation cues",
    )
    if data is None:
        return None
    window = reader.integer(
        data.get("window_words", MISSING), ("window_words",), "window_words", minimum=1, maximum=12
    )
    before, after, breakers = (
        tuple(normalise_term(cue) for cue in reader.texts(data.get(key, []), (key,), key))
        for key in ("before", "after", "breakers")
    )
    if window is None:
        return None
    return NegationCues(window, before, after, breakers)


def read_pathways(reader: Reader) -> tuple[list[Pathway], list[RoutingRow]]:
    top = reader.mapping(
        reader.doc.data, (), required=("pathways", "routing"), what="pathways file"
    )
    if top is None:
        return [], []
    pathways = [
        pathway
        for index, item in enumerate(
            reader.sequence(top.get("pathways"), ("pathways",), "pathways") or []
        )
        if (pathway := _read_pathway(reader, item, ("pathways", index))) is not None
    ]
    rows = [
        row
        for index, item in enumerate(
            reader.sequence(top.get("routing"), ("routing",), "routing") or []
        )
        if (row := _read_row(reader, item, ("routing", index))) is not None
    ]
    return pathways, rows


def _read_pathway(reader: Reader, item: Any, at: Path_) -> Pathway | None:
    required = ("id", "title", "description", "priority", "owner_team", "advice")
    entry = reader.mapping(
        item, at, required=required, optional=("applies_to", "references"), what="pathway"
    )
    if entry is None:
        return None
    pathway_id = read_identifier(
        reader, entry.get("id", MISSING), (*at, "id"), "pathway id", CODE_PATTERN
    )
    texts = [
        reader.text(entry.get(key, MISSING), (*at, key), f"pathway {key}")
        for key in ("title", "description", "owner_team", "advice")
    ]
    priority = reader.integer(
        entry.get("priority", MISSING),
        (*at, "priority"),
        "pathway priority",
        minimum=1,
        maximum=1000,
    )
    applies_to = (
        reader.members(entry["applies_to"], (*at, "applies_to"), SubjectKind, "subject kind")
        if "applies_to" in entry
        else tuple(SubjectKind)
    )
    references = read_references(reader, entry.get("references", []), (*at, "references"))
    title, description, owner_team, advice = texts
    if pathway_id and title and description and owner_team and advice and priority:
        return Pathway(
            pathway_id,
            title,
            description,
            priority,
            owner_team,
            advice,
            applies_to,
            references,
            reader.doc.display,
            reader.doc.position(at)[0],
        )
    return None


ROW_CONDITIONS = (
    "domains",
    "level_at_least",
    "level_in",
    "overall_level_at_least",
    "overall_level_in",
    "urgent",
    "contexts",
    "subject_kind",
    "rules_fired",
)


def _read_row(reader: Reader, item: Any, at: Path_) -> RoutingRow | None:
    entry = reader.mapping(
        item,
        at,
        required=("id", "pathway"),
        optional=("when", "fallback", "note"),
        what="routing row",
    )
    if entry is None:
        return None
    row_id = read_identifier(reader, entry.get("id", MISSING), (*at, "id"), "routing row id")
    pathway = reader.text(entry.get("pathway", MISSING), (*at, "pathway"), "routing row pathway")
    fallback = (
        bool(entry.get("fallback", False))
        and reader.boolean(entry.get("fallback"), (*at, "fallback"), "fallback") is True
    )
    line = reader.doc.position(at)[0]
    if fallback:
        if "when" in entry:
            reader.error(
                "E116",
                (*at, "when"),
                "the fallback row may not have conditions",
                hint="the fallback applies exactly when no other row matches",
            )
        return (
            RoutingRow(row_id, pathway, True, file=reader.doc.display, line=line)
            if row_id and pathway
            else None
        )
    when = reader.mapping(
        entry.get("when"),
        (*at, "when"),
        required=(),
        optional=ROW_CONDITIONS,
        what="routing conditions",
    )
    if when is None:
        return None
    if not when:
        reader.error(
            "E103",
            (*at, "when"),
            "routing row has no conditions",
            hint="give at least one condition, or mark the row 'fallback: true'",
        )
        return None
    w: Path_ = (*at, "when")
    row = RoutingRow(
        id=row_id or "",
        pathway=pathway or "",
        domains=reader.members(when["domains"], (*w, "domains"), Domain, "domain")
        if "domains" in when
        else (),
        level_at_least=_level(reader, when, w, "level_at_least"),
        level_in=reader.members(when["level_in"], (*w, "level_in"), Level, "level")
        if "level_in" in when
        else (),
        overall_level_at_least=_level(reader, when, w, "overall_level_at_least"),
        overall_level_in=reader.members(
            when["overall_level_in"], (*w, "overall_level_in"), Level, "level"
        )
        if "overall_level_in" in when
        else (),
        urgent=reader.boolean(when["urgent"], (*w, "urgent"), "urgent")
        if "urgent" in when
        else None,
        contexts=reader.members(when["contexts"], (*w, "contexts"), ContextTag, "context")
        if "contexts" in when
        else (),
        subject_kind=reader.members(
            when["subject_kind"], (*w, "subject_kind"), SubjectKind, "subject kind"
        )
        if "subject_kind" in when
        else (),
        rules_fired=reader.texts(when["rules_fired"], (*w, "rules_fired"), "rules_fired")
        if "rules_fired" in when
        else (),
        file=reader.doc.display,
        line=line,
    )
    if ("level_at_least" in when or "level_in" in when) and "domains" not in when:
        reader.error(
            "E103",
            w,
            "a domain level condition needs 'domains'",
            hint="name the domains, or use overall_level_at_least",
        )
    if "level_at_least" in when and "level_in" in when:
        reader.error("E103", w, "give either level_at_least or level_in, not both")
    return row if row_id and pathway else None


def _level(reader: Reader, when: dict[str, Any], where: Path_, key: str) -> Level | None:
    if key not in when:
        return None
    return reader.member(when[key], (*where, key), Level, "level")
