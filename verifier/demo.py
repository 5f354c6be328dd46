"""Sample institutions and documents for trying the service (``verifier demo``).

Names are real Uzbek names in Latin (with oʻ and gʻ) and in Cyrillic, as older
paper has them; one document is revoked and one superseded by a duplicate. The
college's older diplomas are archive records, transcribed from its issue books,
some of them partial as old books are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from verifier.archive import service as archive
from verifier.db.models import Institution
from verifier.documents import registry
from verifier.documents.parse import parse_record
from verifier.documents.record import Record
from verifier.inquiries import service as inquiries
from verifier.inquiries.requests import InquiryRequest
from verifier.inquiries.service import Letters, Received
from verifier.signing.keys import Signer

COLLEGE = "TATT"
INSTITUTE = "AVLONIY"

_PEOPLE = [
    ("Gʻulomov", "Abdulla", "Rustam oʻgʻli", "2003-04-17"),
    ("Yoʻldosheva", "Dilnoza", "Baxtiyor qizi", "2003-09-02"),
    ("Qodirov", "Jasur", "Olim oʻgʻli", "2002-12-25"),
    ("Ҳолматов", "Шерзод", "Алишер ўғли", "2003-01-30"),
    ("Toʻxtayeva", "Madina", "Ravshan qizi", "2003-06-11"),
    ("Ergashev", "Sardor", "Ulugʻbek oʻgʻli", "2002-08-08"),
    ("Неъматова", "Гулноза", "Фарҳод қизи", "2003-03-21"),
    ("Oʻrinboyev", "Bekzod", "Shuhrat oʻgʻli", "2003-11-05"),
    ("Rahimova", "Nilufar", "Akmal qizi", "2002-05-14"),
    ("Жўраев", "Ойбек", "Зафар ўғли", "2003-07-19"),
    ("Xoʻjayev", "Otabek", "Gʻayrat oʻgʻli", "2003-02-27"),
    ("Ismoilova", "Shahnoza", "Doniyor qizi", "2003-10-09"),
]
_PROGRAM = {
    "program_code": "60610500",
    "program_name": "Kompyuter injiniringi (Kompyuter tizimlari va dasturiy taʼminot)",
    "qualification": "Kompyuter tizimlari texnigi",
    "study_form": "kunduzgi",
    "start_date": "2021-09-01",
    "end_date": "2024-06-28",
    "issue_date": "2024-07-05",
}
_COURSES = [
    ("Oʻzbek tili va adabiyoti", 144, "5"),
    ("Oliy matematika", 216, "4"),
    ("Dasturlash asoslari (Python)", 288, "5"),
    ("Maʼlumotlar bazalari", 180, "5"),
    ("Kompyuter tarmoqlari", 144, "4"),
    ("Operatsion tizimlar", 108, "4"),
    ("Elektronika va sxemotexnika", 144, "3"),
    ("Ingliz tili", 216, "5"),
    ("Malakaviy amaliyot", 320, "5"),
    ("Bitiruv malakaviy ishi", 72, "5"),
]
_TEACHERS = [
    ("Karimova", "Zulfiya", "Anvar qizi", "1985-02-14"),
    ("Сабиров", "Бахтиёр", "Икромович", "1979-11-03"),
    ("Yusupov", "Aziz", "Hamid oʻgʻli", "1990-06-21"),
    ("Normatova", "Feruza", "Ilhom qizi", "1988-09-30"),
    ("Шодмонов", "Улуғбек", "Ғанижон ўғли", "1983-04-08"),
    ("Abdullayeva", "Saodat", "Erkin qizi", "1992-12-12"),
]


def _records() -> list[Record]:
    raw: list[dict[str, Any]] = []
    for index, (surname, given, patronymic, born) in enumerate(_PEOPLE, start=1):
        person = {
            "surname": surname,
            "given_name": given,
            "patronymic": patronymic,
            "birth_date": born,
            "institution": COLLEGE,
            **_PROGRAM,
        }
        diploma_number = f"KT{2400100 + index:07d}"
        raw.append(
            {"type": "diploma", "number": diploma_number, "honors": index % 4 == 0, **person}
        )
        shift = index % len(_COURSES)
        raw.append(
            {
                "type": "transcript",
                "number": f"KTI{2400100 + index:07d}",
                "diploma_number": diploma_number,
                **person,
                "courses": [
                    {
                        "name": name,
                        "hours": hours,
                        "grade": str(max(3, int(grade) - (i + shift) % 2)),
                    }
                    for i, (name, hours, grade) in enumerate(_COURSES)
                ],
            }
        )
    for index, (surname, given, patronymic, born) in enumerate(_TEACHERS, start=1):
        raw.append(
            {
                "type": "certificate",
                "number": f"MO{2500200 + index:07d}",
                "surname": surname,
                "given_name": given,
                "patronymic": patronymic,
                "birth_date": born,
                "institution": INSTITUTE,
                "course_name": "Kasbiy taʼlimda raqamli pedagogik texnologiyalar",
                "hours": 144,
                "start_date": "2025-02-03",
                "end_date": "2025-02-28",
                "issue_date": "2025-03-03",
            }
        )
    records = []
    for row, values in enumerate(raw, start=1):
        parsed = parse_record(values, row)
        if isinstance(parsed, list):  # the sample data is ours: a bad row is a bug here
            raise AssertionError("; ".join(map(str, parsed)))
        records.append(parsed)
    return records


# Issued before the registry: what the college's issue books say (row, values).
_ARCHIVE: list[dict[str, Any]] = [
    {
        "type": "diploma", "number": "KT 1200457", "surname": "Ergashev",
        "given_name": "Bobur", "patronymic": "Hamid oʻgʻli", "institution": COLLEGE,
        "program_name": "Kompyuter tarmoqlari", "qualification": "Texnik",
        "issue_year": 2012, "source": "Issue book 2009-2012, p. 47, entry 12",
        "checked_by": "N. Karimova",
    },
    {
        "type": "diploma", "number": "KT 1200458", "surname": "Саидова",
        "given_name": "Малика", "institution": COLLEGE, "birth_date": "1993-05-04",
        "issue_date": "2012-06-29", "source": "Issue book 2009-2012, p. 47, entry 13",
    },
    {
        "type": "diploma", "number": "KT 0800112", "surname": "Xolmatov",
        "given_name": "Rustam", "institution": COLLEGE, "program_code": "3521000",
        "program_name": "Hisoblash texnikasi", "issue_year": 2008,
        "source": "Issue book 2005-2009, p. 112, entry 4",
    },
]  # fmt: skip
ARCHIVE_NUMBER = "KT1200457"

# A formal inquiry about a diploma of 2009 that no issue book transcribed yet: it
# waits in the college's workspace queue.
_INQUIRY: dict[str, Any] = {
    "requester": {
        "kind": "ministry", "organisation": "Bundesministerium (demonstration)",
        "country": "DE", "name": "Anna Schmidt", "email": "anna.schmidt@example.org",
        "reference": "508-2026/117",
    },
    "document": {
        "number": "KT 0900231", "surname": "Yusupova", "given_name": "Dilnoza",
        "institution": COLLEGE, "year": 2009, "type": "diploma",
    },
    "purpose": "Recognition of a vocational diploma for employment as a nurse.",
    "consent": True,
    "language": "en",
}  # fmt: skip

REVOKED_NUMBER = "KT2400103"
SUPERSEDED_NUMBER = "KT2400105"
DUPLICATE_NUMBER = "KT2400905"


def load(session: Session, signer: Signer, *, actor: str) -> bool:
    """Add the sample data; False (and nothing changed) when it is already there."""
    if session.scalars(select(Institution).where(Institution.code == COLLEGE)).first():
        return False
    registry.add_institution(
        session,
        COLLEGE,
        name_uz="Toshkent axborot texnologiyalari texnikumi",
        name_ru="Ташкентский техникум информационных технологий",
        name_en="Tashkent Technical College of Information Technologies",
        actor=actor,
    )
    registry.add_institution(
        session,
        INSTITUTE,
        name_uz="Abdulla Avloniy nomidagi pedagogik mahorat milliy instituti",
        name_ru="Национальный институт педагогического мастерства имени Абдуллы Авлони",
        name_en="Abdulla Avloni National Institute of Pedagogical Mastery",
        actor=actor,
    )
    registry.issue(session, _records(), signer, actor=actor)
    registry.revoke(
        session,
        REVOKED_NUMBER,
        actor=actor,
        code="issued_in_error",
        reason="The final attestation was not passed",
    )
    registry.reissue(
        session,
        SUPERSEDED_NUMBER,
        new_number=DUPLICATE_NUMBER,
        signer=signer,
        actor=actor,
        reason="Duplicate for a lost original",
        issue_date=dt.date(2025, 9, 15),
    )
    for row, values in enumerate(_ARCHIVE, start=1):
        parsed = parse_record(values, row, archive=True)
        if isinstance(parsed, list):  # the sample data is ours: a bad row is a bug here
            raise AssertionError("; ".join(map(str, parsed)))
        archive.record(session, parsed, actor=actor)
    return True


def inquire(session: Session, letters: Letters, *, working_days: int) -> Received:
    """The demonstration's formal inquiry, received now (its key is known only here)."""
    request = InquiryRequest.from_json(
        _INQUIRY, today=dt.datetime.now(dt.UTC).date(), language="en"
    )
    return inquiries.receive(session, request, [], working_days=working_days, letters=letters)
