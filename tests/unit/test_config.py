"""The production guard: case-insensitive, no unknown environments, no weak secrets."""

from __future__ import annotations

import secrets

import pytest

from verifier.config import DEV_SECRET_KEY, Settings
from verifier.errors import ConfigurationError

GOOD = {
    "VERIFIER_BASE_URL": "https://verify.edu.uz",
    "VERIFIER_SECRET_KEY": secrets.token_urlsafe(32),
    "VERIFIER_KEY_PASSPHRASE": secrets.token_urlsafe(16),
}


def test_a_strong_production_configuration_starts() -> None:
    assert Settings.from_env({**GOOD, "VERIFIER_ENV": "production"}).is_production


@pytest.mark.parametrize("spelling", ["Production", "PRODUCTION", " production "])
def test_production_is_recognised_in_any_case(spelling: str) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings.from_env({**GOOD, "VERIFIER_ENV": spelling, "VERIFIER_SECRET_KEY": DEV_SECRET_KEY})


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="VERIFIER_ENV must be one of"):
        Settings.from_env({**GOOD, "VERIFIER_ENV": "prod"})


@pytest.mark.parametrize(
    "secret",
    [DEV_SECRET_KEY, "a" * 32, "ab" * 32, "password" * 5, "0123456789" * 4, "short"],
    ids=["development default", "one repeated char", "two chars", "word", "digits", "short"],
)
def test_a_weak_secret_is_refused_in_production(secret: str) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings.from_env({**GOOD, "VERIFIER_ENV": "production", "VERIFIER_SECRET_KEY": secret})


def test_a_short_key_passphrase_is_refused_in_production() -> None:
    with pytest.raises(ConfigurationError, match="PASSPHRASE"):
        Settings.from_env({**GOOD, "VERIFIER_ENV": "production", "VERIFIER_KEY_PASSPHRASE": "x"})


def test_reports_are_valid_for_90_days_unless_configured() -> None:
    assert Settings.from_env({}).report_days == 90
    assert Settings.from_env({"VERIFIER_REPORT_DAYS": " 30 "}).report_days == 30


@pytest.mark.parametrize("days", ["0", "-5", "3651", "ninety", "1.5"])
def test_a_report_validity_that_is_not_1_to_3650_whole_days_is_refused(days: str) -> None:
    with pytest.raises(ConfigurationError, match="VERIFIER_REPORT_DAYS"):
        Settings.from_env({"VERIFIER_REPORT_DAYS": days})
