"""Dates as the paper prints them (DD.MM.YYYY) on every public page, the moment of
the check in Tashkent time and UTC; the JSON API keeps ISO 8601."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from verifier.web.i18n import date_text, datetime_text

pytestmark = pytest.mark.usefixtures("demo_data")

MOMENT = r"(\d\d\.\d\d\.\d{4} \d\d:\d\d)"
CHECKED = re.compile(rf"{MOMENT} \((?:Toshkent|Ташкент|Tashkent)\) · {MOMENT} UTC")


def field(html: str, label: str) -> str:
    match = re.search(rf"<dt>{label}</dt><dd>(.*?)</dd>", html, re.S)
    assert match, label
    return match.group(1).strip()


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("uz", ("Tugʻilgan sana", "Berilgan sana", "Oʻqish davri")),
        ("ru", ("Дата рождения", "Дата выдачи", "Период обучения")),
        ("en", ("Birth date", "Issue date", "Period")),
    ],
)
def test_dates_are_shown_as_printed_on_the_paper_in_every_language(
    client: FlaskClient, language: str, labels: tuple[str, str, str]
) -> None:
    html = client.get(f"/verify?number=KT2400101&surname=Gulomov&lang={language}").text
    birth, issue, period = (field(html, label) for label in labels)
    assert (birth, issue, period) == ("17.04.2003", "05.07.2024", "01.09.2021 – 28.06.2024")


def test_a_certificates_dates_are_shown_as_printed(client: FlaskClient) -> None:
    html = client.get("/verify?number=MO2500201&surname=Karimova&lang=en").text
    assert field(html, "Birth date") == "14.02.1985"
    assert field(html, "Period") == "03.02.2025 – 28.02.2025"
    assert field(html, "Issue date") == "03.03.2025"


def test_the_revocation_date_is_shown_as_printed(client: FlaskClient) -> None:
    html = client.get("/verify?number=KT2400103&surname=Qodirov&lang=en").text
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", field(html, "Revoked on"))


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_the_moment_of_the_check_is_given_in_tashkent_time_and_utc(
    client: FlaskClient, token_of: Callable[[str], str], language: str
) -> None:
    html = client.get(f"/v/{token_of('KT2400101')}?lang={language}").text
    match = CHECKED.search(html)
    assert match, html
    tashkent, utc = (dt.datetime.strptime(text, "%d.%m.%Y %H:%M") for text in match.groups())
    assert tashkent - utc == dt.timedelta(hours=5)


def test_tashkent_time_is_utc_plus_five_and_may_be_the_next_day(app: Flask) -> None:
    evening = dt.datetime(2026, 4, 16, 20, 10, 42, tzinfo=dt.UTC)
    with app.test_request_context("/?lang=en"):
        assert datetime_text(evening, "printed_minute", zone="Asia/Tashkent") == "17.04.2026 01:10"
        assert datetime_text(evening, "printed_minute") == "16.04.2026 20:10"


def test_tashkent_has_no_summer_time(app: Flask) -> None:
    summer = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    with app.test_request_context("/?lang=ru"):
        assert datetime_text(summer, "printed_minute", zone="Asia/Tashkent") == "01.07.2026 17:00"


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_a_printed_date_is_the_same_in_every_language(app: Flask, language: str) -> None:
    with app.test_request_context(f"/?lang={language}"):
        assert date_text(dt.date(2003, 4, 7), "printed") == "07.04.2003"


def test_the_json_answer_keeps_iso_dates(client: FlaskClient) -> None:
    body = client.get("/api/v1/verify?number=KT2400101&surname=Gulomov").get_json()
    assert body["document"]["birth_date"] == "2003-04-17"
    assert body["document"]["issue_date"] == "2024-07-05"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", body["checked_at"])
