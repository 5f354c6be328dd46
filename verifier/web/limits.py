"""Rate limits per client (Flask-Limiter), declared with its decorators where they apply.

Public routes: one budget per client address across all of them
(``VERIFIER_RATELIMIT``, e.g. ``60/minute;2000/day``), counted in
``VERIFIER_RATELIMIT_STORAGE_URL``: with Redis every gunicorn worker and host
shares the same counters. A batch counts as one request per query in it: a
batch larger than what is left of the budget is refused whole (429 with
Retry-After) before any look-up, so a batch of 1,000 guesses costs what 1,000
single look-ups cost. ``VERIFIER_RATELIMIT_KEY_PREFIX`` (default ``verifier``)
keeps separate deployments sharing one Redis apart. ``/healthz`` (marked with
``@limiter.exempt``) and static files are not limited: load balancers and page
loads must not eat a person's budget. The staff workspace exempts itself and
limits its log-in form (see :mod:`verifier.web.workspace.views`).

``limiter`` is one module-level extension, as Flask-Limiter's decorators need,
initialised for each app by :func:`init_app`. Flask-Limiter keeps its storage
on the extension, so a process serves the limits of the last app it built: a
gunicorn worker builds one; tests build one per case.
"""

from __future__ import annotations

import os

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from verifier.config import Settings
from verifier.web.context import current_runtime

MAX_COST = 1000


def _public_limit() -> str:
    """The app's own budget, read per request: one process may build several apps (tests)."""
    return current_runtime().settings.ratelimit


def _cost() -> int:
    """What a request costs against the budget: one per query of a batch, else one."""
    if request.endpoint != "api.verify_batch":
        return 1
    try:
        body = request.get_json(silent=True)
    except (RecursionError, ValueError):  # the view refuses it; charge one
        return 1
    queries = body.get("queries") if isinstance(body, dict) else None
    return min(max(len(queries), 1), MAX_COST) if isinstance(queries, list) else 1


limiter = Limiter(
    get_remote_address,
    application_limits=[_public_limit],
    application_limits_cost=_cost,
    headers_enabled=True,
)


def init_app(app: Flask, settings: Settings) -> None:
    """Limits on (or ``VERIFIER_RATELIMIT=off``), counted where the settings say."""
    app.config.update(
        RATELIMIT_ENABLED=settings.ratelimit.strip().lower() not in {"off", ""},
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_url,
        # Separate deployments (and test runs) sharing one Redis keep separate counters.
        RATELIMIT_KEY_PREFIX=os.environ.get("VERIFIER_RATELIMIT_KEY_PREFIX", "verifier"),
    )
    limiter.init_app(app)
