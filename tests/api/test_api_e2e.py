"""End to end: a real uvicorn process, the real client, rules reloaded while requests run.

The server runs as `screening-api serve` in a subprocess on a free loopback port, with API keys
and a writable copy of the mini ruleset. Two threads screen without retries (so any failure
counts) while the rules are reloaded: good and broken, by the admin route and by SIGHUP.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import yaml

from screening_api.api.keys import Scope, create_key
from screening_api.client import ScreeningAPIError, ScreeningClient
from tests.api.conftest import MINI, child_referral, metric

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGHUP")

NARRATIVE = "Found at the station with a large amount of cash."
REFERRAL_ID = "REF-E2E-0001"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    key: str
    rules: Path
    log: Path

    def client(self, retries: int = 0) -> ScreeningClient:
        return ScreeningClient(self.url, api_key=self.key, timeout=10, retries=retries)

    def log_lines(self) -> list[dict[str, object]]:
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


def wait_until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def is_ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def start(tmp_path: Path, *extra: str) -> Server:
    rules = tmp_path / "rules"
    shutil.copytree(MINI, rules)
    new = create_key("e2e", list(Scope))
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        yaml.safe_dump({"api_keys": [new.entry.model_dump(mode="json")], "log_level": "info"}),
        encoding="utf-8",
    )
    port = free_port()
    log = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCREENING_")}
    command = [
        sys.executable,
        "-m",
        "screening_api.cli",
        "serve",
        "--port",
        str(port),
        "--rules",
        str(rules),
        "--settings",
        str(settings),
        *extra,
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=sink, env=env, cwd=tmp_path)
    server = Server(process, f"http://127.0.0.1:{port}", new.key, rules, log)
    try:
        wait_until(lambda: process.poll() is not None or is_ready(server.url))
    except AssertionError:
        process.kill()
        raise
    assert process.poll() is None, log.read_text(encoding="utf-8")
    return server


def stop(server: Server) -> int:
    server.process.send_signal(signal.SIGTERM)
    try:
        return server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        raise


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start(tmp_path)
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def write_atomically(path: Path, text: str) -> None:
    """Replace a rule file in one step, as an editor or a deployment does."""
    draft = path.with_suffix(".draft")
    draft.write_text(text, encoding="utf-8")
    draft.replace(path)


def set_version(rules: Path, version: str) -> None:
    manifest = rules / "ruleset.yaml"
    text = manifest.read_text(encoding="utf-8").splitlines()
    text = [f'version: "{version}"' if line.startswith("version:") else line for line in text]
    write_atomically(manifest, "\n".join(text) + "\n")


@dataclass
class Load:
    """Threads screening in a loop, without retries, until stopped."""

    server: Server
    stop: threading.Event = field(default_factory=threading.Event)
    answered: int = 0
    failures: list[str] = field(default_factory=list)
    hashes: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> None:
        with self.server.client(retries=0) as client:
            while not self.stop.is_set():
                try:
                    decision = client.screen(child_referral(referral_id=REFERRAL_ID))
                except Exception as error:  # every kind of failure counts
                    with self.lock:
                        self.failures.append(repr(error))
                else:
                    with self.lock:
                        self.answered += 1
                        self.hashes.add(decision.provenance.ruleset_sha256)


def test_reloads_under_load_drop_no_request(server: Server) -> None:
    load = Load(server)
    threads = [threading.Thread(target=load.run) for _ in range(2)]
    for thread in threads:
        thread.start()
    admin = server.client(retries=2)
    try:
        original = admin.ruleset().sha256
        wait_until(lambda: load.answered >= 20)

        # A good change through the admin route.
        set_version(server.rules, "1.1.0")
        reloaded = admin.reload()
        assert reloaded.changed
        assert reloaded.current.version == "1.1.0"

        # A good change through SIGHUP.
        set_version(server.rules, "1.2.0")
        server.process.send_signal(signal.SIGHUP)
        wait_until(lambda: admin.ruleset().version == "1.2.0")
        serving = admin.ruleset().sha256
        assert serving not in {original, reloaded.current.sha256}

        # A broken file through the admin route: refused with file:line, nothing changes.
        exploitation = server.rules / "exploitation.yaml"
        good_text = exploitation.read_text(encoding="utf-8")
        write_atomically(
            exploitation,
            good_text.replace(
                "- indicator: found_with_drugs_or_cash", "- indicator: found_with_drug_or_cash"
            ),
        )
        with pytest.raises(ScreeningAPIError) as refused:
            admin.reload()
        assert refused.value.status == 422
        assert refused.value.problem.findings is not None
        assert refused.value.problem.findings[0].text.startswith(
            "rules/exploitation.yaml:20:13: error E104 in rule CCE-001"
        )
        assert admin.ruleset().sha256 == serving

        # A broken file through SIGHUP: counted and logged, nothing changes.
        server.process.send_signal(signal.SIGHUP)
        wait_until(
            lambda: (
                metric(
                    httpx.get(f"{server.url}/metrics").text,
                    "screening_rules_reloads_total",
                    trigger="signal",
                    outcome="failure",
                )
                == 1.0
            )
        )
        assert admin.ready().last_reload_failed
        assert admin.ruleset().sha256 == serving

        answered_before = load.answered
        wait_until(lambda: load.answered >= answered_before + 20)
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)
        admin.close()

    assert load.failures == []
    assert load.answered >= 40
    assert serving in load.hashes
    assert load.hashes <= {original, reloaded.current.sha256, serving}
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit reads as signalled.
    assert stop(server) in {0, -signal.SIGTERM}

    lines = server.log_lines()
    messages = [line["message"] for line in lines]
    assert "Application shutdown complete." in messages
    assert messages[-1].startswith("Finished server process")
    events = [line.get("event") for line in lines]
    assert events.count("rules_reloaded") == 2
    assert events.count("rules_reload_failed") == 2
    failed = [line for line in lines if line.get("event") == "rules_reload_failed"]
    assert {line["trigger"] for line in failed} == {"api", "signal"}
    for line in failed:
        errors = line["errors"]
        assert isinstance(errors, list)
        assert errors[0].startswith("rules/exploitation.yaml:20:13: error E104 in rule CCE-001")
    text = server.log.read_text(encoding="utf-8")
    assert NARRATIVE not in text
    assert REFERRAL_ID not in text
    assert server.key.partition(".")[2] not in text
    assert "Traceback" not in text
    assert text.count('"route": "/v1/screen"') == load.answered


def test_a_broken_ruleset_at_start_is_refused_with_its_findings(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(MINI, rules)
    (rules / "indicators.yaml").write_text("indicators: [\n", encoding="utf-8")

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "screening_api.cli",
            "serve",
            "--port",
            str(free_port()),
            "--rules",
            str(rules),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "the rules did not load, so nothing was served" in result.stderr
    assert "rules/indicators.yaml:2:1: error E101" in result.stderr


def test_several_workers_reload_one_by_one_on_sighup(tmp_path: Path) -> None:
    server = start(tmp_path, "--workers", "2")
    try:
        with server.client(retries=3) as client:
            first = client.screen(child_referral()).provenance.ruleset_version
            set_version(server.rules, "3.0.0")
            server.process.send_signal(signal.SIGHUP)  # the parent restarts each worker
            wait_until(lambda: all(client.ruleset().version == "3.0.0" for _ in range(6)), 60)

            exploitation = server.rules / "exploitation.yaml"
            write_atomically(exploitation, "- id: [\n")
            server.process.send_signal(signal.SIGHUP)  # a new worker fails; the old one stays
            wait_until(lambda: "rules_load_failed" in server.log.read_text(encoding="utf-8"), 60)
            versions = {
                client.screen(child_referral()).provenance.ruleset_version for _ in range(6)
            }
    finally:
        code = stop(server)

    log = server.log.read_text(encoding="utf-8")
    assert first == "1.0.0"
    assert versions == {"3.0.0"}, log
    assert code in {0, -signal.SIGTERM}, log
    lines = server.log_lines()
    failed = [line for line in lines if line.get("event") == "rules_load_failed"]
    assert failed
    assert "Traceback" not in server.log.read_text(encoding="utf-8")
