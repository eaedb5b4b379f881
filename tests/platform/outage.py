"""Databases that refuse, never answer, or stop answering, for the outage tests.

``database_at(url)`` points this thread's default connection at another server,
configured by the same ``fasttrack.db.database_settings`` as settings.py, so the
application meets the outage exactly as in production. It swaps the connection
object for this thread only: the test's own connection (and its transaction)
stays untouched behind it, on SQLite and PostgreSQL runs alike. The servers are
plain sockets, so the outage is real: the PostgreSQL driver connects, times out
or is refused as it would against a real server.
"""

from __future__ import annotations

import selectors
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from fasttrack.db import database_settings

# libpq never waits less than 2 seconds for a connection.
CONNECT_TIMEOUT = 2


@contextmanager
def database_at(url: str) -> Iterator[None]:
    """This thread's default database is ``url`` (with a 2-second connect timeout)."""
    config = database_settings(
        url, conn_max_age=0, connect_timeout=CONNECT_TIMEOUT, statement_timeout=5
    )
    config = connections.configure_settings({DEFAULT_DB_ALIAS: config})[DEFAULT_DB_ALIAS]
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, DEFAULT_DB_ALIAS)
    original = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield
    finally:
        wrapper.close()
        connections[DEFAULT_DB_ALIAS] = original


def postgres_url(port: int) -> str:
    return f"postgres://fasttrack@127.0.0.1:{port}/fasttrack"


def closed_port() -> int:
    """A port nothing listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TcpSwitch:
    """A TCP server in a thread: in ``forward`` mode it passes connections on to
    ``upstream``; in ``silent`` mode it accepts them and never says a word, like
    a database that hangs. Switching to silent also cuts the connections it is
    forwarding, as a database restart or a network failure would."""

    def __init__(self, upstream: tuple[str, int] | None = None) -> None:
        self.upstream = upstream
        self.mode = "forward" if upstream else "silent"
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = int(self.listener.getsockname()[1])
        self._held: list[socket.socket] = []
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> TcpSwitch:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self.listener.close()
        with self._lock:
            self._cut()
            for held in self._held:
                held.close()

    def go_silent(self) -> None:
        with self._lock:
            self.mode = "silent"
            self._cut()

    def forward(self) -> None:
        with self._lock:
            self.mode = "forward"

    def _cut(self) -> None:
        for client, server in self._pairs:
            client.close()
            server.close()
        self._pairs.clear()

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _address = self.listener.accept()
            except TimeoutError:
                continue
            with self._lock:
                if self.mode == "silent" or self.upstream is None:
                    self._held.append(client)
                    continue
                server = socket.create_connection(self.upstream)
                self._pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ, server)
            selector.register(server, selectors.EVENT_READ, client)
            while not self._stopped.is_set():
                try:
                    for key, _events in selector.select(timeout=0.1):
                        data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                        if not data:
                            return
                        key.data.sendall(data)
                except OSError:
                    return
