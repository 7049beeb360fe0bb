"""Running the service under uvicorn: the loopback guard, JSON logs, one or several workers."""

from __future__ import annotations

import gc
import ipaddress
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from screening_api.api.app import create_app
from screening_api.api.logs import configure_logging, logging_config
from screening_api.api.settings import Settings, load_settings
from screening_api.engine.ruleset import load_ruleset
from screening_api.errors import RulesetError

__all__ = ["ServeOptions", "app_from_environment", "bind_refusal", "is_loopback", "run"]

SETTINGS_FILE_VARIABLE = "SCREENING_SETTINGS_FILE"
STARTUP_FAILURE = 3  # the exit code uvicorn's supervisor reads as "failed before serving"

logger = logging.getLogger("screening_api.api")


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach: 127.0.0.0/8, ::1 and 'localhost'."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # another host name: it may resolve to anything


def bind_refusal(settings: Settings, host: str) -> str | None:
    """Why the service must not bind ``host`` with these settings, or None when it may."""
    if settings.api_keys or is_loopback(host):
        return None
    return (
        f"refusing to serve on {host}: no API keys are configured, so anyone who can reach "
        "that address could screen referrals and read the rules. Serve on 127.0.0.1 (the "
        "default), or create a key with `screening-api keys create NAME --scope screen` and "
        "put the entry it prints under api_keys in the settings file."
    )


def _freeze_loaded_objects() -> None:
    """Move everything loaded so far (the compiled ruleset above all) out of the garbage
    collector's sight: it lives as long as the process, and full collections would otherwise
    walk all of it again and again while screening (see benchmarks/README.md). A compiled
    ruleset holds no reference cycles, so after a reload the old one is still freed (by
    reference counting) as soon as no request uses it."""
    gc.collect()
    gc.freeze()


def app_from_environment() -> FastAPI:
    """The app for each uvicorn worker process: settings from the file named by
    ``SCREENING_SETTINGS_FILE`` (if any) and the ``SCREENING_*`` variables."""
    path = os.environ.get(SETTINGS_FILE_VARIABLE)
    settings = load_settings(Path(path) if path else None)
    configure_logging(settings.log_level)
    try:
        app = create_app(settings)
    except RulesetError as error:
        # A worker started by a rolling restart (SIGHUP) on broken rules: say why in one log
        # line and stop; uvicorn keeps the old worker serving.
        logger.error(
            "the rules did not load: this worker stops, workers already running keep serving",
            extra={"event": "rules_load_failed", "errors": [str(f) for f in error.errors]},
        )
        raise SystemExit(STARTUP_FAILURE) from None
    _freeze_loaded_objects()
    return app


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    settings_file: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None


def _uvicorn_options(options: ServeOptions, settings: Settings) -> dict[str, Any]:
    tls: dict[str, Any] = {}
    if options.ssl_certfile is not None:
        tls = {
            "ssl_certfile": str(options.ssl_certfile),
            "ssl_keyfile": str(options.ssl_keyfile) if options.ssl_keyfile else None,
        }
    return {
        "host": options.host,
        "port": options.port,
        "log_config": logging_config(settings.log_level),
        "access_log": False,  # the service logs its own access lines, without client addresses
        "server_header": False,
        "timeout_graceful_shutdown": 10,
        **tls,
    }


def run(options: ServeOptions, settings: Settings) -> None:
    """Serve until stopped. Raises ``RulesetError`` before binding when the rules are broken."""
    uvicorn_options = _uvicorn_options(options, settings)
    if options.workers == 1:
        app = create_app(settings)  # a broken ruleset stops here, before anything is bound
        configure_logging(settings.log_level)
        _freeze_loaded_objects()
        uvicorn.run(app, **uvicorn_options)
        return
    # Several workers each build their app from the environment; check the rules once here
    # so a broken ruleset fails at once with its findings instead of in every worker.
    load_ruleset(settings.rules_dir)
    if options.settings_file is not None:
        os.environ[SETTINGS_FILE_VARIABLE] = str(options.settings_file.resolve())
    # The command-line overrides reach the workers as the variables that outrank the file.
    if settings.rules_dir is not None:
        os.environ["SCREENING_RULES_DIR"] = str(settings.rules_dir.resolve())
    os.environ["SCREENING_WATCH_RULES_SECONDS"] = str(settings.watch_rules_seconds)
    sys.stderr.flush()
    uvicorn.run(
        "screening_api.api.server:app_from_environment",
        factory=True,
        workers=options.workers,
        **uvicorn_options,
    )
