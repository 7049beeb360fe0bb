"""Structured JSON logs without personal data, and keyed pseudonyms for referral ids.

A log line holds what an operator needs (request id, route, status, latency, ruleset) and
nothing from a referral: no narrative, no field values, no stack traces (an exception is
named by its class only, since its message or frames may hold request content).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

__all__ = ["JsonFormatter", "configure_logging", "logging_config", "pseudonymise"]

# Attributes every LogRecord has; anything else on a record came through ``extra=``.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key != "color_message":
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["error_type"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` that sends ours and uvicorn's logs as JSON to stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": handler},
        "loggers": {
            "screening_api": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            # The service writes its own access line; uvicorn's names the client's address.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def configure_logging(level: str = "INFO") -> None:
    """Install JSON logging for the service (the ``serve`` command calls this).

    The service owns its process then, so it also turns off what its lines never show:
    caller lookup, thread and process names (the logging HOWTO's own speed advice).
    """
    logging.config.dictConfig(logging_config(level))
    logging._srcfile = None  # a documented switch: no caller lookup for each record
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def pseudonymise(secret: str, reference: str) -> str:
    """A keyed hash of a referral id: stable for one secret, meaningless without it."""
    digest = hmac.new(secret.encode("utf-8"), reference.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:24]
