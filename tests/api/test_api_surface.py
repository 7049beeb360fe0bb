"""The public surfaces of the service and the client: sorted, complete, and the client light."""

from __future__ import annotations

import subprocess
import sys
from types import ModuleType

import pytest

import screening_api.api
import screening_api.client


@pytest.mark.parametrize("module", [screening_api.api, screening_api.client])
def test_all_is_sorted_and_every_name_resolves(module: ModuleType) -> None:
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_the_client_does_not_import_the_server_stack() -> None:
    code = (
        "import sys, screening_api.client; "
        "print(sorted({'fastapi', 'starlette', 'uvicorn'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout == "[]\n"
