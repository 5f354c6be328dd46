"""gunicorn settings for ``verifier serve`` (``gunicorn -c python:verifier.web.gunicorn_config``).

* The access log redacts personal data (``verifier.web.accesslog``).
* Each worker loads the PDF sandbox's parser before its first request.
* More than one worker with per-process rate-limit counters (``memory://``) is
  refused at start: each worker would count alone, multiplying every limit
  (the per-client budget, the log-in limit, the per-number guess budget).
  Set ``VERIFIER_RATELIMIT_STORAGE_URL=redis://…`` or run one worker.
"""

from __future__ import annotations

from typing import Any

from verifier.config import Settings
from verifier.errors import ConfigurationError

logger_class = "verifier.web.accesslog.RedactingLogger"


def shared_storage_needed(settings: Settings, workers: int) -> ConfigurationError | None:
    """Why ``workers`` workers may not start with these settings, or None."""
    limits_on = settings.ratelimit.strip().lower() not in {"off", ""}
    storage_url = settings.ratelimit_storage_url
    if workers > 1 and limits_on and storage_url.startswith("memory://"):
        return ConfigurationError("shared_rate_limit_storage", workers=workers, url=storage_url)
    return None


def on_starting(server: Any) -> None:
    problem = shared_storage_needed(Settings.from_env(), int(server.cfg.workers))
    if problem:
        raise SystemExit(f"verifier: {problem}")


def post_worker_init(worker: Any) -> None:
    # Load pyHanko once per worker before it takes requests, so the first upload's
    # time budget is spent on the upload (verifier/verification/sandbox.py).
    from verifier.verification.pdf.sandbox import warm_up

    warm_up()
