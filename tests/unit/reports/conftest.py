"""Reports of look-ups in a real registry (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pytest

from verifier.keys import lifecycle
from verifier.reports import service
from verifier.reports.service import Asked, Signatory, StoredReport
from verifier.runtime import Runtime
from verifier.verification.outcome import Outcome
from verifier.verification.service import verify_number

ISSUER = "Oʻrta maxsus, kasb-hunar taʼlimi markazi"
MakeReport = Callable[..., StoredReport]


def look_up(runtime: Runtime, number: str, surname: str) -> Outcome:
    with runtime.database.session() as session:
        return verify_number(session, number, surname=surname)


@pytest.fixture
def make_report(runtime: Runtime) -> MakeReport:
    """A report (or, given a signatory, a letter) of a look-up by number and surname.

    ``checked_at`` sets the look-up's clock, to make reports as they were made in the past.
    """

    def _make(
        number: str = "KT2400001",
        surname: str = "Gʻulomov",
        *,
        language: str = "en",
        days: int = 90,
        checked_at: dt.datetime | None = None,
        signatory: Signatory | None = None,
        reference: str | None = None,
        note: str | None = None,
        outcome: Outcome | None = None,
        asked: Asked | None = None,
    ) -> StoredReport:
        answer = outcome or look_up(runtime, number, surname)
        if checked_at is not None:
            answer = replace(answer, checked_at=checked_at)
        question = asked or Asked(answer.number or number, surname)
        with runtime.database.transaction() as session:
            signer = lifecycle.load_signer(session, runtime.keystore)
            if signatory is None:
                return service.make_report(
                    session, answer, question, signer=signer, language=language,
                    issuer=ISSUER, days=days, actor="public",
                )  # fmt: skip
            return service.make_letter(
                session, answer, question, signatory=signatory, signer=signer,
                language=language, issuer=ISSUER, days=days, actor="staff@edu.uz",
                reference=reference, note=note,
            )  # fmt: skip

    return _make
