"""A TCP relay that counts round trips between its clients and a real server.

Put between the service and Redis, it measures what a round trip costs on a
network: each time a client speaks again after the server has answered (or
for the first time) is one round trip. A pipeline or a script is one, however
many commands it carries; a request split over several TCP segments is still
one. Nothing is parsed or changed: the bytes pass through as they are.
"""

from __future__ import annotations

import selectors
import socket
import threading
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit


class CountingRelay:
    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        self._target = (parts.hostname or "127.0.0.1", parts.port or 6379)
        self._listener = socket.create_server(("127.0.0.1", 0))
        port = self._listener.getsockname()[1]
        netloc = f"{parts.username}@" if parts.username else ""
        netloc += f"127.0.0.1:{port}"
        #: The target's URL with the relay's address: connect through this.
        self.url = urlunsplit(parts._replace(netloc=netloc))
        self._lock = threading.Lock()
        self._round_trips = 0
        self._closed = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def round_trips(self) -> int:
        with self._lock:
            return self._round_trips

    def reset(self) -> None:
        with self._lock:
            self._round_trips = 0

    def __enter__(self) -> CountingRelay:
        self._listener.settimeout(0.1)
        self._spawn(self._accept)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._closed.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            server = socket.create_connection(self._target)
            self._spawn(self._pump, client, server)

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        awaiting_answer = False
        with selectors.DefaultSelector() as selector, client, server:
            selector.register(client, selectors.EVENT_READ, server)
            selector.register(server, selectors.EVENT_READ, client)
            while not self._closed.is_set():
                for key, _ in selector.select(timeout=0.1):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    data = source.recv(65536)
                    if not data:
                        return
                    if source is client and not awaiting_answer:
                        with self._lock:
                            self._round_trips += 1
                    awaiting_answer = source is client
                    key.data.sendall(data)
