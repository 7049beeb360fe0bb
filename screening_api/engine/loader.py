"""Load a ruleset folder: read every file, parse it, and collect every finding in one pass."""

from __future__ import annotations

from pathlib import Path

from screening_api.engine.catalogue import (
    read_indicators,
    read_lexicon,
    read_manifest,
    read_negation,
    read_pathways,
)
from screening_api.engine.checks import check_duplicates, check_routing, check_rules
from screening_api.engine.model import NegationCues, RulesetSource
from screening_api.engine.reader import Reader, Report
from screening_api.engine.rules import Vocabulary, read_rule_file
from screening_api.engine.source import SourceDocument, iter_yaml_files, load_document
from screening_api.errors import Finding, Severity

MANIFEST = "ruleset.yaml"
INDICATORS = "indicators.yaml"
PATHWAYS = "pathways.yaml"
RESERVED = frozenset({MANIFEST, INDICATORS, PATHWAYS})
LEXICONS = "lexicons"
NEGATION = "negation.yaml"
TESTS = "tests"


def display_name(root: Path, path: Path) -> str:
    """How a file is named in findings: the ruleset folder's name, then the path inside it."""
    return f"{root.name}/{path.relative_to(root).as_posix()}"


def _open(root: Path, path: Path, report: Report, *, required: bool) -> SourceDocument | None:
    display = display_name(root, path)
    if not path.is_file():
        if required:
            report.add(
                Finding(
                    "E119",
                    Severity.ERROR,
                    f"missing required file '{path.name}'",
                    display,
                    hint="every ruleset folder holds ruleset.yaml, "
                    "indicators.yaml and pathways.yaml",
                )
            )
        return None
    document, findings = load_document(path, display)
    report.extend(findings)
    return document


def read_ruleset(root: Path) -> tuple[RulesetSource | None, Report]:
    """Parse everything under ``root``; the source is None when any error was found."""
    report = Report()
    if not root.is_dir():
        report.add(
            Finding(
                "E119",
                Severity.ERROR,
                "ruleset folder not found",
                str(root),
                hint="give the folder that holds ruleset.yaml",
            )
        )
        return None, report
    manifest_doc = _open(root, root / MANIFEST, report, required=True)
    manifest = read_manifest(Reader(manifest_doc, report)) if manifest_doc else None

    indicators_doc = _open(root, root / INDICATORS, report, required=True)
    if indicators_doc is None:
        return None, report  # every rule names indicators: checking them now would only echo
    indicators = read_indicators(Reader(indicators_doc, report))
    if indicators_doc:
        check_duplicates(
            report,
            (
                (i.code, indicators_doc.display, indicators_doc.position(("indicators", n))[0])
                for n, i in enumerate(indicators)
            ),
            "indicator code",
        )

    lexicons, negation = [], NegationCues()
    lexicon_folder = root / LEXICONS
    lexicon_places: list[tuple[str, str, int]] = []
    for path in iter_yaml_files(lexicon_folder) if lexicon_folder.is_dir() else ():
        doc = _open(root, path, report, required=True)
        if doc is None:
            continue
        if path.name == NEGATION:
            negation = read_negation(Reader(doc, report)) or negation
        elif (lexicon := read_lexicon(Reader(doc, report))) is not None:
            lexicons.append(lexicon)
            lexicon_places.append((lexicon.id, doc.display, 1))
    check_duplicates(report, lexicon_places, "lexicon id")

    vocabulary = Vocabulary({i.code: i for i in indicators}, {lex.id for lex in lexicons})
    rules = []
    for path in iter_yaml_files(root):
        if path.name in RESERVED:
            continue
        doc = _open(root, path, report, required=True)
        if doc is not None:
            rules += read_rule_file(Reader(doc, report), vocabulary)
    check_rules(report, rules)

    pathways_doc = _open(root, root / PATHWAYS, report, required=True)
    pathways, rows = read_pathways(Reader(pathways_doc, report)) if pathways_doc else ([], [])
    if pathways_doc:
        check_routing(report, rows, pathways, rules, pathways_doc.display)

    if report.has_errors or manifest is None:
        return None, report
    source = RulesetSource(
        manifest,
        tuple(indicators),
        tuple(lexicons),
        negation,
        tuple(rules),
        tuple(pathways),
        tuple(rows),
    )
    return source, report
