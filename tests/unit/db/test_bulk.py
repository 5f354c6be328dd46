"""BulkInsert: many rows straight to the driver, converted as Core would convert them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from verifier.db.bulk import BulkInsert
from verifier.db.models import Holder, Institution, table
from verifier.runtime import Runtime

TASHKENT = dt.timezone(dt.timedelta(hours=5))


def test_rows_read_back_exactly_as_core_inserts_them(runtime: Runtime) -> None:
    moment = dt.datetime(2024, 7, 5, 14, 30, 15, 123456, tzinfo=TASHKENT)
    rows = [("TATT", "Toshkent texnikumi", None, "Tashkent College", moment)]
    bulk = BulkInsert(table(Institution), ("code", "name_uz", "name_ru", "name_en", "created_at"))
    with runtime.database.transaction() as session:
        bulk.execute(session.connection(), rows)
        session.execute(
            insert(table(Institution)),
            [dict(zip(bulk.columns, ("SAMT", *rows[0][1:]), strict=True))],
        )
    with runtime.database.session() as session:
        ours, cores = session.scalars(select(Institution).order_by(Institution.code.desc()))
        assert (ours.name_uz, ours.name_ru, ours.name_en, ours.created_at) == (
            cores.name_uz,
            cores.name_ru,
            cores.name_en,
            cores.created_at,
        )
        assert ours.created_at == moment


def test_repeated_values_are_each_stored(runtime: Runtime) -> None:
    birth_dates = [dt.date(2003, 4, 17), dt.date(2003, 4, 17), dt.date(1999, 12, 31)]
    bulk = BulkInsert(
        table(Holder), ("identity_key", "surname", "given_name", "patronymic", "birth_date")
    )
    with runtime.database.transaction() as session:
        bulk.execute(
            session.connection(),
            ((f"key{i}", "Qodirov", "Aziz", None, day) for i, day in enumerate(birth_dates)),
        )
    with runtime.database.session() as session:
        stored = session.scalars(select(Holder.birth_date).order_by(Holder.identity_key))
        assert list(stored) == birth_dates


def test_no_rows_writes_nothing(runtime: Runtime) -> None:
    bulk = BulkInsert(table(Holder), ("identity_key", "surname", "given_name", "birth_date"))
    with runtime.database.transaction() as session:
        bulk.execute(session.connection(), [])
    with runtime.database.session() as session:
        assert session.scalars(select(Holder)).first() is None


def test_a_failed_insert_rolls_back_with_the_transaction(runtime: Runtime) -> None:
    bulk = BulkInsert(table(Holder), ("identity_key", "surname", "given_name", "birth_date"))
    row = ("same-key", "Qodirov", "Aziz", dt.date(2003, 4, 17))
    with pytest.raises(IntegrityError), runtime.database.transaction() as session:
        bulk.execute(session.connection(), [row, row])
    with runtime.database.session() as session:
        assert session.scalars(select(Holder)).first() is None


def test_an_unknown_column_is_refused_when_defined() -> None:
    with pytest.raises(ValueError, match="holders has no column"):
        BulkInsert(table(Holder), ("identity_key", "nickname"))
