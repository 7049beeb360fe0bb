"""The HTTP service: a thin FastAPI shell around ``screen()``.

Names are imported on first use, so ``screening_api.client`` (which shares ``api.schemas``)
does not pull in FastAPI.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from screening_api.api.app import create_app
    from screening_api.api.keys import ApiKeyEntry, Scope, create_key
    from screening_api.api.settings import Limits, Settings, load_settings

__all__ = [
    "ApiKeyEntry",
    "Limits",
    "Scope",
    "Settings",
    "create_app",
    "create_key",
    "load_settings",
]

_HOMES = {
    "create_app": "screening_api.api.app",
    "ApiKeyEntry": "screening_api.api.keys",
    "Scope": "screening_api.api.keys",
    "create_key": "screening_api.api.keys",
    "Limits": "screening_api.api.settings",
    "Settings": "screening_api.api.settings",
    "load_settings": "screening_api.api.settings",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'screening_api.api' has no attribute {name!r}")
