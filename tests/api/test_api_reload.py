"""Reloading rules: a good folder swaps in whole, a broken one changes nothing and says why."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from screening_api import load_ruleset
from screening_api.api.problems import PROBLEM_BASE
from screening_api.api.reloading import rules_fingerprint
from tests.api.conftest import LogLines, TestClient, child_referral, make_app, metric


def bump_version(root: Path, version: str) -> None:
    manifest = root / "ruleset.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('version: "1.0.0"', f'version: "{version}"'), "utf-8")


def break_rule(root: Path) -> None:
    path = root / "exploitation.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "- indicator: found_with_drugs_or_cash", "- indicator: found_with_drug_or_cash"
        ),
        "utf-8",
    )


def test_reload_swaps_in_a_good_ruleset(mini_copy: Path) -> None:
    with TestClient(make_app(rules_dir=mini_copy)) as client:
        before = client.get("/v1/ruleset").json()
        bump_version(mini_copy, "1.1.0")
        result = client.post("/v1/admin/reload").json()
        after = client.get("/v1/ruleset").json()
        decision = client.post("/v1/screen", json=child_referral()).json()

    assert result["reloaded"] is True
    assert result["changed"] is True
    assert result["previous"]["sha256"] == before["sha256"]
    assert result["current"] == {"id": "mini", "version": "1.1.0", "sha256": after["sha256"]}
    assert after["sha256"] == load_ruleset(mini_copy).sha256 != before["sha256"]
    assert decision["provenance"]["ruleset_version"] == "1.1.0"


def test_reload_of_an_unchanged_folder_says_so(client: TestClient) -> None:
    result = client.post("/v1/admin/reload").json()

    assert result["changed"] is False
    assert result["previous"] == result["current"]


def test_broken_reload_changes_nothing_and_lists_file_line_errors(
    mini_copy: Path, logs: LogLines
) -> None:
    with TestClient(make_app(rules_dir=mini_copy)) as client:
        serving = client.get("/v1/ruleset").json()["sha256"]
        break_rule(mini_copy)
        response = client.post("/v1/admin/reload")
        still = client.get("/v1/ruleset").json()["sha256"]
        ready = client.get("/readyz").json()
        screened = client.post("/v1/screen", json=child_referral()).json()

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == PROBLEM_BASE + "ruleset-invalid"
    assert problem["detail"] == (
        "the ruleset has 1 error(s); the rules already loaded are still serving"
    )
    [finding] = problem["findings"]
    assert finding["file"] == "rules/exploitation.yaml"
    assert (finding["line"], finding["column"]) == (20, 13)
    assert finding["rule_id"] == "CCE-001"
    assert finding["text"].startswith(
        "rules/exploitation.yaml:20:13: error E104 in rule CCE-001: unknown indicator "
        "'found_with_drug_or_cash'"
    )
    assert still == serving
    assert ready["last_reload_failed"] is True
    assert screened["provenance"]["ruleset_sha256"] == serving
    [failure] = logs.entries("rules_reload_failed")
    assert failure["errors"][0].startswith("rules/exploitation.yaml:20:13: error E104")
    assert failure["serving_sha256"] == serving


def test_a_later_good_reload_clears_the_failure(mini_copy: Path) -> None:
    original = (mini_copy / "exploitation.yaml").read_text(encoding="utf-8")
    with TestClient(make_app(rules_dir=mini_copy)) as client:
        break_rule(mini_copy)
        assert client.post("/v1/admin/reload").status_code == 422
        (mini_copy / "exploitation.yaml").write_text(original, encoding="utf-8")
        assert client.post("/v1/admin/reload").status_code == 200
        assert client.get("/readyz").json()["last_reload_failed"] is False


def test_reloads_are_counted_by_trigger_and_outcome(mini_copy: Path) -> None:
    with TestClient(make_app(rules_dir=mini_copy)) as client:
        client.post("/v1/admin/reload")
        break_rule(mini_copy)
        client.post("/v1/admin/reload")
        client.post("/v1/admin/reload")
        metrics = client.get("/metrics").text

    name = "screening_rules_reloads_total"
    assert metric(metrics, name, outcome="success", trigger="api") == 1.0
    assert metric(metrics, name, outcome="failure", trigger="api") == 2.0


def wait_for(predicate: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def failures(client: TestClient) -> float | None:
    text = client.get("/metrics").text
    return metric(text, "screening_rules_reloads_total", outcome="failure", trigger="watch")


def test_watching_the_folder_reloads_after_a_change(mini_copy: Path) -> None:
    with TestClient(make_app(rules_dir=mini_copy, watch_rules_seconds=0.05)) as client:
        first = client.get("/v1/ruleset").json()["sha256"]
        bump_version(mini_copy, "2.0.0")
        changed = wait_for(lambda: client.get("/v1/ruleset").json()["version"] == "2.0.0")
        second = client.get("/v1/ruleset").json()["sha256"]
        break_rule(mini_copy)
        failed = wait_for(lambda: failures(client) == 1.0)
        third = client.get("/v1/ruleset").json()["sha256"]

    assert changed
    assert second != first
    assert failed
    assert third == second


def test_fingerprint_sees_edits_new_files_and_removals(mini_copy: Path) -> None:
    before = rules_fingerprint(mini_copy)
    (mini_copy / "extra.yaml").write_text("[]\n", encoding="utf-8")
    added = rules_fingerprint(mini_copy)
    os.utime(mini_copy / "pathways.yaml", ns=(1, 1))
    touched = rules_fingerprint(mini_copy)
    (mini_copy / "extra.yaml").unlink()

    assert len(added) == len(before) + 1
    assert touched != added
    assert rules_fingerprint(mini_copy) != before  # pathways.yaml's time moved


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints(client: TestClient, path: str) -> None:
    body = client.get(path).json()

    assert body["status"] in {"ok", "ready"}
