"""Baseline for scripts/bench_api: a bare Flask app answering a primary-key look-up.

Same gunicorn settings as the service; one database connection per worker,
opened after the fork. ``BENCH_BASELINE_DB`` is a SQLite path or a PostgreSQL URL.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from flask import Flask, jsonify, request

app = Flask(__name__)
_TARGET = os.environ["BENCH_BASELINE_DB"]
_connection: Any = None
QUERY = (
    "SELECT number, surname, given_name, birth_date, institution, issue_date "
    "FROM docs WHERE number = {}"
)


def _cursor() -> Any:
    global _connection
    if _connection is None:
        if _TARGET.startswith("postgresql"):
            import psycopg

            _connection = psycopg.connect(_TARGET.replace("postgresql+psycopg", "postgresql"))
            _connection.autocommit = True
        else:
            _connection = sqlite3.connect(_TARGET, check_same_thread=False)
    return _connection.cursor()


@app.get("/lookup")
def lookup() -> Any:
    marker = "%s" if _TARGET.startswith("postgresql") else "?"
    cursor = _cursor()
    cursor.execute(QUERY.format(marker), (request.args.get("number", ""),))
    row = cursor.fetchone()
    if row is None:
        return jsonify(status="not_found")
    keys = ("number", "surname", "given_name", "birth_date", "institution", "issue_date")
    return jsonify(status="found", document=dict(zip(keys, map(str, row), strict=True)))
