"""Rate limits per client on every public route (Flask-Limiter).

One budget per client address across all public routes (``VERIFIER_RATELIMIT``,
e.g. ``60/minute;2000/day``), counted in ``VERIFIER_RATELIMIT_STORAGE_URL``: with
Redis every gunicorn worker and host shares the same counters. A batch counts
as one request per query in it: a batch larger than what is left of the
budget is refused whole (429 with Retry-After) before any look-up, so a batch
of 1,000 guesses costs what 1,000 single look-ups cost.
``VERIFIER_RATELIMIT_KEY_PREFIX`` (default ``verifier``) keeps
separate deployments sharing one Redis apart. ``/healthz`` and the stylesheet
are not limited: load balancers and page loads must not eat a person's budget.
"""

from __future__ import annotations

import os

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from verifier.config import Settings

UNLIMITED_ENDPOINTS = frozenset({"health.healthz", "static"})


def _exempt() -> bool:
    # The workspace keeps its own limits (registrar.py); its child blueprints are
    # named "registrar.<child>", which limiter.exempt(bp) does not reach.
    blueprint = request.blueprint or ""
    return (
        request.endpoint in UNLIMITED_ENDPOINTS
        or blueprint == "registrar"
        or blueprint.startswith("registrar.")
    )


MAX_COST = 1000


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


def init_app(app: Flask, settings: Settings) -> Limiter:
    enabled = settings.ratelimit.strip().lower() not in {"off", ""}
    limiter = Limiter(
        get_remote_address,
        application_limits=[settings.ratelimit] if enabled else [],
        application_limits_exempt_when=_exempt,
        application_limits_cost=_cost,
        storage_uri=settings.ratelimit_storage_url,
        headers_enabled=True,
        # Separate deployments (and test runs) sharing one Redis keep separate counters.
        key_prefix=os.environ.get("VERIFIER_RATELIMIT_KEY_PREFIX", "verifier"),
        enabled=enabled,
    )
    limiter.init_app(app)
    return limiter
