"""A budget of wrong guesses per document number, shared by every worker.

The per-client limit slows one client; it does not stop many clients (or one
with many addresses) from trying 1,000 birth dates for one number until one
answers ``valid`` with the holder's name. So every ``not_found`` answer for a
number is counted against that number (``VERIFIER_NUMBER_FAILURES``, default
``10/hour``), in the rate-limit storage, whoever asked. Once the budget is
spent, every look-up of that number answers 429 (``rate_limited``) until the
window ends, the right holder as much as a wrong one: the answer then says
nothing about whether the number exists or who holds it. The price: an attacker
can make one number's look-ups wait an hour; the QR token (its own proof) and
PDF uploads are not affected.

A batch is settled in one storage round trip, however many queries it holds
(:meth:`GuessBudget.admit`): on Redis one script reads every number's counter,
walks the answers in order and charges the wrong guesses, atomically, so the
batch answers exactly as the same queries asked one by one would. Other
storages (``memory://``, which is in-process, and Redis Cluster, where one
script cannot reach every number's key) take the queries one at a time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from flask import Flask, current_app
from limits import parse
from limits.storage import RedisClusterStorage, RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from verifier.config import Settings

EXTENSION = "verifier.guesses"


# The fixed window of limits' FixedWindowRateLimiter, for many answers at once: a
# number's answer is refused once its counter has reached the limit; a wrong guess
# that is answered adds one, and the first one starts the window (as limits does).
# KEYS: each number's counter. ARGV: limit, window in seconds, then per answer in
# order the index of its number's key, negative for a wrong guess. Returns 1
# (answer) or 0 (refuse) per answer.
_ADMIT = """
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local counts = {}
for i, key in ipairs(KEYS) do
    counts[i] = tonumber(redis.call("get", key) or "0")
end
local admitted = {}
for j = 3, #ARGV do
    local index = tonumber(ARGV[j])
    local wrong = index < 0
    if wrong then index = -index end
    if counts[index] >= limit then
        admitted[#admitted + 1] = 0
    else
        admitted[#admitted + 1] = 1
        if wrong then
            counts[index] = redis.call("incrby", KEYS[index], 1)
            if counts[index] == 1 then
                redis.call("expire", KEYS[index], window)
            end
        end
    end
end
return admitted
"""


class GuessBudget:
    def __init__(self, settings: Settings) -> None:
        storage = storage_from_string(settings.ratelimit_storage_url)
        self._limiter = FixedWindowRateLimiter(storage)
        self._item = parse(settings.number_failures)
        # Separate deployments (and test runs) sharing one Redis keep separate counters.
        self._prefix = os.environ.get("VERIFIER_RATELIMIT_KEY_PREFIX", "verifier")
        self._redis: RedisStorage | None = None
        if isinstance(storage, RedisStorage) and not isinstance(storage, RedisClusterStorage):
            self._redis = storage
            # Sends nothing yet; the first call loads the script if Redis lacks it.
            self._script = storage.get_connection().register_script(_ADMIT.encode())

    def admit(self, answers: Sequence[tuple[str, bool]]) -> list[bool]:
        """Which answers may be given, in order: ``(number, wrong guess?)`` each.

        An answer is refused once its number's wrong guesses are spent, right or
        wrong, and so is every later one for that number; each wrong guess that is
        answered is charged. One round trip to Redis for the whole sequence.
        """
        if not answers:
            return []
        if self._redis is None:
            return [self._admit_one(number, wrong) for number, wrong in answers]
        index: dict[str, int] = {}
        for number, _ in answers:
            index.setdefault(number, len(index) + 1)
        keys = [
            self._redis.prefixed_key(self._item.key_for(self._prefix, "failures", number))
            for number in index
        ]
        order = [-index[number] if wrong else index[number] for number, wrong in answers]
        args = [self._item.amount, self._item.get_expiry(), *order]
        return [bool(flag) for flag in self._script(keys, args)]

    def _admit_one(self, number: str, wrong: bool) -> bool:
        if self.spent(number):
            return False
        if wrong:
            self.charge(number)
        return True

    def spent(self, number: str) -> bool:
        return not self._limiter.test(self._item, self._prefix, "failures", number)

    def charge(self, number: str) -> None:
        self._limiter.hit(self._item, self._prefix, "failures", number)

    def retry_after(self, number: str) -> int:
        reset = self._limiter.get_window_stats(self._item, self._prefix, "failures", number)[0]
        return max(1, int(reset - time.time()))


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[EXTENSION] = GuessBudget(settings)
    app.extensions[EXTENSION + ".login"] = LoginFailures(settings)


def budget() -> GuessBudget:
    found: GuessBudget = current_app.extensions[EXTENSION]
    return found


class LoginFailures:
    """Failed log-ins per e-mail address, known account or not (5 per 15 minutes).

    An existing account is locked in the database after 5 failures; an address
    with no account must answer the same "locked for 15 minutes", or the
    message itself tells which addresses have accounts.
    """

    def __init__(self, settings: Settings) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(settings.ratelimit_storage_url))
        self._item = parse("5 per 15 minutes")
        self._prefix = os.environ.get("VERIFIER_RATELIMIT_KEY_PREFIX", "verifier")

    def spent(self, address: str) -> bool:
        return not self._limiter.test(self._item, self._prefix, "login", address)

    def charge(self, address: str) -> None:
        self._limiter.hit(self._item, self._prefix, "login", address)


def login_failures() -> LoginFailures:
    found: LoginFailures = current_app.extensions[EXTENSION + ".login"]
    return found
