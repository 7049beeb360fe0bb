"""API keys: made at random, stored as salted SHA-256 hashes, checked in constant time.

A key reads ``<id>.<secret>``: the id (not secret) picks the settings entry to compare with,
and appears in logs so operators can tell callers apart. The secret holds 256 random bits, so a
single salted SHA-256 is enough: key stretching (PBKDF2, scrypt) defends guessable passwords,
and would only add milliseconds to every request here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ApiKeyEntry", "KeyRing", "NewKey", "Scope", "create_key", "hash_key"]

KEY_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"
_SECRET_BYTES = 32


class Scope(StrEnum):
    """What a key may do. Scopes are independent: ``admin`` does not imply ``screen``."""

    SCREEN = "screen"
    READ = "read"
    ADMIN = "admin"


class ApiKeyEntry(BaseModel):
    """A key as the settings hold it: never the key itself, only its salted hash."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=KEY_ID_PATTERN)]
    salt: Annotated[str, Field(pattern=r"^[0-9a-f]{32,128}$")]
    hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    algorithm: Literal["sha256"] = "sha256"
    scopes: Annotated[frozenset[Scope], Field(min_length=1)]


def hash_key(key: str, salt: str) -> str:
    """The stored form of a key: hex SHA-256 of the salt's bytes followed by the key's UTF-8."""
    return hashlib.sha256(bytes.fromhex(salt) + key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewKey:
    """A freshly made key: ``key`` is shown once; ``entry`` goes into the settings."""

    key: str
    entry: ApiKeyEntry


def create_key(key_id: str, scopes: Iterable[Scope]) -> NewKey:
    """Make a random key for ``key_id`` with ``scopes``."""
    key = f"{key_id}.{secrets.token_urlsafe(_SECRET_BYTES)}"
    salt = secrets.token_hex(16)
    entry = ApiKeyEntry(id=key_id, salt=salt, hash=hash_key(key, salt), scopes=frozenset(scopes))
    return NewKey(key=key, entry=entry)


# Compared against when a key names an unknown id, so both paths do the same work.
_DECOY = ApiKeyEntry(id="decoy", salt="0" * 32, hash="0" * 64, scopes=frozenset({Scope.READ}))


class KeyRing:
    """The configured keys, looked up by id and verified in constant time."""

    def __init__(self, entries: Iterable[ApiKeyEntry]) -> None:
        self._entries: Mapping[str, ApiKeyEntry] = {entry.id: entry for entry in entries}

    @property
    def enabled(self) -> bool:
        """False when no key is configured: the service is open and binds to loopback only."""
        return bool(self._entries)

    def verify(self, presented: str) -> ApiKeyEntry | None:
        """The entry whose key was presented, or None."""
        key_id, dot, _ = presented.partition(".")
        entry = self._entries.get(key_id) if dot else None
        candidate = entry or _DECOY
        digest = hash_key(presented, candidate.salt)
        matches = hmac.compare_digest(digest, candidate.hash)
        return entry if matches and entry is not None else None
