"""Reading a JSON request body within the limits: media type, size, syntax, nesting depth.

The size is checked against ``Content-Length`` before anything is read and again while the
body streams in (a chunked body has no length to trust); nothing is parsed until the whole body
is known to fit.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from screening_api.api.problems import (
    BodyTooLargeError,
    MalformedJsonError,
    NestingTooDeepError,
    UnsupportedMediaTypeError,
)
from screening_api.api.settings import Limits

__all__ = ["json_depth", "read_json"]


def _is_json(content_type: str) -> bool:
    media = content_type.partition(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _too_large(limit: int) -> BodyTooLargeError:
    return BodyTooLargeError(
        f"the body is larger than this service accepts ({limit} bytes); send a smaller batch",
        limit=limit,
    )


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _reject_constant(name: str) -> Any:
    raise MalformedJsonError(f"'{name}' is not a JSON number; send numbers as digits")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise MalformedJsonError("an object in the body names the same key twice")
    return result


def json_depth(value: Any) -> int:
    """How deeply objects and arrays nest in a parsed JSON value (a scalar has depth 0).

    Walked level by level over containers only (json.loads makes exactly dicts and lists),
    so a long narrative costs nothing; plain loops, as this runs on every request.
    """
    depth = 0
    level = [value] if type(value) is dict or type(value) is list else []
    while level:
        depth += 1
        below: list[Any] = []
        for container in level:
            for child in container.values() if type(container) is dict else container:
                if type(child) is dict or type(child) is list:
                    below.append(child)
        level = below
    return depth


def parse_json(raw: bytes, max_depth: int) -> Any:
    if not raw.strip():
        raise MalformedJsonError("the body is empty; send a JSON object")
    try:
        value = json.loads(raw, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise NestingTooDeepError(_depth_message(max_depth), limit=max_depth) from None
    except json.JSONDecodeError as error:
        raise MalformedJsonError(
            f"the body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except UnicodeDecodeError:
        raise MalformedJsonError("the body is not UTF-8 text") from None
    if json_depth(value) > max_depth:
        raise NestingTooDeepError(_depth_message(max_depth), limit=max_depth)
    return value


def _depth_message(max_depth: int) -> str:
    return f"objects and arrays in the body nest more than {max_depth} levels deep"


async def read_json(request: Request, limits: Limits) -> Any:
    """The request's JSON body, parsed, or a ``ServiceError`` naming the limit it broke."""
    if not _is_json(request.headers.get("content-type", "")):
        detail = "send the body as JSON with 'Content-Type: application/json'"
        raise UnsupportedMediaTypeError(detail)
    raw = await read_body(request, limits.max_body_bytes)
    return parse_json(raw, limits.max_json_depth)
