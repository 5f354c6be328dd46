"""Enumerating a holder from a number alone yields nothing: batch queries are charged one
each, and a number's wrong guesses are budgeted across requests and clients."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.relay import CountingRelay
from verifier.config import Settings
from verifier.web.app import create_app

NUMBER = "KT2400101"
BIRTH_DATE = dt.date(2003, 4, 17)  # the demo holder's


def guesses(count: int, *, right_at: int) -> list[dict[str, str]]:
    """``count`` birth dates for one number; the holder's is number ``right_at``."""
    start = dt.date(1990, 1, 1)
    days = [start + dt.timedelta(days=n) for n in range(count)]
    days = [day for day in days if day != BIRTH_DATE][: count - 1]
    days.insert(right_at, BIRTH_DATE)
    return [{"number": NUMBER, "birth_date": day.isoformat()} for day in days]


def client_for(settings: Settings, *, ratelimit: str = "100000/minute") -> FlaskClient:
    return create_app(settings.with_overrides(ratelimit=ratelimit)).test_client()


def test_a_thousand_birth_dates_in_one_batch_reveal_nothing(
    settings: Settings, demo_data: None
) -> None:
    client = client_for(settings)
    reply = client.post("/api/v1/verify", json={"queries": guesses(1000, right_at=500)})
    results = json.loads(reply.data)["results"]
    assert all(result.get("status") != "valid" for result in results)
    assert results[500]["error"]["code"] == "rate_limited"
    assert sum(result.get("status") == "not_found" for result in results) == 10


def test_a_thousand_birth_dates_across_requests_reveal_nothing(
    settings: Settings, demo_data: None
) -> None:
    client = client_for(settings)
    statuses = []
    for query in guesses(30, right_at=20):
        reply = client.get("/api/v1/verify", query_string=query)
        statuses.append((reply.status_code, json.loads(reply.data).get("status")))
    assert statuses[:10] == [(200, "not_found")] * 10
    assert statuses[10:] == [(429, None)] * 20


def test_a_spent_number_answers_exactly_like_a_number_that_does_not_exist(
    settings: Settings, demo_data: None
) -> None:
    client = client_for(settings)
    for number in (NUMBER, "KT9999999"):
        for _ in range(10):
            client.get("/api/v1/verify", query_string={"number": number, "surname": "Nobody"})
    real = client.get("/api/v1/verify", query_string={"number": NUMBER, "surname": "Gulomov"})
    missing = client.get("/api/v1/verify", query_string={"number": "KT9999999", "surname": "X"})
    assert real.status_code == missing.status_code == 429
    assert json.loads(real.data) == json.loads(missing.data)
    assert int(real.headers["Retry-After"]) > 0


def test_every_query_of_a_batch_counts_against_the_client_limit(
    settings: Settings, demo_data: None
) -> None:
    client = client_for(settings, ratelimit="50/minute")
    queries = [{"number": NUMBER, "surname": "Gulomov"}] * 40
    assert client.post("/api/v1/verify", json={"queries": queries}).status_code == 200
    refused = client.post("/api/v1/verify", json={"queries": queries})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert json.loads(refused.data)["error"]["code"] == "rate_limited"


def test_the_right_birth_date_within_the_budget_still_answers_valid(
    settings: Settings, demo_data: None
) -> None:
    client = client_for(settings)
    reply = client.post("/api/v1/verify", json={"queries": guesses(8, right_at=5)})
    assert json.loads(reply.data)["results"][5]["status"] == "valid"


REDIS_URL = os.environ.get("VERIFIER_TEST_REDIS_URL")


@pytest.fixture
def redis_url(monkeypatch: pytest.MonkeyPatch) -> str:
    """Real Redis, with counters of this test's own (a fresh key prefix)."""
    if not REDIS_URL:
        pytest.skip("VERIFIER_TEST_REDIS_URL is not set (CI sets it to a Redis server)")
    monkeypatch.setenv("VERIFIER_RATELIMIT_KEY_PREFIX", f"test-{uuid.uuid4().hex}")
    return REDIS_URL


def redis_client(settings: Settings, storage_url: str) -> FlaskClient:
    """A client of a fresh app (as another worker would be) counting in ``storage_url``."""
    app = create_app(settings.with_overrides(ratelimit="off", ratelimit_storage_url=storage_url))
    return app.test_client()


def answers(reply: TestResponse) -> list[str]:
    """Each result's status, or its error code."""
    return [result.get("status") or result["error"]["code"] for result in reply.json["results"]]  # type: ignore[index]


def test_a_batch_answers_on_redis_exactly_as_in_memory(
    settings: Settings, demo_data: None, redis_url: str
) -> None:
    body = {"queries": guesses(30, right_at=20)}
    in_memory = answers(client_for(settings).post("/api/v1/verify", json=body))
    on_redis = answers(redis_client(settings, redis_url).post("/api/v1/verify", json=body))
    assert on_redis == in_memory == ["not_found"] * 10 + ["rate_limited"] * 20


def test_on_redis_a_batch_goes_on_from_where_single_look_ups_left_a_number(
    settings: Settings, demo_data: None, redis_url: str
) -> None:
    first, second = redis_client(settings, redis_url), redis_client(settings, redis_url)
    for query in guesses(8, right_at=7)[:7]:  # 7 of the 10 wrong guesses, on one worker
        assert first.get("/api/v1/verify", query_string=query).status_code == 200
    body = {"queries": guesses(8, right_at=3)}
    # On another: three more wrong guesses are answered, then the number is refused,
    # the right birth date included.
    assert (
        answers(second.post("/api/v1/verify", json=body))
        == ["not_found"] * 3 + ["rate_limited"] * 5
    )
    refused = first.get("/api/v1/verify", query_string={"number": NUMBER, "surname": "Gulomov"})
    assert refused.status_code == 429


def test_a_batch_of_a_thousand_numbers_costs_one_redis_round_trip(
    settings: Settings, demo_data: None, redis_url: str
) -> None:
    queries = [{"number": f"KT{n}", "surname": "Nobody"} for n in range(5_000_000, 5_001_000)]
    with CountingRelay(redis_url) as relay:
        client = redis_client(settings, relay.url)
        client.post("/api/v1/verify", json={"queries": queries[:1]})
        relay.reset()  # connecting and loading the script happen once per worker
        reply = client.post("/api/v1/verify", json={"queries": queries})
        assert answers(reply) == ["not_found"] * 1000
        assert relay.round_trips == 1


def test_a_batch_of_a_thousand_queries_for_one_number_costs_one_redis_round_trip(
    settings: Settings, demo_data: None, redis_url: str
) -> None:
    with CountingRelay(redis_url) as relay:
        client = redis_client(settings, relay.url)
        client.post("/api/v1/verify", json={"queries": guesses(1, right_at=0)})
        relay.reset()
        reply = client.post("/api/v1/verify", json={"queries": guesses(1000, right_at=500)})
        assert answers(reply) == ["not_found"] * 10 + ["rate_limited"] * 990
        assert relay.round_trips == 1
