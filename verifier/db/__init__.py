"""Engine and sessions for SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on. Its Python driver normally opens
transactions lazily and deferred, so a read-then-write transaction can fail
with "database is locked" when another writer slipped in between; write
sessions therefore start with ``BEGIN IMMEDIATE`` and wait their turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from verifier.errors import DatabaseUnavailable

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the per-backend settings this service relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    # No pool_pre_ping: it costs a round trip per request. A connection that died
    # with a server restart fails once, is answered as `error` (503) and dropped.
    return create_engine(url, pool_recycle=1800, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # Imports write 100,000s of rows into indexes of random keys (name keys,
        # event hashes): a 2 MB page cache missed on nearly every insert, and a
        # checkpoint every 1,000 pages (4 MB) rewrote the same index pages each
        # chunk. 32 MB of cache and 32 MB of WAL between checkpoints.
        cursor.execute("PRAGMA cache_size = -32000")
        cursor.execute("PRAGMA wal_autocheckpoint = 8192")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Reads run in autocommit: a look-up is one or two SELECTs, and an
        # explicit BEGIN/ROLLBACK pair per request cost a third of its time.
        if connection.get_execution_options().get("sqlite_immediate", False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine plus session factories for reading and for writing."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.engine = make_engine(url, **engine_kwargs)
        writer = self.engine.execution_options(sqlite_immediate=True)
        # Public look-ups read one row. On PostgreSQL they get a pool of autocommit
        # connections, which saves the BEGIN and ROLLBACK round trips around it;
        # SQLite reads are autocommit already (see the "begin" hook).
        self.lookup_engine = (
            self.engine
            if self.engine.dialect.name == "sqlite"
            else make_engine(url, isolation_level="AUTOCOMMIT", **engine_kwargs)
        )
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(writer, expire_on_commit=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    def session(self) -> Session:
        """A session for reading; the caller closes it."""
        return self._reader()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write session that commits on success and rolls back on any error."""
        with self._writer() as session, session.begin():
            yield session

    def ping(self) -> None:
        """Raise :class:`DatabaseUnavailable` unless a trivial query answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise DatabaseUnavailable("database_unavailable") from exc

    def dispose(self) -> None:
        self.engine.dispose()
        self.lookup_engine.dispose()
