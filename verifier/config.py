"""Settings read from ``VERIFIER_*`` environment variables.

Defaults are safe for a developer's laptop; ``VERIFIER_ENV=production`` refuses
to start with the development secret or a missing base URL, so a forgotten
variable fails loudly instead of signing documents for ``http://127.0.0.1``.
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


def default_instance_dir() -> Path:
    """Where the SQLite file and other local state live unless told otherwise."""
    return Path(os.environ.get("VERIFIER_INSTANCE_DIR", Path.cwd() / "instance")).resolve()


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
            env=env.get("VERIFIER_ENV", "development"),
            instance_dir=instance_dir,
        )
        settings.check()
        return settings

    def with_overrides(self, **changes: object) -> Settings:
        updated = replace(self, **changes)  # type: ignore[arg-type]
        updated.check()
        return updated

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    def check(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigurationError(
                f"VERIFIER_BASE_URL must start with http:// or https://: {self.base_url!r}"
            )
        if self.is_production:
            if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32:
                raise ConfigurationError(
                    "VERIFIER_ENV=production needs VERIFIER_SECRET_KEY: "
                    "at least 32 random characters"
                )
            if self.base_url == DEFAULT_BASE_URL or not self.base_url.startswith("https://"):
                raise ConfigurationError(
                    "VERIFIER_ENV=production needs VERIFIER_BASE_URL with https:// "
                    "(it is printed in every QR code)"
                )
            if self.key_passphrase is None:
                raise ConfigurationError(
                    "VERIFIER_ENV=production needs VERIFIER_KEY_PASSPHRASE to encrypt signing keys"
                )
