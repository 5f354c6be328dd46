"""What the public views share: parsing a look-up query, the key ring, batch look-ups.

Parsing raises a :class:`~verifier.errors.VerifierError` under the public API's
error code, naming the field; the API turns it into ``{"error": {...}}`` and the
HTML form into a message beside the field.
"""

from __future__ import annotations

import datetime as dt
import re

from verifier.documents.numbers import normalise_number
from verifier.errors import InvalidInput, Malformed, MalformedNumber
from verifier.verification.service import NumberQuery

MAX_BATCH = 1000
# YYYY-MM-DD in ASCII digits only: date.fromisoformat also takes 2003-W16-4.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_query(number: object, surname: object, birth_date: object) -> NumberQuery:
    """Validate one look-up: a number plus the holder's surname or birth date."""
    for name, value in (("number", number), ("surname", surname), ("birth_date", birth_date)):
        if value is not None and not isinstance(value, str):
            raise InvalidInput("invalid_request", field=name)
    assert number is None or isinstance(number, str)
    assert surname is None or isinstance(surname, str)
    assert birth_date is None or isinstance(birth_date, str)
    if number is None or not number.strip():
        raise InvalidInput("missing_number", field="number")
    try:
        canonical = normalise_number(number)
    except MalformedNumber:
        raise Malformed("malformed_number", field="number") from None
    date: dt.date | None = None
    if birth_date and birth_date.strip():
        # ASCII YYYY-MM-DD only: fromisoformat also takes 20030417 and 2003-W16-4.
        if _DATE.fullmatch(birth_date.strip()) is None:
            raise Malformed("malformed_birth_date", field="birth_date")
        try:
            date = dt.date.fromisoformat(birth_date.strip())
        except ValueError:
            raise Malformed("malformed_birth_date", field="birth_date") from None
    typed = surname.strip() if surname else ""
    if not typed and date is None:
        raise InvalidInput("missing_surname", field="surname")
    return NumberQuery(canonical, typed or None, date)
