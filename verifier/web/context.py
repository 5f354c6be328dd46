"""What a request reaches through the app: the runtime and the cached key ring."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Flask, current_app

from verifier.keys import lifecycle
from verifier.runtime import Runtime
from verifier.signing.keys import KeyRing

# Key changes (rotation, compromise) reach every worker within this many seconds;
# rebuilding the ring per request would cost a query on the QR landing page's hot path.
KEYRING_TTL_SECONDS = 10.0


def current_runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["verifier"]
    return runtime


def keyring_provider(app: Flask) -> Callable[[], KeyRing]:
    """A per-process cache of the registry's key ring, refreshed every few seconds."""
    lock = threading.Lock()
    cached: list[tuple[float, KeyRing]] = []

    def provide() -> KeyRing:
        now = time.monotonic()
        with lock:
            if cached and now - cached[0][0] < KEYRING_TTL_SECONDS:
                return cached[0][1]
        with current_runtime().database.session() as session:
            ring = lifecycle.keyring(session)
        with lock:
            cached[:] = [(now, ring)]
        return ring

    app.extensions["verifier.keyring"] = provide
    return provide


def current_keyring() -> Callable[[], KeyRing]:
    provider: Callable[[], KeyRing] = current_app.extensions["verifier.keyring"]
    return provider
