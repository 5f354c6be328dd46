"""Liveness and database check for load balancers and ``scripts/run``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from verifier.errors import DatabaseUnavailable
from verifier.web.context import current_runtime
from verifier.web.limits import limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt  # load balancers ask often and must not spend a person's budget
def healthz() -> tuple[Response, int]:
    try:
        current_runtime().database.ping()
    except DatabaseUnavailable:
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok"), 200
