"""HTTP benchmark: the screening service against a bare FastAPI app that only validates.

Run from the repository root (installs nothing; wrk comes from Debian: apt-get install wrk)::

    .venv/bin/python benchmarks/api.py                  # full run (about 2 minutes)
    .venv/bin/python benchmarks/api.py --duration 3 --rounds 1   # quicker, noisier
    .venv/bin/python benchmarks/api.py --rules tests/fixtures/mini --json api.json

In one run it starts, each as its own single-worker uvicorn process on 127.0.0.1:

- the service (``screening-api serve``) on the bundled rules (or ``--rules``), with an API key
  configured and sent, JSON logging on (to /dev/null), exactly as deployed;
- a bare app: one FastAPI route taking the same ``Referral`` body and answering its id.

Both get the same load from wrk (closed loop, 1 thread, 16 connections) with the same
referral (the OpenAPI example, built from the ruleset so a rule fires), for ``--duration``
seconds after a warm-up, in ``--rounds`` alternating rounds (medians reported). It reports
requests per second and p50/p99 latency per endpoint, the screening/bare throughput ratio, the
screening endpoint's latency when paced at half its own throughput (wrk's per-connection
delay), and how a request's time splits: the bare request, ``screen()`` alone (timed in
process) and what is left, the adapter. With ``--rules tests/fixtures/mini`` the core is cheap
and the figures show the HTTP shell's own cost. Only loopback is used, and every run is
bounded in time. Shared machines are noisy: compare ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import yaml
from fastapi import FastAPI

from screening_api import Referral, RuleSet, load_ruleset, screen
from screening_api.api.examples import EXAMPLE_AS_OF, example_referral
from screening_api.api.keys import Scope, create_key

HOST = "127.0.0.1"
CONNECTIONS = 16


def bare_app() -> FastAPI:
    """The baseline: validate a Referral body, answer its id."""
    app = FastAPI()

    @app.post("/v1/screen")
    async def validate_only(referral: Referral) -> dict[str, str]:
        return {"referral_id": referral.referral_id}

    return app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode} before it was ready")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} not ready in {seconds} s")


@contextmanager
def running(command: list[str], ready_url: str) -> Iterator[None]:
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=sink)
    try:
        wait_ready(ready_url, process)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected latency in wrk output: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _percentile(output: str, percent: int) -> float:
    """A latency from wrk's "Latency Distribution" block (lines such as "     99%    6.96ms")."""
    match = re.search(rf"^\s+{percent}%\s+(\S+)$", output, re.MULTILINE)
    if match is None:
        raise ValueError(f"no {percent}% latency in wrk output")
    return _ms(match.group(1))


def parse_wrk(name: str, output: str) -> Result:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50, p99 = _percentile(output, 50), _percentile(output, 99)
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(g) for g in match.groups())
    return Result(name, rps, p50, p99, errors, total)


def lua_script(
    folder: Path, method: str, body: str | None, headers: dict[str, str], delay_ms: float | None
) -> Path:
    lines = [f'wrk.method = "{method}"']
    for name, value in headers.items():
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    if delay_ms is not None:
        lines.append(f"function delay() return {delay_ms:.3f} end")
    path = folder / f"load-{time.monotonic_ns()}.lua"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wrk(
    name: str, url: str, script: Path, seconds: float, connections: int = CONNECTIONS
) -> Result:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "5s",
        "-s",
        str(script),
        url,
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    try:
        return parse_wrk(name, output)
    except (AttributeError, ValueError):
        raise SystemExit(f"could not read wrk's output:\n{output}") from None


@dataclass
class Target:
    name: str
    url: str
    method: str
    body: str | None
    headers: dict[str, str]


def measure(
    target: Target,
    folder: Path,
    seconds: float,
    delay_ms: float | None = None,
    connections: int = CONNECTIONS,
) -> Result:
    script = lua_script(folder, target.method, target.body, target.headers, delay_ms)
    wrk(target.name, target.url, script, min(2.0, seconds), connections)  # warm-up
    return wrk(target.name, target.url, script, seconds, connections)


def core_screen_ms(ruleset: RuleSet, data: dict[str, Any], rounds: int = 200) -> float:
    """Median time of ``screen()`` alone for the benchmark's referral, in this process."""
    referral = Referral.model_validate(data)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        screen(referral, ruleset, as_of=EXAMPLE_AS_OF)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def write_settings(folder: Path) -> tuple[Path, str]:
    new = create_key("bench", list(Scope))
    path = folder / "settings.yaml"
    settings = {"api_keys": [new.entry.model_dump(mode="json")], "log_level": "info"}
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path, new.key


def median_result(name: str, runs: list[Result]) -> Result:
    """The median of each figure over rounds (rounds alternate, so background load hits both)."""
    return Result(
        name,
        statistics.median(r.requests_per_second for r in runs),
        statistics.median(r.p50_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
        sum(r.errors for r in runs),
        sum(r.requests for r in runs),
    )


def service_command(port: int, settings: Path, rules: Path | None) -> list[str]:
    command = [sys.executable, "-m", "screening_api.cli", "serve", "--port", str(port)]
    command += ["--settings", str(settings)]
    return command + (["--rules", str(rules)] if rules else [])


def run(args: argparse.Namespace) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    ruleset = load_ruleset(args.rules)
    referral = json.dumps(example_referral(ruleset))
    batch = json.dumps({"referrals": [example_referral(ruleset)] * 10})
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        settings, key = write_settings(folder)
        auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        plain = {"Content-Type": "application/json"}
        bare_port, port = free_port(), free_port()
        base = f"http://{HOST}:{port}"
        bare_target = Target(
            "bare: POST /v1/screen (validate only)",
            f"http://{HOST}:{bare_port}/v1/screen",
            "POST",
            referral,
            plain,
        )
        screen = Target("service: POST /v1/screen", f"{base}/v1/screen", "POST", referral, auth)
        bare = [sys.executable, __file__, "--serve-bare", str(bare_port)]
        with (
            running(bare, f"http://{HOST}:{bare_port}/docs"),
            running(service_command(port, settings, args.rules), f"{base}/healthz"),
        ):
            bare_runs, screen_runs = [], []
            for _ in range(args.rounds):
                bare_runs.append(measure(bare_target, folder, args.duration))
                screen_runs.append(measure(screen, folder, args.duration))
            results.append(median_result(bare_target.name, bare_runs))
            screened = median_result(screen.name, screen_runs)
            results.append(screened)
            # Paced at half the measured throughput: each of 8 connections waits between
            # requests so that together they ask for half of what the service answered.
            target_rps = screened.requests_per_second / 2
            paced_connections = 8
            service_ms = 1000 / screened.requests_per_second
            delay = max(paced_connections * 1000 / target_rps - service_ms, 0.0)
            paced = measure(
                screen, folder, args.duration, delay_ms=delay, connections=paced_connections
            )
            paced.name = "service: POST /v1/screen at half throughput"
            results.append(paced)
            others = [
                Target(
                    "service: POST /v1/screen/batch (10)",
                    f"{base}/v1/screen/batch",
                    "POST",
                    batch,
                    auth,
                ),
                Target("service: GET /v1/rules", f"{base}/v1/rules", "GET", None, auth),
                Target("service: GET /healthz", f"{base}/healthz", "GET", None, {}),
            ]
            for other in others:
                results.append(measure(other, folder, max(args.duration / 2, 2)))

    bare_result, screen_result = results[0], results[1]
    core_ms = core_screen_ms(ruleset, example_referral(ruleset))
    per_request_ms = 1000 / screen_result.requests_per_second
    bare_ms = 1000 / bare_result.requests_per_second
    return {
        "core_screen_ms": core_ms,
        "service_ms_per_request": per_request_ms,
        "bare_ms_per_request": bare_ms,
        "adapter_ms_per_request": per_request_ms - bare_ms - core_ms,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, uvicorn {uvicorn.__version__}",
        "ruleset": f"{ruleset.id} {ruleset.version}",
        "duration_s": args.duration,
        "rounds": args.rounds,
        "results": [asdict(r) for r in results],
        "throughput_ratio": screen_result.requests_per_second / bare_result.requests_per_second,
    }


def report(summary: dict[str, Any]) -> str:
    lines = [
        f"machine: {summary['machine']}; ruleset: {summary['ruleset']}; "
        f"{summary['duration_s']} s per run, median of {summary['rounds']} alternating rounds "
        "for the first two rows, wrk 1 thread",
        "",
        "| endpoint | requests/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in summary["results"]:
        lines.append(
            f"| {r['name']} | {r['requests_per_second']:.0f} | {r['p50_ms']:.2f} | "
            f"{r['p99_ms']:.2f} | {r['errors']} |"
        )
    lines += [
        "",
        f"screening / bare throughput: {summary['throughput_ratio']:.0%}",
        f"per request at full load: service {summary['service_ms_per_request']:.2f} ms = bare "
        f"{summary['bare_ms_per_request']:.2f} ms + screen() alone "
        f"{summary['core_screen_ms']:.2f} ms (median, in process) + the rest "
        f"{summary['adapter_ms_per_request']:.2f} ms (auth, parsing, logs, metrics, a larger "
        "response to serialise and send)",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/service rounds")
    parser.add_argument("--rules", type=Path, default=None, help="ruleset folder")
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    parser.add_argument("--serve-bare", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare is not None:
        uvicorn.run(
            bare_app(), host=HOST, port=args.serve_bare, access_log=False, log_level="warning"
        )
        return
    summary = run(args)
    print(report(summary))
    if args.json is not None:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
