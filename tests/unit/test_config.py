"""The production guard (case-insensitive, no unknown environments, no weak secrets, no
anonymous operator) and the operator's identity read from the environment."""

from __future__ import annotations

import secrets

import pytest

from verifier.config import DEV_SECRET_KEY, Operator, Settings, in_language
from verifier.errors import ConfigurationError

GOOD = {
    "VERIFIER_BASE_URL": "https://verify.edu.uz",
    "VERIFIER_SECRET_KEY": secrets.token_urlsafe(32),
    "VERIFIER_KEY_PASSPHRASE": secrets.token_urlsafe(16),
    "VERIFIER_OPERATOR_NAME_UZ": "Oliy taʼlim vazirligi",
    "VERIFIER_OPERATOR_CONTACT": "verify@edu.uz, +998 71 000 00 00",
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


@pytest.mark.parametrize("missing", ["VERIFIER_OPERATOR_NAME_UZ", "VERIFIER_OPERATOR_CONTACT"])
def test_production_refuses_to_start_without_the_operators_name_and_contact(missing: str) -> None:
    env = {**GOOD, "VERIFIER_ENV": "production"}
    del env[missing]
    with pytest.raises(ConfigurationError, match="operator's name"):
        Settings.from_env(env)


def test_development_without_an_operator_starts_as_the_demo_operator() -> None:
    operator = Settings.from_env({}).operator
    assert operator.is_demo and operator == Operator()


def test_the_operators_name_is_read_per_language_with_uzbek_as_the_fallback() -> None:
    operator = Settings.from_env(
        {"VERIFIER_OPERATOR_NAME_UZ": "Vazirlik", "VERIFIER_OPERATOR_NAME_RU": "Министерство"}
    ).operator
    assert not operator.is_demo
    assert in_language(operator.name, "ru") == "Министерство"
    assert in_language(operator.name, "en") == "Vazirlik"


def test_one_legal_basis_serves_every_language_unless_one_is_given_per_language() -> None:
    operator = Settings.from_env(
        {
            "VERIFIER_OPERATOR_LEGAL_BASIS": "Qaror 123",
            "VERIFIER_OPERATOR_LEGAL_BASIS_EN": "Decree No. 123",
        }
    ).operator
    assert operator.legal_basis == {"uz": "Qaror 123", "ru": "Qaror 123", "en": "Decree No. 123"}


def test_operator_texts_are_kept_on_one_line() -> None:
    operator = Settings.from_env(
        {
            "VERIFIER_OPERATOR_ADDRESS": "  Toshkent,\n  Mustaqillik 1  ",
            "VERIFIER_OPERATOR_CONTACT": " a@b.uz ",
        }
    ).operator
    assert operator.address["en"] == "Toshkent, Mustaqillik 1" and operator.contact == "a@b.uz"


def test_a_privacy_url_that_is_not_a_web_address_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="VERIFIER_PRIVACY_URL"):
        Settings.from_env({"VERIFIER_PRIVACY_URL": "edu.uz/privacy"})


def test_production_needs_an_https_privacy_url() -> None:
    with pytest.raises(ConfigurationError, match="VERIFIER_PRIVACY_URL with https"):
        Settings.from_env(
            {**GOOD, "VERIFIER_ENV": "production", "VERIFIER_PRIVACY_URL": "http://edu.uz/p"}
        )


def test_reports_are_valid_for_90_days_unless_configured() -> None:
    assert Settings.from_env({}).report_days == 90
    assert Settings.from_env({"VERIFIER_REPORT_DAYS": " 30 "}).report_days == 30


@pytest.mark.parametrize("days", ["0", "-5", "3651", "ninety", "1.5"])
def test_a_report_validity_that_is_not_1_to_3650_whole_days_is_refused(days: str) -> None:
    with pytest.raises(ConfigurationError, match="VERIFIER_REPORT_DAYS"):
        Settings.from_env({"VERIFIER_REPORT_DAYS": days})
