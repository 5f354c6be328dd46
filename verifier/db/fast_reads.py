"""One prebuilt SELECT run straight on a pooled driver connection: the look-up's fast path.

A public look-up is read-only and touches one row, so it skips the ORM
(identity map, instance state) and even Core's execution and connection
wrapping, which cost several times the query itself on the QR landing page
and the JSON look-up. :class:`FastQuery` compiles its statement once per
dialect, runs it on a raw pooled connection and converts the values with
SQLAlchemy's own result processors, so it returns exactly what Core would.
A driver error is raised as SQLAlchemy's ``DBAPIError``, as Core would, and
the connection is dropped from the pool.

The plain version (Core ``connection.execute`` of the same statement) is the
reference in tests/unit/db/test_fast_reads.py.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Select
from sqlalchemy.exc import DBAPIError


class FastQuery:
    """``statement`` (one bind parameter named ``parameter``) on ``engine``, one row at a time."""

    def __init__(self, engine: Engine, statement: Select[Any], parameter: str) -> None:
        self.engine = engine
        dialect = engine.dialect
        self._error = dialect.loaded_dbapi.Error
        compiled = statement.compile(dialect=dialect)
        self._sql = str(compiled)
        self._parameter = parameter
        self._positional = compiled.positional
        processors = (
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        )
        self._processors = [(i, p) for i, p in enumerate(processors) if p is not None]

    def one(self, value: object) -> list[Any] | None:
        """The first row for ``value``, converted as Core converts it; None if there is none."""
        parameters: Any = (value,) if self._positional else {self._parameter: value}
        try:
            connection = self.engine.raw_connection()
        except self._error as exc:
            raise DBAPIError.instance(self._sql, parameters, exc, self._error) from exc
        try:
            cursor = connection.cursor()
            cursor.execute(self._sql, parameters)
            row = cursor.fetchone()
            cursor.close()
        except self._error as exc:
            connection.invalidate(exc)
            raise DBAPIError.instance(self._sql, parameters, exc, self._error) from exc
        finally:
            connection.close()
        if row is None:
            return None
        values = list(row)
        for index, process in self._processors:
            values[index] = process(values[index])
        return values
