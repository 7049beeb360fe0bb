"""The command line: exit codes 0 good, 1 findings, 2 usage; real files, real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from screening_api import __version__
from screening_api.cli import main
from tests.conftest import MINI, referral_data


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_rules_check_good(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "rules", "check", str(MINI)) == (0, "0 error(s), 0 warning(s)\n", "")


def test_rules_check_reports_errors_with_exit_1(
    capsys: pytest.CaptureFixture[str], mini_copy: Path
) -> None:
    (mini_copy / "broken.yaml").write_text("- id: BRK-001\n  title: x\n", encoding="utf-8")
    code, out, _ = run(capsys, "rules", "check", str(mini_copy))
    assert code == 1
    assert out.splitlines()[0] == (
        "rules/broken.yaml:1:3: error E103 in rule BRK-001: rule is missing required key 'status'"
    )
    assert out.splitlines()[-1] == "9 error(s), 0 warning(s)"


def test_rules_check_json(capsys: pytest.CaptureFixture[str], mini_copy: Path) -> None:
    (mini_copy / "broken.yaml").write_text("- id: BRK-001\n  title: x\n", encoding="utf-8")
    code, out, _ = run(capsys, "rules", "check", str(mini_copy), "--format", "json")
    assert code == 1
    first = json.loads(out)[0]
    assert first == {
        "code": "E103",
        "severity": "error",
        "file": "rules/broken.yaml",
        "line": 1,
        "column": 3,
        "rule_id": "BRK-001",
        "message": "rule is missing required key 'status'",
        "hint": None,
    }


def test_rules_check_warnings_as_errors(
    capsys: pytest.CaptureFixture[str], mini_copy: Path
) -> None:
    (mini_copy / "tests" / "cases.yaml").unlink()
    code, out, _ = run(capsys, "rules", "check", str(mini_copy))
    assert (code, out.splitlines()[-1]) == (0, "0 error(s), 3 warning(s)")
    code, _, _ = run(capsys, "rules", "check", str(mini_copy), "--warnings-as-errors")
    assert code == 1


def test_rules_test_strict(capsys: pytest.CaptureFixture[str], mini_copy: Path) -> None:
    code, out, _ = run(capsys, "rules", "test", str(MINI), "--strict")
    assert code == 0
    assert out.splitlines()[-1] == "6 passed, 0 failed"
    cases = mini_copy / "tests" / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").split("\n\n")[0] + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "rules", "test", str(mini_copy))
    assert (code, out.splitlines()[-1]) == (0, "1 passed, 0 failed")
    code, out, _ = run(capsys, "rules", "test", str(mini_copy), "--strict")
    assert (code, out.splitlines()[-1]) == (1, "strict: coverage is below 100%")


def test_screen_prints_a_decision(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "referral.json"
    path.write_text(
        json.dumps(
            referral_data(
                as_of="2026-06-01",
                indicators={
                    "found_out_of_area": {"status": "present", "recency": "current"},
                    "found_with_drugs_or_cash": {"status": "present"},
                    "harm_within_family_only": {"status": "absent"},
                },
            )
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "screen", str(path), "--rules", str(MINI), "--explain", "full")
    assert (code, err) == (0, "")
    decision = json.loads(out)
    assert decision["outcome"]["level"] == "significant"
    assert decision["primary_pathway"] == "mace_panel"
    assert len(decision["decision_id"]) == 36
    assert [t["rule_id"] for t in decision["not_fired"]] == ["CCE-002", "MIS-001"]


def test_screen_refuses_a_bad_referral(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "referral.json"
    path.write_text(json.dumps(referral_data(subject={"kind": "robot"})), encoding="utf-8")
    code, out, err = run(capsys, "screen", str(path), "--rules", str(MINI))
    assert (code, out) == (1, "")
    assert err == (
        "referral refused: subject.kind: Input should be 'child', 'peer_group', 'location', "
        "'school' or 'online_space'\n"
    )


def test_screen_unknown_indicator(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "referral.json"
    path.write_text(
        json.dumps(referral_data(indicators={"nope": {"status": "present"}})), encoding="utf-8"
    )
    code, _, err = run(capsys, "screen", str(path), "--rules", str(MINI), "--as-of", "2026-06-01")
    assert code == 1
    assert err == (
        "referral refused: indicators.nope: unknown indicator code 'nope': it is not "
        "in the indicator catalogue\n"
    )


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["rules", "frobnicate"])
    assert caught.value.code == 2
    assert run(capsys, "screen", "/no/such/file.json", "--rules", str(MINI))[0] == 2


def test_a_real_process_reads_stdin_and_is_deterministic() -> None:
    data = json.dumps(referral_data(as_of="2026-06-01", narrative="going country"))
    command = [sys.executable, "-m", "screening_api", "screen", "-", "--rules", str(MINI)]
    outputs = []
    for _ in range(2):
        done = subprocess.run(command, input=data, capture_output=True, text=True, check=True)
        decision = json.loads(done.stdout)
        decision.pop("decision_id")
        decision.pop("screened_at")
        outputs.append(decision)
    assert outputs[0] == outputs[1]
    assert [f["rule_id"] for f in outputs[0]["shadow_flags"]] == ["CCE-009"]
    version = subprocess.run(
        [sys.executable, "-m", "screening_api", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout == f"screening-api {__version__}\n"
