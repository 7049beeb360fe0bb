"""Every limit answers with its own problem type and status, and echoes nothing it was sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from screening_api.api.body import json_depth
from screening_api.api.problems import PROBLEM_BASE
from screening_api.api.settings import Limits
from tests.api.conftest import LogLines, TestClient, child_referral, make_app

SECRET = "Jordan told the teacher about the flat on Mill Road"


def limited(**limits: Any) -> TestClient:
    return TestClient(make_app(limits=Limits(**limits)))


def assert_problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["type"] == PROBLEM_BASE + slug
    assert problem["status"] == status
    assert problem["request_id"] == response.headers["x-request-id"]
    assert SECRET not in response.text
    assert "Traceback" not in response.text
    return problem


def test_body_over_the_limit_is_refused_from_its_content_length() -> None:
    body = json.dumps(child_referral(narrative=SECRET + " " * 3000)).encode()

    with limited(max_body_bytes=2048) as client:
        response = client.post(
            "/v1/screen", content=body, headers={"Content-Type": "application/json"}
        )

    problem = assert_problem(response, 413, "body-too-large")
    assert problem["limit"] == 2048
    assert problem["title"] == "The request body is too large"


def test_body_without_a_length_is_counted_as_it_streams() -> None:
    chunk = json.dumps(child_referral(narrative=SECRET + " " * 1500)).encode()

    def chunks() -> Iterator[bytes]:
        yield chunk[:1000]
        yield chunk[1000:]

    with limited(max_body_bytes=1024) as client:
        response = client.post(
            "/v1/screen", content=chunks(), headers={"Content-Type": "application/json"}
        )

    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "body-too-large")


def test_a_body_within_the_limit_is_read_whole_when_streamed() -> None:
    chunk = json.dumps(child_referral()).encode()

    with limited() as client:
        response = client.post(
            "/v1/screen",
            content=iter([chunk[:10], chunk[10:]]),
            headers={"Content-Type": "application/json"},
        )

    assert response.status_code == 200


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def test_json_nested_too_deeply_is_refused_before_validation() -> None:
    data = child_referral(narrative=nested(40))

    with limited(max_json_depth=32) as client:
        response = client.post("/v1/screen", json=data)

    problem = assert_problem(response, 400, "nesting-too-deep")
    assert problem["limit"] == 32


def test_json_nested_past_the_parsers_own_limit_is_refused_too(client: TestClient) -> None:
    body = b"[" * 100_000 + b"]" * 100_000

    response = client.post("/v1/screen", content=body, headers={"Content-Type": "application/json"})

    assert_problem(response, 400, "nesting-too-deep")


def test_json_depth_counts_objects_and_arrays() -> None:
    assert json_depth("x") == 0
    assert json_depth({}) == 1
    assert json_depth({"a": [1, {"b": []}]}) == 4
    assert json_depth(nested(7)) == 7


def test_narrative_longer_than_the_configured_limit() -> None:
    with limited(max_narrative_chars=100) as client:
        response = client.post("/v1/screen", json=child_referral(narrative=SECRET * 5))

    problem = assert_problem(response, 422, "narrative-too-long")
    assert problem["errors"] == [
        {"field": "narrative", "message": "at most 100 characters", "code": "string_too_long"}
    ]
    assert problem["detail"] == "narrative: 255 characters; this service accepts at most 100"


def test_narrative_limit_applies_to_each_batch_item() -> None:
    items = [child_referral(), child_referral(narrative="x" * 101)]

    with limited(max_narrative_chars=100) as client:
        body = client.post("/v1/screen/batch", json={"referrals": items}).json()

    assert [r["status"] for r in body["results"]] == [200, 422]
    assert body["results"][1]["problem"]["type"] == PROBLEM_BASE + "narrative-too-long"


def test_narrative_limit_cannot_exceed_the_contract() -> None:
    with pytest.raises(ValueError, match="max_narrative_chars"):
        Limits(max_narrative_chars=10_001)


def test_batch_over_the_limit() -> None:
    with limited(max_batch_items=3) as client:
        response = client.post("/v1/screen/batch", json={"referrals": [child_referral()] * 4})

    problem = assert_problem(response, 413, "batch-too-large")
    assert problem["limit"] == 3
    assert problem["detail"] == (
        "the batch holds 4 referrals; this service accepts at most 3 in one request: split it"
    )


def test_request_over_its_time_is_stopped_with_503() -> None:
    with limited(request_timeout_seconds=1e-9) as client:
        response = client.post("/v1/screen", json=child_referral(narrative=SECRET))

    problem = assert_problem(response, 503, "timeout")
    assert response.headers["retry-after"] == "1"
    assert problem["detail"].startswith("the request was stopped after")


def test_a_batch_over_its_time_is_stopped_with_503() -> None:
    with limited(request_timeout_seconds=1e-9) as client:
        response = client.post("/v1/screen/batch", json={"referrals": [child_referral()] * 3})

    assert_problem(response, 503, "timeout")


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"referral_id": "R-1",', "the body is not valid JSON: Expecting property name"),
        (b"", "the body is empty; send a JSON object"),
        (b'{"a": 1, "a": 2}', "an object in the body names the same key twice"),
        (b'{"a": NaN}', "'NaN' is not a JSON number; send numbers as digits"),
        (b"\xff\xfe\x00", "the body is not"),
    ],
)
def test_malformed_json(client: TestClient, body: bytes, detail: str) -> None:
    response = client.post("/v1/screen", content=body, headers={"Content-Type": "application/json"})

    problem = assert_problem(response, 400, "malformed-json")
    assert problem["detail"].startswith(detail)


def test_body_must_be_json(client: TestClient) -> None:
    response = client.post(
        "/v1/screen", content=SECRET, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )

    assert_problem(response, 415, "unsupported-media-type")


def test_json_with_a_charset_or_a_json_suffix_is_accepted(client: TestClient) -> None:
    body = json.dumps(child_referral())
    for content_type in ("application/json; charset=utf-8", "application/vnd.case+json"):
        response = client.post("/v1/screen", content=body, headers={"Content-Type": content_type})
        assert response.status_code == 200, content_type


def test_refusals_leave_no_request_content_in_logs(logs: LogLines) -> None:
    with limited(max_narrative_chars=10, max_body_bytes=4096) as client:
        client.post("/v1/screen", json=child_referral(narrative=SECRET))
        too_old = {"kind": "child", "age_years": 99}
        client.post("/v1/screen", json=child_referral(subject=too_old, narrative="short"))
        client.post("/v1/screen", content=SECRET * 200, headers={"Content-Type": "text/plain"})

    assert [e["status"] for e in logs.entries("request")] == [422, 422, 415]
    assert [e["problem"] for e in logs.entries("request")] == [
        "narrative-too-long",
        "validation-error",
        "unsupported-media-type",
    ]
    assert SECRET not in logs.text
    assert "REF-1" not in logs.text
