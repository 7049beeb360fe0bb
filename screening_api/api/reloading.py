"""What triggers a reload: the admin route, SIGHUP, and (optionally) a change in the rules folder.

All three call ``reload_rules``, which does the blocking load in a worker thread so requests
keep being answered, and counts every attempt in the metrics.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from pathlib import Path

import anyio
import anyio.to_thread

from screening_api.api.catalogue import identity
from screening_api.api.schemas import ReloadResult
from screening_api.api.service import Service
from screening_api.api.snapshot import ReloadTrigger
from screening_api.errors import RulesetError
from screening_api.resources import bundled_rules

__all__ = ["reload_on_hangup", "reload_rules", "rules_fingerprint", "watch_rules"]

logger = logging.getLogger("screening_api.api.reload")

Fingerprint = tuple[tuple[str, int, int, int], ...]


async def reload_rules(service: Service, trigger: ReloadTrigger) -> ReloadResult:
    """Reload and swap; raises ``RulesetError`` (nothing changed) when the rules have errors."""
    try:
        swap = await anyio.to_thread.run_sync(service.store.reload, trigger)
    except RulesetError:
        service.metrics.observe_reload(trigger, succeeded=False)
        raise
    service.metrics.observe_reload(trigger, succeeded=True)
    service.metrics.serving(swap.current)
    return ReloadResult(
        reloaded=True,
        changed=swap.changed,
        previous=identity(swap.previous.ruleset),
        current=identity(swap.current.ruleset),
        warnings=len(swap.current.ruleset.warnings),
    )


async def _reload_quietly(service: Service, trigger: ReloadTrigger) -> None:
    # The store has logged every finding; the old rules still serve.
    with contextlib.suppress(RulesetError):
        await reload_rules(service, trigger)


def can_handle_signals() -> bool:
    """Signal handlers can only be set from the main thread (not under a test client)."""
    return threading.current_thread() is threading.main_thread()


async def reload_on_hangup(service: Service) -> None:
    """Reload whenever the process receives SIGHUP; runs until cancelled."""
    with anyio.open_signal_receiver(signal.SIGHUP) as signals:
        async for _ in signals:
            logger.info("SIGHUP received: reloading rules", extra={"event": "sighup"})
            await _reload_quietly(service, ReloadTrigger.SIGNAL)


def rules_fingerprint(root: Path) -> Fingerprint:
    """Path, modification time, size and inode of every YAML file under ``root``."""
    entries = []
    try:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".yaml", ".yml") and path.is_file():
                stat = path.stat()
                entries.append((str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino))
    except OSError:
        return (("(unreadable)", 0, 0, 0),)
    return tuple(entries)


async def watch_rules(service: Service, interval: float) -> None:
    """Poll the rules folder every ``interval`` seconds; reload once a change has settled.

    A change is acted on when two polls in a row agree, so a policy owner's editor writing
    several files is read once, after it has finished. Runs until cancelled.
    """
    root = service.store.rules_dir or bundled_rules()
    seen = await anyio.to_thread.run_sync(rules_fingerprint, root)
    while True:
        await anyio.sleep(interval)
        now = await anyio.to_thread.run_sync(rules_fingerprint, root)
        if now == seen:
            continue
        await anyio.sleep(interval)
        settled = await anyio.to_thread.run_sync(rules_fingerprint, root)
        if settled != now:
            continue  # still being written: look again next time
        seen = settled
        logger.info("rules folder changed: reloading rules", extra={"event": "rules_changed"})
        await _reload_quietly(service, ReloadTrigger.WATCH)
