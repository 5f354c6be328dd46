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
"""

from __future__ import annotations

import os
import time

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from verifier.config import Settings

EXTENSION = "verifier.guesses"


class GuessBudget:
    def __init__(self, settings: Settings) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(settings.ratelimit_storage_url))
        self._item = parse(settings.number_failures)
        # Separate deployments (and test runs) sharing one Redis keep separate counters.
        self._prefix = os.environ.get("VERIFIER_RATELIMIT_KEY_PREFIX", "verifier")

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
