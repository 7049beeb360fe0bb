"""screening-api: referral-point extra-familial harm screening with transparent YAML rules."""

__version__ = "0.1.0"

from screening_api.decision import Decision
from screening_api.engine.ruleset import RuleSet, load_ruleset
from screening_api.errors import (
    ConfigurationError,
    Finding,
    Problem,
    ReferralError,
    RulesetError,
    RuleTestError,
    ScreeningError,
    Severity,
)
from screening_api.referral import Referral
from screening_api.screening import screen

__all__ = [
    "ConfigurationError",
    "Decision",
    "Finding",
    "Problem",
    "Referral",
    "ReferralError",
    "RuleSet",
    "RuleTestError",
    "RulesetError",
    "ScreeningError",
    "Severity",
    "__version__",
    "load_ruleset",
    "screen",
]
