"""Many-row INSERTs handed straight to the database driver.

Core's executemany builds a parameter dictionary for every row through the
statement compiler; issuing 100,000 documents spent more time there than in
the database itself. :class:`BulkInsert` takes rows as tuples in its column
order, converts only the columns whose type needs it, with SQLAlchemy's own
bind processors, and runs one driver ``executemany`` inside the caller's
transaction, so commits, rollbacks and errors behave as with Core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, Dialect, Table

Processor = Callable[[Any], Any]


class _Prepared(NamedTuple):
    sql: str
    processors: list[tuple[int, Processor]]


_MISSING = object()
# The positional placeholder of each DB-API paramstyle.
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": None, "named": None}


class BulkInsert:
    """``INSERT INTO table (columns) VALUES (...)`` for rows given as tuples."""

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        missing = [name for name in columns if name not in table.c]
        if missing:
            raise ValueError(f"{table.name} has no column(s) {', '.join(missing)}")
        self.table = table
        self.columns = tuple(columns)
        self._prepared: dict[str, _Prepared] = {}

    def _for(self, dialect: Dialect) -> _Prepared:
        prepared = self._prepared.get(dialect.name)
        if prepared is None:
            placeholder = _PLACEHOLDERS.get(dialect.paramstyle)
            if placeholder is None:
                raise NotImplementedError(f"paramstyle {dialect.paramstyle} is not supported")
            quote = dialect.identifier_preparer.quote
            # Only identifiers from our own table definition reach this text.
            sql = (
                f"INSERT INTO {quote(self.table.name)} "  # noqa: S608  # nosec B608
                f"({', '.join(quote(name) for name in self.columns)}) "
                f"VALUES ({', '.join(placeholder for _ in self.columns)})"
            )
            processors: list[tuple[int, Processor]] = []
            for index, name in enumerate(self.columns):
                column_type = self.table.c[name].type.dialect_impl(dialect)
                if (process := column_type.bind_processor(dialect)) is not None:
                    processors.append((index, process))
            prepared = self._prepared[dialect.name] = _Prepared(sql, processors)
        return prepared

    def execute(self, connection: Connection, rows: Iterable[Sequence[Any]]) -> None:
        sql, processors = self._for(connection.dialect)
        if processors:
            # Converted once per distinct value: a batch shares its moment of
            # recording, and a class its start, end and issue dates.
            seen: dict[tuple[int, Any], Any] = {}
            converted = []
            for row in rows:
                values = list(row)
                for index, process in processors:
                    key = (index, values[index])
                    if (value := seen.get(key, _MISSING)) is _MISSING:
                        value = seen[key] = process(values[index])
                    values[index] = value
                converted.append(tuple(values))
            rows = converted
        else:
            rows = [tuple(row) for row in rows]
        if rows:
            connection.exec_driver_sql(sql, rows)
