"""One page of a long listing (documents found, the event log), and how to cut it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """``items`` is page ``number`` (from 1) of ``total`` rows, ``per_page`` to a page."""

    items: list[T]
    number: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def paginate(session: Session, query: Select[Any], *, page: int, per_page: int) -> Page[Any]:
    """Count the query's rows and fetch page ``page`` of them (ordered as the query is)."""
    page = max(1, page)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, total, per_page)
