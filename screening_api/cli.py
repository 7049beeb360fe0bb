"""The ``screening-api`` command line: check, test and document rules; screen; serve.

Exit codes: 0 good, 1 findings (rule errors, failed tests, refused referral), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from pydantic import ValidationError

from screening_api import __version__
from screening_api.api.commands import register as register_api_commands
from screening_api.engine.document import render_catalogue
from screening_api.engine.ruleset import load_ruleset
from screening_api.engine.testing import check_ruleset, load_with_cases, run_cases
from screening_api.errors import ReferralError, RulesetError, RuleTestError, Severity
from screening_api.referral import Referral
from screening_api.resources import bundled_rules
from screening_api.schemas import write_schemas
from screening_api.screening import screen

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _rules_dir(value: str | None) -> Path:
    return Path(value) if value else bundled_rules()


def cmd_rules_check(args: argparse.Namespace) -> int:
    findings = check_ruleset(_rules_dir(args.dir))
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    if args.format == "json":
        print(json.dumps([f.to_dict() for f in findings], indent=2))
    else:
        for finding in errors + warnings:
            print(finding)
        print(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    failed = errors or (args.warnings_as_errors and warnings)
    return EXIT_FINDINGS if failed else EXIT_OK


def cmd_rules_test(args: argparse.Namespace) -> int:
    try:
        ruleset, cases, _ = load_with_cases(_rules_dir(args.dir))
    except (RulesetError, RuleTestError) as error:
        print(error)
        return EXIT_FINDINGS
    run = run_cases(cases, ruleset)
    for result in run.results:
        if not result.passed or args.verbose:
            print(result.report())
    print("coverage:")
    for line in run.coverage.lines():
        print(line)
    failed = len(run.failed)
    print(f"{len(run.results) - failed} passed, {failed} failed")
    if failed:
        return EXIT_FINDINGS
    if args.strict and not run.coverage.complete:
        print("strict: coverage is below 100%")
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_rules_doc(args: argparse.Namespace) -> int:
    try:
        ruleset = load_ruleset(_rules_dir(args.dir))
    except RulesetError as error:
        print(error)
        return EXIT_FINDINGS
    text = render_catalogue(ruleset)
    out = Path(args.out)
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if args.check:
        if current != text:
            print(f"out of date: {out}; run 'screening-api rules doc' to regenerate")
            return EXIT_FINDINGS
        print(f"up to date: {out}")
        return EXIT_OK
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote: {out}")
    return EXIT_OK


def _read_referral(source: str) -> Any:
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    return json.loads(text)


def cmd_screen(args: argparse.Namespace) -> int:
    try:
        ruleset = load_ruleset(_rules_dir(args.rules))
        referral = Referral.model_validate(_read_referral(args.file))
        as_of = args.as_of or referral.as_of or datetime.now(UTC).date()
        decision = screen(referral, ruleset, as_of=as_of, explain=args.explain)
    except RulesetError as error:
        print(error, file=sys.stderr)
        return EXIT_FINDINGS
    except (OSError, json.JSONDecodeError) as error:
        print(f"cannot read referral: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as error:
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"]) or "referral"
            print(f"referral refused: {field}: {problem['msg']}", file=sys.stderr)
        return EXIT_FINDINGS
    except ReferralError as error:
        print(error, file=sys.stderr)
        return EXIT_FINDINGS
    stamped = decision.model_copy(
        update={"decision_id": str(uuid4()), "screened_at": datetime.now(UTC)}
    )
    print(stamped.model_dump_json(indent=2, exclude_none=True))
    return EXIT_OK


def cmd_schemas(args: argparse.Namespace) -> int:
    changed = write_schemas(Path(args.out), check=args.check)
    for name in changed:
        print(f"{'out of date' if args.check else 'wrote'}: {name}")
    if args.check and changed:
        print("run 'screening-api schemas' to regenerate")
        return EXIT_FINDINGS
    return EXIT_OK


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="screening-api",
        description="Extra-familial harm screening: transparent YAML rules, explained "
        "decisions. Exit codes: 0 good, 1 findings, 2 usage.",
    )
    parser.add_argument("--version", action="version", version=f"screening-api {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    rules = commands.add_parser("rules", help="check, test and document a ruleset")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    check = rules_commands.add_parser("check", help="report every error and warning")
    check.add_argument("dir", nargs="?", help="ruleset folder (default: bundled rules)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--warnings-as-errors", action="store_true", help="exit 1 on warnings too")
    check.set_defaults(func=cmd_rules_check)
    test = rules_commands.add_parser("test", help="run the ruleset's YAML tests and coverage")
    test.add_argument("dir", nargs="?", help="ruleset folder (default: bundled rules)")
    test.add_argument("--strict", action="store_true", help="fail below full coverage")
    test.add_argument("-v", "--verbose", action="store_true", help="list passing tests too")
    test.set_defaults(func=cmd_rules_test)

    doc = rules_commands.add_parser("doc", help="write the readable Markdown rule catalogue")
    doc.add_argument("dir", nargs="?", help="ruleset folder (default: bundled rules)")
    doc.add_argument("--out", default="docs/rule-catalogue.md", help="file to write")
    doc.add_argument("--check", action="store_true", help="only report whether it is current")
    doc.set_defaults(func=cmd_rules_doc)

    screen_cmd = commands.add_parser("screen", help="screen one referral (JSON file or -)")
    screen_cmd.add_argument("file", help="referral JSON file, or - for standard input")
    screen_cmd.add_argument("--rules", help="ruleset folder (default: bundled rules)")
    screen_cmd.add_argument("--explain", choices=("summary", "full"), default="summary")
    screen_cmd.add_argument(
        "--as-of",
        type=_iso_date,
        help="judge on this date (default: the referral's as_of, or today)",
    )
    screen_cmd.set_defaults(func=cmd_screen)

    schemas = commands.add_parser("schemas", help="write the JSON Schemas to openapi/")
    schemas.add_argument("--out", default="openapi", help="folder to write to")
    schemas.add_argument(
        "--check", action="store_true", help="only report schemas that are out of date"
    )
    schemas.set_defaults(func=cmd_schemas)

    register_api_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
