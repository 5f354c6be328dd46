"""Create or upgrade the registry schema with the Alembic migrations shipped in the package.

A migration runs in one transaction, so a failed one leaves the schema as it
was. On SQLite, changing a column means rebuilding its table (Alembic's batch
mode), and dropping the old table of a referenced parent would delete or
refuse its children's rows (course lines cascade from documents). So, as
SQLite's own procedure for schema changes says, foreign keys are switched off
around the transaction and every reference is checked before it commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from verifier.db import Database
from verifier.errors import ConfigurationError

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def migrating(database: Database) -> Iterator[Connection]:
    """One transaction for Alembic; on SQLite, with foreign keys checked before it commits."""
    with database.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # takes effect only outside a transaction, hence before BEGIN
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            with connection.execution_options(sqlite_immediate=True).begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise ConfigurationError(
                            "migration_broken_references", count=len(broken), example=str(broken[0])
                        )
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()


def upgrade(database: Database) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    config = alembic_config(database.url)
    with migrating(database) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
