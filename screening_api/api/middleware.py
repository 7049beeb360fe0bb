"""Around every request: a request id, one JSON access line, metrics, and a last-resort 500.

A pure ASGI middleware (no per-request task or body copy). An exception no handler took is
answered with an ``internal-error`` problem and logged by class name only: its message or
frames may hold request content, and so are never written anywhere.
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from screening_api.api.metrics import Metrics
from screening_api.api.problems import PROBLEM_TYPES
from screening_api.api.responses import problem_response
from screening_api.api.schemas import ProblemDetails

__all__ = ["REQUEST_ID_HEADER", "ObservabilityMiddleware"]

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

access_log = logging.getLogger("screening_api.api.access")
logger = logging.getLogger("screening_api.api")


def _request_id(scope: Scope) -> str:
    """The caller's request id when it is a plain token, otherwise a new one."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if _SAFE_REQUEST_ID.match(text):
                return text
            break
    return os.urandom(16).hex()


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "(unmatched)"


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            logger.error(
                "unhandled error while answering a request",
                extra={
                    "event": "unhandled_error",
                    "request_id": request_id,
                    "route": _route(scope),
                    "error_type": type(error).__name__,
                },
            )
            state["problem"] = "internal-error"
            if not response_started:
                kind = PROBLEM_TYPES["internal-error"]
                problem = ProblemDetails(
                    type=kind.uri,
                    title=kind.title,
                    status=kind.status,
                    detail="the service failed to answer; the error has been logged",
                    instance=scope.get("path"),
                    request_id=request_id,
                )
                await problem_response(None, problem)(scope, receive, send_with_id)
        finally:
            self._record(scope, state, status, time.perf_counter() - started)

    def _record(self, scope: Scope, state: dict[str, Any], status: int, seconds: float) -> None:
        route = _route(scope)
        method = scope["method"]
        self.metrics.observe_request(route, method, status, seconds)
        entry: dict[str, Any] = {
            "event": "request",
            "request_id": state.get("request_id"),
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
        }
        for name in ("key_id", "problem"):
            if name in state:
                entry[name] = state[name]
        entry.update(state.get("log", {}))
        access_log.info("request answered", extra=entry)
