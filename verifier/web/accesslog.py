"""gunicorn's access log without personal data.

A look-up's query string holds a number and a surname or birth date, and a QR
path ``/v/<token>`` (or ``/r/<token>``) holds the whole signed claim set: name,
birth date, number. The access log keeps method, path, status, size, time and
client address, with query strings replaced by ``?[redacted]``, token paths
by ``/v/[token]`` and the Referer (which can carry either) dropped.
Used by ``verifier serve`` through ``verifier/web/gunicorn_config.py``.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

TOKEN_PREFIXES = ("/v/", "/r/")


def redact_path(path: str) -> str:
    for prefix in TOKEN_PREFIXES:
        if path.startswith(prefix) and len(path) > len(prefix):
            return prefix + "[token]"
    return path


class RedactingLogger(Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", "") or "")
        query = "?[redacted]" if environ.get("QUERY_STRING") else ""
        atoms["U"] = path
        atoms["q"] = "[redacted]" if query else ""
        atoms["r"] = (
            f"{environ.get('REQUEST_METHOD', '-')} {path}{query} "
            f"{environ.get('SERVER_PROTOCOL', '-')}"
        )
        atoms["f"] = "-"
        atoms["{referer}i"] = "-"
        return atoms
