"""Settings read from ``VERIFIER_*`` environment variables.

Defaults are safe for a developer's laptop; ``VERIFIER_ENV=production`` refuses
to start with the development secret, a missing base URL or an anonymous
operator, so a forgotten variable fails loudly instead of signing documents for
``http://127.0.0.1`` or answering the public in nobody's name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from verifier.errors import ConfigurationError

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105 - refused in production
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_RATELIMIT = "60/minute;2000/day"
DEFAULT_NUMBER_FAILURES = "10/hour"
DEFAULT_REPORT_DAYS = 90  # an official report's validity (VERIFIER_REPORT_DAYS)
DEFAULT_INQUIRY_WORKING_DAYS = 10  # an inquiry's answer is due (VERIFIER_INQUIRY_WORKING_DAYS)
# New inquiries per client (VERIFIER_INQUIRY_RATELIMIT), within the public budget.
DEFAULT_INQUIRY_RATELIMIT = "5/hour;20/day"


ENVIRONMENTS = frozenset({"development", "test", "production"})
MIN_SECRET_LENGTH = 32
MIN_PASSPHRASE = 16
# Secrets anyone can read: ours, Flask's documentation's, and other placeholders.
KNOWN_SECRETS = frozenset(
    {
        DEV_SECRET_KEY,
        "dev",
        "secret",
        "changeme",
        "change-me",
        '_5#y2L"F4Q8z\\n\\xec]/',
        "192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf",
    }
)
# Bits of entropy estimated from the character classes and distinct characters
# used: 32 random URL-safe characters give ~190 bits; "a" * 32 gives 0.
MIN_SECRET_BITS = 128


def weak_secret(secret: str) -> bool:
    """True for a secret that is short, published, or far from random."""
    import math

    if len(secret) < MIN_SECRET_LENGTH or secret.strip().lower() in {
        known.lower() for known in KNOWN_SECRETS
    }:
        return True
    distinct = len(set(secret))
    if distinct < 12:  # repeated characters, "abab...", a short word repeated
        return True
    counts = [secret.count(c) for c in set(secret)]
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts)
    return per_char * len(secret) < MIN_SECRET_BITS


def default_instance_dir() -> Path:
    """Where the SQLite file and other local state live unless told otherwise."""
    return Path(os.environ.get("VERIFIER_INSTANCE_DIR", Path.cwd() / "instance")).resolve()


OPERATOR_LANGUAGES = ("uz", "ru", "en")


@dataclass(frozen=True)
class Operator:
    """Who runs this installation and answers for its answers, shown on every public page.

    Texts that people read in their language are ``{language: text}``; a language
    left out falls back to Uzbek, then to any given. Nothing configured (the
    default) is the demonstration operator, which the pages say plainly.
    """

    name: Mapping[str, str] = field(default_factory=dict)
    legal_basis: Mapping[str, str] = field(default_factory=dict)
    address: Mapping[str, str] = field(default_factory=dict)
    contact: str = ""
    privacy_url: str = ""

    @property
    def is_demo(self) -> bool:
        return not self.name

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Operator:
        return cls(
            name=_per_language(env, "VERIFIER_OPERATOR_NAME"),
            legal_basis=_per_language(env, "VERIFIER_OPERATOR_LEGAL_BASIS"),
            address=_per_language(env, "VERIFIER_OPERATOR_ADDRESS"),
            contact=" ".join(env.get("VERIFIER_OPERATOR_CONTACT", "").split()),
            privacy_url=env.get("VERIFIER_PRIVACY_URL", "").strip(),
        )


def in_language(texts: Mapping[str, str], language: str) -> str:
    """``texts`` in ``language``, else in Uzbek, else in any language given, else ``""``."""
    return texts.get(language) or texts.get("uz") or next(iter(texts.values()), "")


def _per_language(env: Mapping[str, str], variable: str) -> dict[str, str]:
    """``VARIABLE_UZ``, ``_RU``, ``_EN``, each falling back to plain ``VARIABLE``."""
    common = " ".join(env.get(variable, "").split())
    texts = {
        language: " ".join(env.get(f"{variable}_{language.upper()}", "").split()) or common
        for language in OPERATOR_LANGUAGES
    }
    return {language: text for language, text in texts.items() if text}


@dataclass(frozen=True)
class Settings:
    database_url: str
    base_url: str = DEFAULT_BASE_URL
    keys_dir: Path = field(default_factory=lambda: Path("keys").resolve())
    key_passphrase: bytes | None = None
    secret_key: str = DEV_SECRET_KEY
    ratelimit: str = DEFAULT_RATELIMIT
    ratelimit_storage_url: str = "memory://"
    number_failures: str = DEFAULT_NUMBER_FAILURES
    env: str = "development"
    instance_dir: Path = field(default_factory=default_instance_dir)
    operator: Operator = field(default_factory=Operator)
    report_days: int = DEFAULT_REPORT_DAYS
    inquiry_working_days: int = DEFAULT_INQUIRY_WORKING_DAYS
    inquiry_ratelimit: str = DEFAULT_INQUIRY_RATELIMIT
    # Where mail to requesters goes: smtp://host:port or smtps://user:password@host:port;
    # empty: written to the log (development).
    smtp_url: str = ""
    mail_from: str = "verifier@localhost"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        instance_dir = Path(env.get("VERIFIER_INSTANCE_DIR", "instance")).resolve()
        database_url = env.get("VERIFIER_DATABASE_URL") or (
            f"sqlite:///{instance_dir / 'verifier.sqlite3'}"
        )
        passphrase = env.get("VERIFIER_KEY_PASSPHRASE")
        settings = cls(
            database_url=database_url,
            base_url=env.get("VERIFIER_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
            keys_dir=Path(env.get("VERIFIER_KEYS_DIR", "keys")).resolve(),
            key_passphrase=passphrase.encode() if passphrase else None,
            secret_key=env.get("VERIFIER_SECRET_KEY", DEV_SECRET_KEY),
            ratelimit=env.get("VERIFIER_RATELIMIT", DEFAULT_RATELIMIT),
            ratelimit_storage_url=env.get("VERIFIER_RATELIMIT_STORAGE_URL", "memory://"),
            number_failures=env.get("VERIFIER_NUMBER_FAILURES", DEFAULT_NUMBER_FAILURES),
            env=env.get("VERIFIER_ENV", "development").strip().lower(),
            instance_dir=instance_dir,
            operator=Operator.from_env(env),
            report_days=_days(env.get("VERIFIER_REPORT_DAYS", str(DEFAULT_REPORT_DAYS))),
            inquiry_working_days=_days(
                env.get("VERIFIER_INQUIRY_WORKING_DAYS", str(DEFAULT_INQUIRY_WORKING_DAYS)),
                "inquiry_days_not_number",
            ),
            inquiry_ratelimit=env.get("VERIFIER_INQUIRY_RATELIMIT", DEFAULT_INQUIRY_RATELIMIT),
            smtp_url=env.get("VERIFIER_SMTP_URL", "").strip(),
            mail_from=env.get("VERIFIER_MAIL_FROM", "").strip() or "verifier@localhost",
        )
        settings.check()
        return settings

    def with_overrides(self, **changes: object) -> Settings:
        updated = replace(self, **changes)  # type: ignore[arg-type]
        updated.check()
        return updated

    @property
    def is_production(self) -> bool:
        return self.env.strip().lower() == "production"

    def check(self) -> None:
        if self.env.strip().lower() not in ENVIRONMENTS:
            raise ConfigurationError(
                "unknown_environment", choices=", ".join(sorted(ENVIRONMENTS)), value=repr(self.env)
            )
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigurationError("base_url_scheme", value=repr(self.base_url))
        privacy_url = self.operator.privacy_url
        if privacy_url and not privacy_url.startswith(("http://", "https://")):
            raise ConfigurationError("privacy_url_scheme", value=repr(privacy_url))
        if not 1 <= self.report_days <= 3650:
            raise ConfigurationError("report_days_range", value=self.report_days)
        if not 1 <= self.inquiry_working_days <= 250:
            raise ConfigurationError("inquiry_days_range", value=self.inquiry_working_days)
        if self.smtp_url and not self.smtp_url.startswith(("smtp://", "smtps://")):
            raise ConfigurationError("smtp_url_scheme", value=repr(self.smtp_url))
        if self.is_production:
            if weak_secret(self.secret_key):
                raise ConfigurationError("production_secret_key")
            if self.base_url == DEFAULT_BASE_URL or not self.base_url.startswith("https://"):
                raise ConfigurationError("production_base_url")
            if self.key_passphrase is None or len(self.key_passphrase) < MIN_PASSPHRASE:
                raise ConfigurationError("production_passphrase", length=MIN_PASSPHRASE)
            if not self.operator.name or not self.operator.contact:
                raise ConfigurationError("production_operator")
            if privacy_url.startswith("http://"):
                raise ConfigurationError("production_privacy_url")


def _days(text: str, code: str = "report_days_not_number") -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ConfigurationError(code, value=repr(text)) from None
