"""Command-line commands of the HTTP service (serve, keys, openapi), registered by cli.py."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from screening_api.api.keys import KEY_ID_PATTERN, Scope, create_key
from screening_api.api.settings import load_settings
from screening_api.errors import ConfigurationError, RulesetError

__all__ = ["register"]

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
DEFAULT_OPENAPI = Path("openapi/openapi.json")


def _port(value: str) -> int:
    port = int(value)
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError("a port is a number from 1 to 65535")
    return port


def _workers(value: str) -> int:
    workers = int(value)
    if not 1 <= workers <= 64:
        raise argparse.ArgumentTypeError("workers is a number from 1 to 64")
    return workers


def cmd_serve(args: argparse.Namespace) -> int:
    from screening_api.api.server import ServeOptions, bind_refusal, run

    overrides: dict[str, Any] = {}
    if args.rules is not None:
        overrides["rules_dir"] = Path(args.rules)
    if args.watch is not None:
        overrides["watch_rules_seconds"] = args.watch
    try:
        settings = load_settings(args.settings, **overrides)
    except ConfigurationError as error:
        print(f"screening-api serve: {error}", file=sys.stderr)
        return EXIT_USAGE
    refusal = bind_refusal(settings, args.host)
    if refusal is not None:
        print(f"screening-api serve: {refusal}", file=sys.stderr)
        return EXIT_USAGE
    if not settings.api_keys:
        print(
            "screening-api serve: no API keys configured: every request is allowed; "
            f"serving on loopback ({args.host}) only",
            file=sys.stderr,
        )
    if (args.ssl_certfile is None) != (args.ssl_keyfile is None):
        print("screening-api serve: give both --ssl-certfile and --ssl-keyfile", file=sys.stderr)
        return EXIT_USAGE
    options = ServeOptions(
        host=args.host,
        port=args.port,
        workers=args.workers,
        settings_file=args.settings,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
    )
    try:
        run(options, settings)
    except RulesetError as error:
        print(
            f"screening-api serve: the rules did not load, so nothing was served\n{error}",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except ConfigurationError as error:
        print(f"screening-api serve: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _scopes(values: list[str]) -> frozenset[Scope]:
    scopes = set()
    for value in values:
        for name in value.split(","):
            scopes.add(Scope(name.strip()))
    return frozenset(scopes)


def cmd_keys_create(args: argparse.Namespace) -> int:
    import re

    if not re.match(KEY_ID_PATTERN, args.id):
        print(
            "screening-api keys create: a key id is 1-32 lower-case letters, digits, '-' or "
            "'_', starting with a letter or digit",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        scopes = _scopes(args.scope or ["screen"])
    except ValueError:
        names = ", ".join(s.value for s in Scope)
        print(f"screening-api keys create: scopes are {names}", file=sys.stderr)
        return EXIT_USAGE
    new = create_key(args.id, scopes)
    entry = new.entry.model_dump(mode="json")
    entry["scopes"] = sorted(entry["scopes"])
    if args.json:
        print(json.dumps({"key": new.key, "entry": entry}, indent=2))
        return EXIT_OK
    flow = ", ".join(f"{name}: {json.dumps(value)}" for name, value in entry.items())
    print(f"API key '{args.id}' (shown once: store it in the case system's secret store now):")
    print()
    print(f"    {new.key}")
    print()
    print("Add this entry under api_keys in the settings file (only the salted hash is kept):")
    print()
    print(f"  - {{{flow}}}")
    print()
    print("or give the service the whole list in SCREENING_API_KEYS, as JSON:")
    print()
    print(f"    SCREENING_API_KEYS='{json.dumps([entry])}'")
    return EXIT_OK


def cmd_openapi_export(args: argparse.Namespace) -> int:
    from screening_api.api.openapi import export_openapi

    try:
        text = export_openapi(args.rules)
    except RulesetError as error:
        print(f"screening-api openapi export: the rules did not load\n{error}", file=sys.stderr)
        return EXIT_FAILURE
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current != text:
            print(
                f"{output} is out of date: run `screening-api openapi export` and commit it",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        print(f"{output} is up to date")
        return EXIT_OK
    if str(output) == "-":
        sys.stdout.write(text)
        return EXIT_OK
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}")
    return EXIT_OK


def _register_serve(commands: argparse._SubParsersAction[Any]) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the HTTP service under uvicorn",
        description="Serve the screening API. Without API keys in the settings it binds to "
        "loopback only. Send SIGHUP (or POST /v1/admin/reload) to reload the rules.",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; others need API keys)",
    )
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=_workers, default=1, help="worker processes (default 1)")
    serve.add_argument(
        "--rules", metavar="DIR", default=None, help="ruleset folder (default: the bundled rules)"
    )
    serve.add_argument(
        "--settings",
        metavar="FILE",
        type=Path,
        default=None,
        help="settings file (YAML, JSON or TOML); SCREENING_* variables win",
    )
    serve.add_argument(
        "--watch",
        metavar="SECONDS",
        type=float,
        default=None,
        help="poll the rules folder for changes this often and reload",
    )
    serve.add_argument(
        "--ssl-certfile",
        metavar="FILE",
        type=Path,
        default=None,
        help="serve HTTPS with this certificate (PEM)",
    )
    serve.add_argument(
        "--ssl-keyfile",
        metavar="FILE",
        type=Path,
        default=None,
        help="the certificate's private key (PEM)",
    )
    serve.set_defaults(func=cmd_serve)


def _register_keys(commands: argparse._SubParsersAction[Any]) -> None:
    keys = commands.add_parser("keys", help="manage API keys")
    actions = keys.add_subparsers(dest="keys_command", required=True)
    create = actions.add_parser(
        "create",
        help="make a random API key and print it with its settings entry",
        description="Print a new API key once, and the salted hash entry to put in the "
        "settings. The key itself is never stored.",
    )
    create.add_argument("id", help="the key's name, e.g. the case system: 'mosaic-prod'")
    create.add_argument(
        "--scope",
        action="append",
        metavar="SCOPE",
        help="screen, read or admin; repeat or separate with commas (default: screen)",
    )
    create.add_argument("--json", action="store_true", help="print key and entry as JSON")
    create.set_defaults(func=cmd_keys_create)


def _register_openapi(commands: argparse._SubParsersAction[Any]) -> None:
    openapi = commands.add_parser("openapi", help="the OpenAPI document of the HTTP service")
    actions = openapi.add_subparsers(dest="openapi_command", required=True)
    export = actions.add_parser(
        "export", help="write the OpenAPI document (for the bundled rules by default)"
    )
    export.add_argument(
        "--rules",
        metavar="DIR",
        type=Path,
        default=None,
        help="ruleset folder (default: the bundled rules)",
    )
    export.add_argument(
        "--output",
        metavar="FILE",
        type=Path,
        default=DEFAULT_OPENAPI,
        help=f"where to write it, '-' for standard output (default {DEFAULT_OPENAPI})",
    )
    export.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail if the file differs from the document",
    )
    export.set_defaults(func=cmd_openapi_export)


def register(commands: argparse._SubParsersAction[Any]) -> None:
    """Add the service's subcommands to the ``screening-api`` parser."""
    _register_serve(commands)
    _register_keys(commands)
    _register_openapi(commands)
