"""The service's settings: defaults, then a settings file, then ``SCREENING_*`` variables."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from screening_api.api.keys import ApiKeyEntry
from screening_api.errors import ConfigurationError
from screening_api.referral import MAX_NARRATIVE_CHARS

__all__ = ["Limits", "Settings", "load_settings"]

ENV_PREFIX = "SCREENING_"


class Limits(BaseModel):
    """Bounds on what one request may ask of the service."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_bytes: Annotated[int, Field(ge=1024, le=64 * 1024 * 1024)] = 4 * 1024 * 1024
    max_json_depth: Annotated[int, Field(ge=4, le=256)] = 32
    max_narrative_chars: Annotated[int, Field(ge=1, le=MAX_NARRATIVE_CHARS)] = MAX_NARRATIVE_CHARS
    max_batch_items: Annotated[int, Field(ge=1, le=1000)] = 100
    request_timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 10.0


class Settings(BaseSettings):
    """Everything the HTTP service is configured with.

    Nested values come from the environment as JSON (``SCREENING_API_KEYS='[...]'``) or with a
    double underscore (``SCREENING_LIMITS__MAX_BATCH_ITEMS=50``).
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    rules_dir: Path | None = Field(
        default=None, description="The ruleset folder; the bundled rules when not set."
    )
    api_keys: tuple[ApiKeyEntry, ...] = Field(
        default=(),
        description="Hashed API keys (see `screening-api keys create`). With none, every "
        "request is allowed and the server binds to loopback only.",
    )
    limits: Limits = Limits()
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="Secret for keyed hashes (HMAC-SHA256) of referral ids in logs. Without "
        "it, referral ids are never logged.",
    )
    timezone: str = Field(
        default="Europe/London",
        description="The zone whose calendar date is 'today' when a referral has no as_of.",
    )
    watch_rules_seconds: Annotated[float, Field(ge=0)] = Field(
        default=0, description="Poll the rules folder for changes this often; 0 turns it off."
    )
    reload_on_sighup: bool = True
    metrics_public: bool = Field(
        default=True, description="Serve /metrics without a key; when false it needs 'read'."
    )
    docs_enabled: bool = True
    log_level: str = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # No .env or secrets-dir magic: values come from code, a named file or the environment.
        return (init_settings, env_settings)


def read_settings_file(path: Path) -> dict[str, Any]:
    """Read a settings file written as YAML, JSON or TOML (chosen by its suffix)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(f"cannot read settings file {path}: {error.strerror}") from None
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise ConfigurationError(f"settings file {path} is not well formed: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigurationError(f"settings file {path} must hold a mapping of settings")
    return data


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Settings from, by rising precedence: defaults, the file at ``path``, ``SCREENING_*``
    environment variables, then ``overrides``. Raises ``ConfigurationError`` naming each bad
    setting."""
    file_values = read_settings_file(path) if path is not None else {}

    class _WithFile(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, env_settings, InitSettingsSource(settings_cls, file_values))

    try:
        return _WithFile(**overrides)
    except (ValidationError, ValueError) as error:
        raise ConfigurationError(describe_settings_error(error)) from None


def describe_settings_error(error: Exception) -> str:
    if not isinstance(error, ValidationError):
        return f"settings are not valid: {error}"
    lines = [
        f"  {'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
        for item in error.errors(include_input=False, include_url=False)
    ]
    return "settings are not valid:\n" + "\n".join(lines)
