"""Where the bundled rules live, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_rules() -> Path:
    """The default ruleset: inside the wheel (``_bundled/rules``) or the checkout's ``rules/``."""
    for candidate in (_PACKAGE / "_bundled" / "rules", _PACKAGE.parent / "rules"):
        if (candidate / "ruleset.yaml").is_file():
            return candidate
    return _PACKAGE.parent / "rules"
