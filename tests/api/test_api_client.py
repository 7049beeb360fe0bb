"""The Python client: typed answers, problem details in errors, retries with backoff.

Retries are checked against httpx's own ``MockTransport`` (a scripted server); everything else
runs against the real app through httpx's ``ASGITransport``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from screening_api import Decision, Referral
from screening_api.api.problems import PROBLEM_BASE
from screening_api.client import (
    AsyncScreeningClient,
    ScreeningAPIError,
    ScreeningClient,
    ScreeningConnectionError,
)
from tests.api.conftest import DECISION_ID, Keys, child_referral, make_app

PROBLEM_HEADERS = {"content-type": "application/problem+json"}


def scripted(*answers: httpx.Response | Exception) -> tuple[httpx.MockTransport, list[str]]:
    """A transport that gives the answers in order, and the paths it was asked for."""
    queue: Iterator[httpx.Response | Exception] = iter(answers)
    asked: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        asked.append(f"{request.method} {request.url.path} {request.headers['x-request-id']}")
        answer = next(queue)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.MockTransport(handle), asked


def decision_json() -> bytes:
    with ScreeningClient("http://test", transport=asgi_sync()) as client:
        return client.screen(child_referral()).model_dump_json().encode()


def asgi_sync() -> httpx.BaseTransport:
    """The real app behind a sync transport, via httpx's MockTransport calling it."""
    app = make_app()

    async def forward(request: httpx.Request) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as inner:
            return await inner.send(request)

    def handle(request: httpx.Request) -> httpx.Response:
        import anyio

        response = anyio.run(forward, request)
        return httpx.Response(
            response.status_code, headers=response.headers, content=response.content
        )

    return httpx.MockTransport(handle)


def no_sleep() -> tuple[Callable[[float], None], list[float]]:
    waits: list[float] = []
    return waits.append, waits


def test_screen_returns_a_typed_decision() -> None:
    with ScreeningClient("http://test", transport=asgi_sync()) as client:
        decision = client.screen(Referral.model_validate(child_referral()), explain="full")

    assert isinstance(decision, Decision)
    assert decision.decision_id == DECISION_ID
    assert [flag.rule_id for flag in decision.flags] == ["CCE-001"]
    assert decision.not_fired is not None


def test_a_problem_becomes_a_screening_api_error_with_its_details() -> None:
    with (
        ScreeningClient("http://test", transport=asgi_sync()) as client,
        pytest.raises(ScreeningAPIError) as raised,
    ):
        client.screen(child_referral(subject={"kind": "child", "age_years": 40}))

    error = raised.value
    assert error.status == 422
    assert error.type == PROBLEM_BASE + "validation-error"
    assert error.problem.errors is not None
    assert error.problem.errors[0].field == "subject.age_years"
    assert str(error).startswith(
        "422 The request failed validation: subject.age_years: Input should be less than or "
        "equal to 25 (request "
    )


def test_retries_on_503_then_succeeds_keeping_one_request_id() -> None:
    busy = httpx.Response(
        503,
        headers={**PROBLEM_HEADERS, "retry-after": "1"},
        json={"type": PROBLEM_BASE + "timeout", "title": "t", "status": 503},
    )
    transport, asked = scripted(busy, busy, httpx.Response(200, content=decision_json()))
    sleep, waits = no_sleep()

    with ScreeningClient("http://test", transport=transport, sleep=sleep) as client:
        decision = client.screen(child_referral())

    assert decision.decision_id == DECISION_ID
    assert len(asked) == 3
    assert len({line.split()[-1] for line in asked}) == 1
    assert waits == [1.0, 1.0]  # the server's Retry-After


def test_retries_connection_errors_with_exponential_backoff() -> None:
    refused = httpx.ConnectError("connection refused")
    transport, asked = scripted(
        refused, refused, refused, httpx.Response(200, json={"status": "ok", "version": "0.1.0"})
    )
    sleep, waits = no_sleep()

    with ScreeningClient(
        "http://test", transport=transport, sleep=sleep, backoff=0.1, retries=3
    ) as client:
        health = client.health()

    assert health.status == "ok"
    assert len(asked) == 4
    # 0.1 s doubling each time, with jitter taking off up to half
    assert len(waits) == 3
    assert all(0.05 * 2**i <= wait <= 0.1 * 2**i for i, wait in enumerate(waits))


def test_gives_up_after_the_retries_with_a_connection_error() -> None:
    transport, asked = scripted(*[httpx.ConnectError("refused")] * 3)
    sleep, _ = no_sleep()

    with (
        ScreeningClient("http://test", transport=transport, sleep=sleep, retries=2) as client,
        pytest.raises(ScreeningConnectionError, match="failed after 3 attempt"),
    ):
        client.ruleset()

    assert len(asked) == 3


def test_a_still_busy_service_raises_its_last_problem() -> None:
    busy = httpx.Response(
        503,
        headers=PROBLEM_HEADERS,
        json={"type": PROBLEM_BASE + "timeout", "title": "Too slow", "status": 503},
    )
    transport, asked = scripted(busy, busy)
    sleep, _ = no_sleep()

    with (
        ScreeningClient("http://test", transport=transport, sleep=sleep, retries=1) as client,
        pytest.raises(ScreeningAPIError) as raised,
    ):
        client.screen(child_referral())

    assert raised.value.status == 503
    assert len(asked) == 2


def test_client_errors_are_not_retried() -> None:
    refused = httpx.Response(
        401,
        headers=PROBLEM_HEADERS,
        json={"type": PROBLEM_BASE + "unauthorized", "title": "Key", "status": 401},
    )
    transport, asked = scripted(refused)

    with (
        ScreeningClient("http://test", transport=transport) as client,
        pytest.raises(ScreeningAPIError),
    ):
        client.indicators()

    assert len(asked) == 1


def test_a_response_without_problem_details_still_raises_clearly() -> None:
    transport, _ = scripted(httpx.Response(404, text="<html>not here</html>"))

    with (
        ScreeningClient("http://test", transport=transport) as client,
        pytest.raises(ScreeningAPIError) as raised,
    ):
        client.rule("X-1")

    assert raised.value.problem.type == "about:blank"
    assert raised.value.status == 404
    assert raised.value.problem.detail == "the response carried no problem details"


def test_the_api_key_is_sent_as_a_bearer_token(keys: Keys) -> None:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json={"status": "ok", "version": "0.1.0"})

    with ScreeningClient(
        "http://test", api_key=keys.read, transport=httpx.MockTransport(handle)
    ) as client:
        client.health()

    assert seen == [f"Bearer {keys.read}"]


@pytest.mark.anyio
async def test_async_client_against_the_app(keys: Keys) -> None:
    app = make_app(api_keys=keys.entries)
    transport = httpx.ASGITransport(app=app)
    async with AsyncScreeningClient(
        "http://test", api_key=keys.everything, transport=transport
    ) as client:
        decision = await client.screen(child_referral())
        batch = await client.screen_batch(
            [child_referral(), child_referral(subject={"kind": "child", "age_years": 99})]
        )
        rules = await client.rules(status="active")
        rule = await client.rule("CCE-002")
        pathways = await client.pathways()
        indicators = await client.indicators()
        ruleset = await client.ruleset()
        reload = await client.reload()
        ready = await client.ready()

    assert decision.primary_pathway == "mace_panel"
    assert [item.status for item in batch.results] == [200, 422]
    assert [r.id for r in rules.rules] == ["CCE-001", "CCE-002", "MIS-001"]
    assert rule.source.line == 25
    assert pathways.pathways[0].id == "police_immediate"
    assert len(indicators.indicators) == 5
    assert reload.current.sha256 == ruleset.sha256 == ready.ruleset.sha256


@pytest.mark.anyio
async def test_async_client_retries_and_raises_problems() -> None:
    busy = httpx.Response(
        503,
        headers={**PROBLEM_HEADERS, "retry-after": "0"},
        json={"type": PROBLEM_BASE + "timeout", "title": "t", "status": 503},
    )
    forbidden = httpx.Response(
        403,
        headers=PROBLEM_HEADERS,
        json={
            "type": PROBLEM_BASE + "forbidden",
            "title": "Scope",
            "status": 403,
            "scope": "admin",
        },
    )
    transport, asked = scripted(busy, forbidden)

    async def handle(request: httpx.Request) -> httpx.Response:
        return transport.handle_request(request)

    async with AsyncScreeningClient("http://test", transport=httpx.MockTransport(handle)) as client:
        with pytest.raises(ScreeningAPIError) as raised:
            await client.reload()

    assert len(asked) == 2
    assert raised.value.status == 403
    assert raised.value.problem.model_extra == {"scope": "admin"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
