import screening_api


def test_all_is_sorted_and_complete() -> None:
    assert screening_api.__all__ == sorted(screening_api.__all__)
    assert screening_api.__all__ == [
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
    for name in screening_api.__all__:
        assert hasattr(screening_api, name), name


def test_error_tree() -> None:
    for error in (
        screening_api.RulesetError,
        screening_api.ReferralError,
        screening_api.RuleTestError,
        screening_api.ConfigurationError,
    ):
        assert issubclass(error, screening_api.ScreeningError)
