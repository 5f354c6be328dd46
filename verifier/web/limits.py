"""Rate limits per client on every public route (Flask-Limiter).

One budget per client address across all public routes (``VERIFIER_RATELIMIT``,
e.g. ``60/minute;2000/day``), counted in ``VERIFIER_RATELIMIT_STORAGE_URL``: with
Redis every gunicorn worker and host shares the same counters. A batch counts
as one request. ``VERIFIER_RATELIMIT_KEY_PREFIX`` (default ``verifier``) keeps
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
    return request.endpoint in UNLIMITED_ENDPOINTS


def init_app(app: Flask, settings: Settings) -> Limiter:
    enabled = settings.ratelimit.strip().lower() not in {"off", ""}
    limiter = Limiter(
        get_remote_address,
        application_limits=[settings.ratelimit] if enabled else [],
        application_limits_exempt_when=_exempt,
        storage_uri=settings.ratelimit_storage_url,
        headers_enabled=True,
        # Separate deployments (and test runs) sharing one Redis keep separate counters.
        key_prefix=os.environ.get("VERIFIER_RATELIMIT_KEY_PREFIX", "verifier"),
        enabled=enabled,
    )
    limiter.init_app(app)
    return limiter
