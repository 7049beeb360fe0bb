"""A Python client for case systems: ``ScreeningClient`` (sync) and ``AsyncScreeningClient``.

Both speak the service's own pydantic models, retry with exponential backoff on connection
errors and on 502/503/504 (screening is a pure computation, so a retry is always safe), and
raise ``ScreeningAPIError`` carrying the service's problem details::

    ScreeningClientError            base of every error this client raises
    ├── ScreeningAPIError           the service answered with an error; ``problem`` says why
    └── ScreeningConnectionError    no answer, even after the retries

    with ScreeningClient("http://127.0.0.1:8000", api_key=key) as client:
        decision = client.screen(referral)
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from screening_api import __version__
from screening_api.api.schemas import (
    BatchResponse,
    Explain,
    Health,
    IndicatorCatalogue,
    PathwayCatalogue,
    ProblemDetails,
    Readiness,
    ReloadResult,
    RuleCatalogue,
    RuleDetail,
    RulesetInfo,
)
from screening_api.decision import Decision
from screening_api.referral import Referral

__all__ = [
    "AsyncScreeningClient",
    "ScreeningAPIError",
    "ScreeningClient",
    "ScreeningClientError",
    "ScreeningConnectionError",
]

M = TypeVar("M", bound=BaseModel)
ReferralLike = Referral | Mapping[str, Any]

RETRY_STATUSES = frozenset({502, 503, 504})


class ScreeningClientError(Exception):
    """Base of every error the client raises."""


class ScreeningAPIError(ScreeningClientError):
    """The service refused or failed a request; ``problem`` holds its problem details."""

    def __init__(self, problem: ProblemDetails) -> None:
        self.problem = problem
        text = f"{problem.status} {problem.title}"
        if problem.detail:
            text += f": {problem.detail}"
        if problem.request_id:
            text += f" (request {problem.request_id})"
        super().__init__(text)

    @property
    def status(self) -> int:
        return self.problem.status

    @property
    def type(self) -> str:
        return self.problem.type


class ScreeningConnectionError(ScreeningClientError):
    """The service could not be reached (or kept failing) after every retry."""


@dataclass(frozen=True)
class _Call(Generic[M]):
    method: str
    path: str
    model: type[M]
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None


def _referral_json(referral: ReferralLike) -> Any:
    if isinstance(referral, Referral):
        return referral.model_dump(mode="json", exclude_unset=True)
    return dict(referral)


def _problem(response: httpx.Response) -> ProblemDetails:
    """The response's problem details, or a stand-in when it carries none (a proxy's page)."""
    try:
        return ProblemDetails.model_validate_json(response.content)
    except ValidationError:
        return ProblemDetails(
            type="about:blank",
            title=response.reason_phrase or "Error",
            status=response.status_code,
            detail="the response carried no problem details",
            request_id=response.headers.get("x-request-id"),
        )


class _Calls:
    """What each operation sends and expects back; shared by the sync and async clients."""

    @staticmethod
    def screen(referral: ReferralLike, explain: Explain) -> _Call[Decision]:
        return _Call("POST", "/v1/screen", Decision, {"explain": explain}, _referral_json(referral))

    @staticmethod
    def screen_batch(referrals: Sequence[ReferralLike], explain: Explain) -> _Call[BatchResponse]:
        body = {"referrals": [_referral_json(r) for r in referrals], "explain": explain}
        return _Call("POST", "/v1/screen/batch", BatchResponse, body=body)

    @staticmethod
    def rules(status: str | None, domain: str | None) -> _Call[RuleCatalogue]:
        params = {k: v for k, v in (("status", status), ("domain", domain)) if v is not None}
        return _Call("GET", "/v1/rules", RuleCatalogue, params)


class _Policy:
    """Connection settings, retries and backoff shared by both clients."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        timeout: float,
        retries: int,
        backoff: float,
        max_backoff: float,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        self.headers = {"User-Agent": f"screening-api-client/{__version__}"}
        if api_key is not None:
            self.headers["Authorization"] = f"Bearer {api_key}"

    def delay(self, attempt: int, response: httpx.Response | None) -> float:
        """Seconds to wait before retry ``attempt`` (0-based): the server's Retry-After when it
        gives one, else exponential backoff with jitter; never more than ``max_backoff``."""
        retry_after = response.headers.get("retry-after") if response is not None else None
        if retry_after is not None and retry_after.isdigit():
            return min(float(retry_after), self.max_backoff)
        exponential: float = min(self.backoff * 2.0**attempt, self.max_backoff)
        return exponential * (0.5 + random.random() / 2)

    def request(self, call: _Call[Any], request_id: str) -> dict[str, Any]:
        return {
            "method": call.method,
            "url": call.path,
            "params": call.params or None,
            "json": call.body,
            "headers": {"X-Request-ID": request_id},
        }

    @staticmethod
    def retryable(response: httpx.Response) -> bool:
        return response.status_code in RETRY_STATUSES

    @staticmethod
    def parse(call: _Call[M], response: httpx.Response) -> M:
        if response.is_success:
            return call.model.model_validate_json(response.content)
        raise ScreeningAPIError(_problem(response))

    def unreachable(self, call: _Call[Any], error: Exception) -> ScreeningConnectionError:
        return ScreeningConnectionError(
            f"{call.method} {self.base_url}{call.path} failed after {self.retries + 1} "
            f"attempt(s): {type(error).__name__}: {error}"
        )


class ScreeningClient:
    """A blocking client. ``transport`` replaces the network (tests pass httpx.MockTransport)."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.2,
        max_backoff: float = 5.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._policy = _Policy(base_url, api_key, timeout, retries, backoff, max_backoff)
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self._policy.base_url,
            headers=self._policy.headers,
            timeout=self._policy.timeout,
            transport=transport,
        )

    def _send(self, call: _Call[M]) -> M:
        request_id = uuid.uuid4().hex  # the same for every retry of one call
        for attempt in range(self._policy.retries + 1):
            last = attempt == self._policy.retries
            try:
                response = self._http.request(**self._policy.request(call, request_id))
            except httpx.TransportError as error:
                if last:
                    raise self._policy.unreachable(call, error) from error
                self._sleep(self._policy.delay(attempt, None))
                continue
            if last or not self._policy.retryable(response):
                return self._policy.parse(call, response)
            self._sleep(self._policy.delay(attempt, response))
        raise AssertionError("unreachable")  # pragma: no cover

    def screen(self, referral: ReferralLike, *, explain: Explain = "summary") -> Decision:
        """Screen one referral (a ``Referral`` or its JSON as a mapping)."""
        return self._send(_Calls.screen(referral, explain))

    def screen_batch(
        self, referrals: Sequence[ReferralLike], *, explain: Explain = "summary"
    ) -> BatchResponse:
        """Screen several referrals; each result has a decision or its own problem."""
        return self._send(_Calls.screen_batch(referrals, explain))

    def ruleset(self) -> RulesetInfo:
        return self._send(_Call("GET", "/v1/ruleset", RulesetInfo))

    def rules(self, *, status: str | None = None, domain: str | None = None) -> RuleCatalogue:
        return self._send(_Calls.rules(status, domain))

    def rule(self, rule_id: str) -> RuleDetail:
        return self._send(_Call("GET", f"/v1/rules/{quote(rule_id, safe='')}", RuleDetail))

    def pathways(self) -> PathwayCatalogue:
        return self._send(_Call("GET", "/v1/pathways", PathwayCatalogue))

    def indicators(self) -> IndicatorCatalogue:
        return self._send(_Call("GET", "/v1/indicators", IndicatorCatalogue))

    def reload(self) -> ReloadResult:
        """Ask the service to reload its rules (needs the ``admin`` scope)."""
        return self._send(_Call("POST", "/v1/admin/reload", ReloadResult))

    def health(self) -> Health:
        return self._send(_Call("GET", "/healthz", Health))

    def ready(self) -> Readiness:
        return self._send(_Call("GET", "/readyz", Readiness))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncScreeningClient:
    """The asyncio twin of ``ScreeningClient``, with the same methods to ``await``."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.2,
        max_backoff: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._policy = _Policy(base_url, api_key, timeout, retries, backoff, max_backoff)
        self._http = httpx.AsyncClient(
            base_url=self._policy.base_url,
            headers=self._policy.headers,
            timeout=self._policy.timeout,
            transport=transport,
        )

    async def _send(self, call: _Call[M]) -> M:
        request_id = uuid.uuid4().hex
        for attempt in range(self._policy.retries + 1):
            last = attempt == self._policy.retries
            try:
                response = await self._http.request(**self._policy.request(call, request_id))
            except httpx.TransportError as error:
                if last:
                    raise self._policy.unreachable(call, error) from error
                await asyncio.sleep(self._policy.delay(attempt, None))
                continue
            if last or not self._policy.retryable(response):
                return self._policy.parse(call, response)
            await asyncio.sleep(self._policy.delay(attempt, response))
        raise AssertionError("unreachable")  # pragma: no cover

    async def screen(self, referral: ReferralLike, *, explain: Explain = "summary") -> Decision:
        return await self._send(_Calls.screen(referral, explain))

    async def screen_batch(
        self, referrals: Sequence[ReferralLike], *, explain: Explain = "summary"
    ) -> BatchResponse:
        return await self._send(_Calls.screen_batch(referrals, explain))

    async def ruleset(self) -> RulesetInfo:
        return await self._send(_Call("GET", "/v1/ruleset", RulesetInfo))

    async def rules(self, *, status: str | None = None, domain: str | None = None) -> RuleCatalogue:
        return await self._send(_Calls.rules(status, domain))

    async def rule(self, rule_id: str) -> RuleDetail:
        return await self._send(_Call("GET", f"/v1/rules/{quote(rule_id, safe='')}", RuleDetail))

    async def pathways(self) -> PathwayCatalogue:
        return await self._send(_Call("GET", "/v1/pathways", PathwayCatalogue))

    async def indicators(self) -> IndicatorCatalogue:
        return await self._send(_Call("GET", "/v1/indicators", IndicatorCatalogue))

    async def reload(self) -> ReloadResult:
        return await self._send(_Call("POST", "/v1/admin/reload", ReloadResult))

    async def health(self) -> Health:
        return await self._send(_Call("GET", "/healthz", Health))

    async def ready(self) -> Readiness:
        return await self._send(_Call("GET", "/readyz", Readiness))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
