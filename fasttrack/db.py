"""The database connection's limits, and telling an outage from a bug.

A database that refuses connections, or accepts them and never answers, must
cost a request a few seconds and a 503, never a hung worker (docs/operations.md,
"When the database is down"). ``database_settings`` gives every connection a
connect timeout and a statement timeout; ``is_unavailable`` decides whether a
database error means "the database cannot serve us now" (503, try again) or a
fault in the code (500, logged), which must never be dressed up as an outage.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import dj_database_url
import psycopg
from django.db.utils import InterfaceError, OperationalError

from fasttrack.env import ConfigurationError

# Seconds a client is asked to wait before trying again (Retry-After).
RETRY_AFTER_SECONDS = 30

# PostgreSQL SQLSTATEs that mean the server cannot serve the request now, by
# class (first characters) or exactly. Everything else, syntax and constraint
# errors above all, is a fault to fix, not to retry.
_UNAVAILABLE_SQLSTATE_PREFIXES = (
    "08",  # connection exception
    "53",  # insufficient resources: too many connections, out of memory, disk full
    "57P",  # operator intervention: shutdown, crash, cannot connect now
)
_UNAVAILABLE_SQLSTATES = {
    "57014",  # query_canceled: the statement timeout expired
    "55P03",  # lock_not_available: a lock timeout expired
}
# SQLite's primary result codes for a database that is busy or cannot be read;
# SQLITE_ERROR (1), the code of a missing table or a syntax error, is not here.
_UNAVAILABLE_SQLITE_CODES = {
    5,  # SQLITE_BUSY: the lock was not free within the timeout
    6,  # SQLITE_LOCKED
    10,  # SQLITE_IOERR
    13,  # SQLITE_FULL
    14,  # SQLITE_CANTOPEN
}


def database_settings(
    url: str, *, conn_max_age: int, connect_timeout: int, statement_timeout: int
) -> dict[str, Any]:
    """``DATABASES["default"]`` for ``url``, with the outage limits applied.

    Timeouts are in seconds. PostgreSQL gets ``connect_timeout`` (libpq
    counts at least 2), the same time for data left unacknowledged on an open
    connection (``tcp_user_timeout``), and a server-side ``statement_timeout``.
    SQLite has nothing to connect to; the statement timeout is how long a
    statement waits for the database lock. Options given in the URL's query
    string win over these defaults.
    """
    for name, seconds in (
        ("DATABASE_CONNECT_TIMEOUT", connect_timeout),
        ("DATABASE_STATEMENT_TIMEOUT", statement_timeout),
    ):
        if seconds < 1:
            # Zero would mean "wait for ever" to libpq, the very hang to avoid.
            raise ConfigurationError(f"{name} must be at least 1 second; got {seconds}.")
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    )
    options: dict[str, Any] = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # One writer at a time: nothing to keep open between requests.
        config["CONN_MAX_AGE"] = 0
        options.setdefault("timeout", statement_timeout)
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead
        # of one failing with "database is locked" halfway through an action.
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    elif config["ENGINE"] == "django.db.backends.postgresql":
        options.setdefault("connect_timeout", connect_timeout)
        options.setdefault("tcp_user_timeout", connect_timeout * 1000)
        # No JIT compilation: Fasttrack's statements are short, and the few that
        # read hundreds of thousands of rows (the statistics) spent 100-200 ms
        # compiling each, more than the compiled code saved (docs/benchmarks.md).
        options.setdefault("options", f"-c statement_timeout={statement_timeout * 1000} -c jit=off")
    return config


def _driver_error(error: BaseException) -> BaseException | None:
    """The driver's exception behind a Django database error (Django raises its
    own class ``from`` the driver's)."""
    seen: list[BaseException] = []
    current = error.__cause__ or error.__context__
    while current is not None and current not in seen:
        if isinstance(current, psycopg.Error | sqlite3.Error):
            return current
        seen.append(current)
        current = current.__cause__ or current.__context__
    return None


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot serve the request now.

    True for a connection refused, lost or timed out, a statement or lock
    timeout, a server shutting down or out of connections, and SQLite's busy
    or unreadable database. False for every other error: SQL and programming
    errors (SQLite reports a missing table as an OperationalError too, and
    psycopg a closed cursor as an InterfaceError) stay 500s.
    """
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    cause = _driver_error(error)
    if isinstance(cause, psycopg.Error):
        if cause.sqlstate is None:
            # Never reached the server: the connection failed, timed out or was lost.
            return isinstance(cause, psycopg.OperationalError)
        return cause.sqlstate.startswith(_UNAVAILABLE_SQLSTATE_PREFIXES) or (
            cause.sqlstate in _UNAVAILABLE_SQLSTATES
        )
    if isinstance(cause, sqlite3.Error):
        return cause.sqlite_errorcode & 0xFF in _UNAVAILABLE_SQLITE_CODES
    return False
