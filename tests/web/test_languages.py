"""``?lang=``: the JSON API refuses a language it does not speak; pages fall back.

A program asking the API for ``lang=de`` is told so (400 ``unsupported_language``,
field ``lang``, the one error envelope); a person following a link with
``lang=de`` gets a page in their browser's language, or Uzbek.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

pytestmark = pytest.mark.usefixtures("demo_data")

LOOKUP = {"number": "KT2400101", "surname": "Gʻulomov"}

# Every JSON route, as a request that would otherwise succeed (or, for the
# registrar API, be refused only for its missing token).
JSON_REQUESTS: dict[str, Callable[[FlaskClient, str], TestResponse]] = {
    "look-up": lambda client, lang: client.get(
        "/api/v1/verify", query_string={**LOOKUP, "lang": lang}
    ),
    "batch": lambda client, lang: client.post(
        f"/api/v1/verify?lang={lang}", json={"queries": [LOOKUP]}
    ),
    "token": lambda client, lang: client.post(
        f"/api/v1/verify/token?lang={lang}", json={"token": "a.b.c"}
    ),
    "pdf": lambda client, lang: client.post(
        f"/api/v1/verify/pdf?lang={lang}", data={"file": (b"%PDF-1.7", "x.pdf")}
    ),
    "keys": lambda client, lang: client.get(f"/.well-known/jwks.json?lang={lang}"),
    "openapi": lambda client, lang: client.get(f"/api/v1/openapi.json?lang={lang}"),
    "registrar": lambda client, lang: client.get(f"/api/v1/documents/KT2400101?lang={lang}"),
}


def error(response: TestResponse) -> Any:
    body = response.get_json()
    assert body is not None, response.data
    return body["error"]


@pytest.mark.parametrize("route", JSON_REQUESTS)
def test_the_json_api_refuses_an_unknown_language_naming_the_field(
    client: FlaskClient, route: str
) -> None:
    response = JSON_REQUESTS[route](client, "de")
    assert response.status_code == 400
    assert error(response) == {
        "code": "unsupported_language",
        "field": "lang",
        "message": "Til (lang) uz, ru yoki en boʻlishi kerak.",
    }


@pytest.mark.parametrize("route", JSON_REQUESTS)
@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_the_json_api_takes_each_of_its_languages(
    client: FlaskClient, route: str, language: str
) -> None:
    assert JSON_REQUESTS[route](client, language).status_code != 400


@pytest.mark.parametrize("value", ["EN", " ru", "", "english", "en-GB"])
def test_the_json_api_takes_the_enum_values_exactly(client: FlaskClient, value: str) -> None:
    response = client.get("/api/v1/verify", query_string={**LOOKUP, "lang": value})
    assert response.status_code == 400 and error(response)["field"] == "lang"


def test_the_refusal_speaks_the_language_the_client_accepts(client: FlaskClient) -> None:
    response = client.get(
        "/api/v1/verify",
        query_string={**LOOKUP, "lang": "de"},
        headers={"Accept-Language": "ru"},
    )
    assert error(response)["message"] == "Язык (lang) должен быть одним из: uz, ru или en."


def test_one_unknown_value_among_repeated_ones_is_refused(client: FlaskClient) -> None:
    response = client.get("/api/v1/verify?number=KT2400101&surname=X&lang=ru&lang=de")
    assert response.status_code == 400


def test_an_unknown_api_address_stays_not_found_whatever_its_language(
    client: FlaskClient,
) -> None:
    response = client.get("/api/v1/nothing-here?lang=de")
    assert response.status_code == 404 and error(response)["code"] == "no_such_route"


@pytest.mark.parametrize(
    "address",
    ["/", "/verify?number=KT2400101&surname=Gʻulomov", "/verify"],
)
def test_a_page_asked_for_an_unknown_language_follows_the_browser(
    client: FlaskClient, address: str
) -> None:
    separator = "&" if "?" in address else "?"
    response = client.get(f"{address}{separator}lang=de", headers={"Accept-Language": "ru"})
    assert response.status_code == 200
    assert '<html lang="ru">' in response.get_data(as_text=True)


def test_a_page_asked_for_an_unknown_language_with_no_preference_is_in_uzbek(
    client: FlaskClient,
) -> None:
    response = client.get("/?lang=de")
    assert response.status_code == 200
    assert '<html lang="uz">' in response.get_data(as_text=True)


def test_a_qr_landing_page_asked_for_an_unknown_language_still_answers(
    client: FlaskClient, qr_of: Callable[[str], str]
) -> None:
    path = qr_of("KT2400101").removeprefix("https://verify.example.uz")
    response = client.get(f"{path}?lang=xx", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)
