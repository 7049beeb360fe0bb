"""``create_app(settings)``: the FastAPI application, its rules loaded and its routes mounted."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import anyio
from fastapi import FastAPI

from screening_api import __version__
from screening_api.api.middleware import ObservabilityMiddleware
from screening_api.api.openapi import TAGS, install_openapi
from screening_api.api.reloading import can_handle_signals, reload_on_hangup, watch_rules
from screening_api.api.responses import install_problem_handlers
from screening_api.api.routes import admin, health, rules, screening
from screening_api.api.service import Clock, IdMaker, Service
from screening_api.api.settings import Settings
from screening_api.engine.ruleset import RuleSet

__all__ = ["create_app"]

logger = logging.getLogger("screening_api.api")


def _lifespan(service: Service) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = service.settings
        ruleset = service.store.current.ruleset
        logger.info(
            "screening service started",
            extra={
                "event": "started",
                "version": __version__,
                "ruleset_id": ruleset.id,
                "ruleset_version": ruleset.version,
                "ruleset_sha256": ruleset.sha256,
                "ruleset_warnings": len(ruleset.warnings),
                "api_keys": len(settings.api_keys),
            },
        )
        if not service.keyring.enabled:
            logger.warning(
                "no API keys configured: every request is allowed; serve on loopback only",
                extra={"event": "open_access"},
            )
        async with anyio.create_task_group() as tasks:
            if settings.reload_on_sighup and can_handle_signals():
                tasks.start_soon(reload_on_hangup, service)
            if settings.watch_rules_seconds > 0:
                tasks.start_soon(watch_rules, service, settings.watch_rules_seconds)
            yield
            tasks.cancel_scope.cancel()

    return lifespan


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, new_id: IdMaker | None = None
) -> FastAPI:
    """Build the service: load and compile the rules (``RulesetError`` if they are broken),
    then mount the routes. ``clock`` and ``new_id`` replace the wall clock and the decision
    id maker (tests pass fixed ones)."""
    settings = settings or Settings()
    service = Service.from_settings(settings, clock=clock, new_id=new_id)
    docs = settings.docs_enabled
    app = FastAPI(
        title="screening-api",
        version=__version__,
        openapi_tags=TAGS,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
        lifespan=_lifespan(service),
    )
    app.state.service = service
    install_problem_handlers(app)
    app.add_middleware(ObservabilityMiddleware, metrics=service.metrics)
    for module in (screening, rules, admin, health):
        app.include_router(module.router)

    def current_ruleset() -> RuleSet:
        return service.store.current.ruleset

    install_openapi(app, current_ruleset)
    return app
