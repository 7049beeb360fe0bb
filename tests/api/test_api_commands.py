"""The service's commands: `keys create`, `serve` (its checks before binding), worker start-up."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from screening_api.api.keys import ApiKeyEntry, KeyRing, Scope
from screening_api.cli import main
from tests.api.conftest import MINI


def test_keys_create_prints_the_key_once_and_its_settings_entry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["keys", "create", "mosaic-prod", "--scope", "screen,read"]) == 0

    out = capsys.readouterr().out
    lines = out.splitlines()
    key = lines[2].strip()
    entry_line = next(line for line in lines if line.startswith("  - {"))
    entry = ApiKeyEntry.model_validate(yaml.safe_load(entry_line)[0])
    assert lines[0] == (
        "API key 'mosaic-prod' (shown once: store it in the case system's secret store now):"
    )
    assert key.startswith("mosaic-prod.")
    assert entry.scopes == {Scope.SCREEN, Scope.READ}
    assert KeyRing([entry]).verify(key) == entry
    assert out.count(key) == 1
    env_line = next(line for line in lines if "SCREENING_API_KEYS=" in line)
    listed = json.loads(env_line.split("=", 1)[1].strip("'"))
    assert ApiKeyEntry.model_validate(listed[0]) == entry


def test_keys_create_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "create", "ops", "--scope", "admin", "--json"]) == 0

    made = json.loads(capsys.readouterr().out)
    entry = ApiKeyEntry.model_validate(made["entry"])
    assert KeyRing([entry]).verify(made["key"]) == entry
    assert entry.scopes == {Scope.ADMIN}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["keys", "create", "Bad Name"], "a key id is 1-32 lower-case letters"),
        (["keys", "create", "ok", "--scope", "superuser"], "scopes are screen, read, admin"),
    ],
)
def test_keys_create_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_serve_with_a_bad_settings_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("limits:\n  max_batch_items: 0\n", encoding="utf-8")

    code = main(["serve", "--rules", str(MINI), "--settings", str(settings)])

    assert code == 2
    err = capsys.readouterr().err
    assert "settings are not valid:\n  limits.max_batch_items: Input should be greater than" in err


def test_serve_needs_both_tls_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["serve", "--rules", str(MINI), "--ssl-certfile", str(tmp_path / "c.pem")])

    assert code == 2
    assert "give both --ssl-certfile and --ssl-keyfile" in capsys.readouterr().err


def test_serve_with_broken_rules_exits_1_before_binding(
    mini_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (mini_copy / "pathways.yaml").unlink()

    code = main(["serve", "--rules", str(mini_copy), "--port", "1"])

    assert code == 1
    err = capsys.readouterr().err
    assert "the rules did not load, so nothing was served" in err
    assert "rules/pathways.yaml: error E119: missing required file 'pathways.yaml'" in err


def worker(rules: Path) -> subprocess.CompletedProcess[str]:
    """Build the app as a uvicorn worker does, from the environment only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    env["SCREENING_RULES_DIR"] = str(rules)
    code = "from screening_api.api.server import app_from_environment as a; print(a().title)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_worker_builds_its_app_from_the_environment() -> None:
    result = worker(MINI)

    assert (result.returncode, result.stdout) == (0, "screening-api\n")


def test_a_worker_on_broken_rules_stops_with_one_log_line_and_no_traceback(
    tmp_path: Path,
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(MINI, rules)
    (rules / "pathways.yaml").unlink()

    result = worker(rules)

    assert result.returncode == 3
    [line] = result.stderr.splitlines()
    entry = json.loads(line)
    assert entry["event"] == "rules_load_failed"
    assert entry["errors"][0].startswith("rules/pathways.yaml: error E119")
