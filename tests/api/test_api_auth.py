"""API keys: salted hashes, constant-time checks, scopes; open access only on loopback."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from screening_api.api.keys import ApiKeyEntry, KeyRing, Scope, create_key, hash_key
from screening_api.api.problems import PROBLEM_BASE
from screening_api.api.server import bind_refusal, is_loopback
from screening_api.api.settings import load_settings
from screening_api.cli import main
from tests.api.conftest import (
    MINI,
    Keys,
    LogLines,
    TestClient,
    child_referral,
    make_app,
    mini_settings,
)


def test_a_new_key_verifies_against_its_entry_and_nothing_else() -> None:
    new = create_key("mosaic-prod", [Scope.SCREEN, Scope.READ])
    ring = KeyRing([new.entry])

    assert new.key.startswith("mosaic-prod.")
    assert len(new.key) > 40
    assert ring.verify(new.key) == new.entry
    assert ring.verify(new.key + "x") is None
    assert ring.verify("other." + new.key.partition(".")[2]) is None
    assert ring.verify("no-dot-at-all") is None
    assert new.entry.scopes == {Scope.SCREEN, Scope.READ}


def test_the_stored_hash_is_sha256_of_salt_then_key() -> None:
    new = create_key("k1", [Scope.READ])

    expected = hashlib.sha256(bytes.fromhex(new.entry.salt) + new.key.encode()).hexdigest()
    assert new.entry.hash == expected == hash_key(new.key, new.entry.salt)
    assert new.key not in new.entry.model_dump_json()


def test_two_keys_never_share_a_salt() -> None:
    first, second = create_key("a", [Scope.READ]), create_key("a", [Scope.READ])
    assert first.entry.salt != second.entry.salt
    assert first.key != second.key


def test_a_key_entry_needs_a_scope_and_a_plain_id() -> None:
    with pytest.raises(ValueError, match="scopes"):
        ApiKeyEntry(id="a", salt="0" * 32, hash="0" * 64, scopes=frozenset())
    with pytest.raises(ValueError, match="id"):
        ApiKeyEntry(id="A.B", salt="0" * 32, hash="0" * 64, scopes=frozenset({Scope.READ}))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/screen"),
        ("POST", "/v1/screen/batch"),
        ("GET", "/v1/ruleset"),
        ("GET", "/v1/rules"),
        ("GET", "/v1/rules/CCE-001"),
        ("GET", "/v1/pathways"),
        ("GET", "/v1/indicators"),
        ("POST", "/v1/admin/reload"),
    ],
)
def test_missing_key_is_401_with_a_bearer_challenge(
    secured: TestClient, method: str, path: str
) -> None:
    response = secured.request(method, path, json=child_referral())

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="screening-api"'
    problem = response.json()
    assert problem["type"] == PROBLEM_BASE + "unauthorized"
    assert problem["detail"] == "send an API key as 'Authorization: Bearer <key>'"


@pytest.mark.parametrize(
    "header",
    ["Bearer case-system.not-the-secret", "Bearer nobody.secret", "Basic dXNlcjpwYXNz"],
)
def test_wrong_key_is_401(secured: TestClient, header: str) -> None:
    response = secured.get("/v1/ruleset", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json()["type"] == PROBLEM_BASE + "unauthorized"
    assert "secret" not in response.text


@pytest.mark.parametrize(
    ("key_name", "method", "path", "scope"),
    [
        ("read", "POST", "/v1/screen", "screen"),
        ("admin", "POST", "/v1/screen", "screen"),
        ("screen", "GET", "/v1/rules", "read"),
        ("screen", "POST", "/v1/admin/reload", "admin"),
        ("read", "POST", "/v1/admin/reload", "admin"),
    ],
)
def test_key_without_the_scope_is_403(
    secured: TestClient, keys: Keys, key_name: str, method: str, path: str, scope: str
) -> None:
    key = getattr(keys, key_name)

    response = secured.request(method, path, json=child_referral(), headers=keys.bearer(key))

    assert response.status_code == 403
    problem = response.json()
    assert problem["type"] == PROBLEM_BASE + "forbidden"
    assert problem["scope"] == scope
    assert problem["detail"] == f"this API key does not hold the '{scope}' scope"


def test_keys_with_the_scope_are_admitted(secured: TestClient, keys: Keys) -> None:
    screen = secured.post("/v1/screen", json=child_referral(), headers=keys.bearer(keys.screen))
    read = secured.get("/v1/rules/CCE-001", headers=keys.bearer(keys.read))
    admin = secured.post("/v1/admin/reload", headers=keys.bearer(keys.admin))
    every = secured.get("/v1/indicators", headers=keys.bearer(keys.everything))

    assert [r.status_code for r in (screen, read, admin, every)] == [200, 200, 200, 200]


def test_health_readiness_and_docs_need_no_key(secured: TestClient) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"):
        assert secured.get(path).status_code == 200, path


def test_metrics_can_require_the_read_scope(keys: Keys) -> None:
    with TestClient(make_app(api_keys=keys.entries, metrics_public=False)) as client:
        anonymous = client.get("/metrics")
        reader = client.get("/metrics", headers=keys.bearer(keys.read))

    assert anonymous.status_code == 401
    assert reader.status_code == 200


def test_key_id_is_logged_and_the_key_never_is(
    secured: TestClient, keys: Keys, logs: LogLines
) -> None:
    secured.get("/v1/ruleset", headers=keys.bearer(keys.read))
    secured.get("/v1/ruleset", headers={"Authorization": "Bearer dashboard.guess"})

    entries = logs.entries("request")
    assert [(e["status"], e.get("key_id")) for e in entries] == [(200, "dashboard"), (401, None)]
    assert keys.read.partition(".")[2] not in logs.text
    assert "guess" not in logs.text


def test_without_keys_every_request_is_allowed(client: TestClient) -> None:
    assert client.post("/v1/admin/reload").status_code == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("screening.council.example", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_without_keys_only_loopback_may_be_bound(keys: Keys) -> None:
    open_settings = mini_settings()
    keyed = mini_settings(api_keys=keys.entries)

    assert bind_refusal(open_settings, "127.0.0.1") is None
    assert bind_refusal(keyed, "0.0.0.0") is None
    refusal = bind_refusal(open_settings, "0.0.0.0")
    assert refusal is not None
    assert refusal.startswith("refusing to serve on 0.0.0.0: no API keys are configured")


def test_serve_refuses_a_public_address_without_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--host", "0.0.0.0", "--rules", str(MINI)])

    assert code == 2
    assert "refusing to serve on 0.0.0.0: no API keys are configured" in capsys.readouterr().err


def test_keys_come_from_the_settings_file(tmp_path: Path) -> None:
    new = create_key("mosaic", [Scope.SCREEN])
    path = tmp_path / "settings.yaml"
    entry = new.entry.model_dump(mode="json")
    path.write_text(yaml.safe_dump({"api_keys": [entry]}), encoding="utf-8")

    settings = load_settings(path)

    assert settings.api_keys == (new.entry,)
    assert bind_refusal(settings, "0.0.0.0") is None


def test_the_key_is_checked_before_any_parameter(secured: TestClient) -> None:
    bad_query = secured.get("/v1/rules", params={"domain": "astrology"})
    bad_path = secured.get("/v1/rules/not%20an%20id")
    unknown = secured.post("/v1/screen?explian=full", json={})

    assert [r.status_code for r in (bad_query, bad_path, unknown)] == [401, 401, 401]


def test_the_declared_scope_is_the_enforced_scope(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    declared = {
        op["operationId"]: (op.get("x-required-scope"), op.get("x-public-when"))
        for item in document["paths"].values()
        for op in item.values()
    }

    assert declared == {
        "screenReferral": ("screen", None),
        "screenBatch": ("screen", None),
        "getRuleset": ("read", None),
        "listRules": ("read", None),
        "getRule": ("read", None),
        "listPathways": ("read", None),
        "listIndicators": ("read", None),
        "reloadRules": ("admin", None),
        "healthz": (None, None),
        "readyz": (None, None),
        "metrics": ("read", "metrics_public"),
    }
