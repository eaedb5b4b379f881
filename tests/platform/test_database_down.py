"""A database that refuses connections or never answers: 503 with Retry-After,
within the connect timeout plus a second, on pages, API, login and /healthz;
and recovery without a restart.

The outage is a PostgreSQL server on a closed port or a socket server that
accepts and never answers (``tests.platform.outage``). Both runs use it, the
SQLite run too: an SQLite file has no server that could refuse or hang, so what
is tested there as well is the application's answer, which is the same.

Issue 12, finding 5.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client
from django.urls import path
from django.utils import translation

from fasttrack.api.tokens import issue_token
from fasttrack.db import is_unavailable
from tests.conftest import Personas
from tests.platform.outage import (
    CONNECT_TIMEOUT,
    TcpSwitch,
    closed_port,
    database_at,
    postgres_url,
)

DEADLINE = CONNECT_TIMEOUT + 1


def da(msgid: str) -> str:
    with translation.override("da"):
        return translation.gettext(msgid)


def en(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


@pytest.fixture
def client() -> Client:
    """A client that answers as production does: an outage met in a middleware
    (the second-factor and session checks read the session) reaches
    ``handler500``, which the default test client would re-raise instead."""
    return Client(raise_request_exception=False)


def warm_up() -> None:
    """Load the URL configuration, the API and the templates with the database
    up, so that the timed request measures the outage, not a cold start."""
    warm = Client(raise_request_exception=False)
    warm.get("/api/v1/me")
    warm.get("/log-ind/")


@pytest.fixture(params=["refused", "silent"])
def outage(request: pytest.FixtureRequest, db: None) -> Iterator[Callable[[], Any]]:
    """A context manager factory: the database refuses connections, or never answers."""
    warm_up()
    if request.param == "refused":
        yield lambda: database_at(postgres_url(closed_port()))
        return
    with TcpSwitch() as silent:
        yield lambda: database_at(postgres_url(silent.port))


def timed(call: Callable[[], Any]) -> Any:
    started = time.monotonic()
    response = call()
    elapsed = time.monotonic() - started
    assert elapsed < DEADLINE, f"answered after {elapsed:.1f} s"
    return response


def assert_unavailable_page(response: Any, language: str = "da") -> None:
    text = da if language == "da" else en
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert f'<html lang="{language}">' in body
    assert text("Fasttrack cannot reach its database, so nothing was saved.") in body


def test_it_answers_the_api_with_503_problem_json(personas: Personas, outage: Any) -> None:
    _token, secret = issue_token(user=personas.hr, name="outage")
    client = Client(raise_request_exception=False)

    with outage():
        response = timed(
            lambda: client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 503
    assert problem["title"] == da("Service unavailable")


def test_it_answers_a_page_with_the_danish_503_page(
    client: Client, personas: Personas, outage: Any
) -> None:
    client.force_login(personas.sagsbehandler)

    with outage():
        response = timed(lambda: client.get("/jobcenter/"))

    assert_unavailable_page(response)


def test_it_logs_one_error_line_per_outage_answer(
    client: Client, personas: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(personas.sagsbehandler)

    with database_at(postgres_url(closed_port())):
        client.get("/jobcenter/")

    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert [r.name for r in errors] == ["fasttrack.database"]
    message = errors[0].getMessage()
    assert message.startswith("Database unavailable, answered 503 to GET /jobcenter/: ")


def test_it_answers_in_english_when_english_was_chosen(
    client: Client, personas: Personas, outage: Any
) -> None:
    client.force_login(personas.janni)
    client.cookies["fasttrack_language"] = "en"

    with outage():
        response = timed(lambda: client.get("/borger/"))

    assert_unavailable_page(response, language="en")


def test_it_answers_the_login_post_with_503(
    client: Client, personas: Personas, demo_password: str, outage: Any
) -> None:
    with outage():
        response = timed(
            lambda: client.post("/log-ind/", {"username": "hr", "password": demo_password})
        )

    assert_unavailable_page(response)


def test_it_answers_a_form_post_on_a_case_with_503(
    client: Client, personas: Personas, outage: Any
) -> None:
    client.force_login(personas.sagsbehandler)

    with outage():
        response = timed(lambda: client.post("/sager/1/journal/ny/", {"text": "Ringede"}))

    assert_unavailable_page(response)


def test_it_answers_healthz_with_503_and_retry_after(client: Client, db: None, outage: Any) -> None:
    with outage():
        response = timed(lambda: client.get("/healthz"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


def test_it_recovers_when_the_database_is_back(
    login: Callable[[Any], Client], personas: Personas, outage: Any
) -> None:
    # Logged in with the second factor given, so the page itself answers.
    client = login(personas.sagsbehandler)
    with outage():
        assert client.get("/jobcenter/").status_code == 503

    assert client.get("/jobcenter/").status_code == 200
    assert client.get("/healthz").status_code == 200


# --- an outage met outside a view, in a middleware ------------------------------


class TouchesTheUserMiddleware:
    """Reads the session in the middleware, as a session timeout would."""

    def __init__(self, get_response: Callable[..., Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        request.user.is_authenticated  # noqa: B018 (loads the session from the database)
        return self.get_response(request)


def test_it_answers_an_outage_met_in_a_middleware_with_503(
    personas: Personas, settings: Any, outage: Any
) -> None:
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "tests.platform.test_database_down.TouchesTheUserMiddleware",
    ]
    client = Client(raise_request_exception=False)
    client.force_login(personas.hr)
    _token, secret = issue_token(user=personas.hr, name="outage")

    with outage():
        page = timed(lambda: client.get("/arbejdsgiver/"))
        api = timed(lambda: client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}))

    assert_unavailable_page(page)
    assert api.status_code == 503
    assert api["Content-Type"] == "application/problem+json"


# --- a programming error is never dressed up as an outage -----------------------


def missing_table(request: Any) -> Any:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    raise AssertionError("unreachable")


urlpatterns = [
    path("page/", missing_table),
    path("api/v1/broken", missing_table),
]


@pytest.mark.urls("tests.platform.test_database_down")
@pytest.mark.parametrize("url", ["/page/", "/api/v1/broken"])
def test_it_answers_a_missing_table_with_500_not_503(db: None, url: str) -> None:
    # SQLite reports a missing table as an OperationalError, PostgreSQL as a
    # ProgrammingError: both are faults to fix, not outages to wait out.
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == 500
    assert "Retry-After" not in response


def test_it_tells_sql_errors_from_outages(db: None) -> None:
    with (
        pytest.raises((OperationalError, ProgrammingError)) as sql_error,
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT * FROM no_such_table")

    assert not is_unavailable(sql_error.value)


def test_it_takes_a_refused_connection_for_an_outage() -> None:
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect(postgres_url(closed_port()), connect_timeout=2)

    assert is_unavailable(wrapped(refused.value))


def test_it_takes_a_busy_sqlite_database_for_an_outage(tmp_path: Path) -> None:
    database = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(database, timeout=0.1, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError) as busy:
            waiter.execute("INSERT INTO t VALUES (1)")
    finally:
        waiter.close()
        holder.close()

    assert is_unavailable(wrapped(busy.value))


def test_it_takes_a_missing_sqlite_table_for_a_fault() -> None:
    with pytest.raises(sqlite3.OperationalError) as missing:
        sqlite3.connect(":memory:").execute("SELECT * FROM no_such_table")

    assert not is_unavailable(wrapped(missing.value))


def wrapped(driver_error: Exception) -> OperationalError:
    """The driver's error as Django raises it: its own class, from the driver's."""
    try:
        raise OperationalError(str(driver_error)) from driver_error
    except OperationalError as error:
        return error


# --- PostgreSQL: the statement timeout, and recovery through a real request cycle


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a PostgreSQL server behind the switch"
)


@needs_postgresql
@pytest.mark.postgres
def test_it_sets_the_statement_timeout_on_every_connection(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (timeout,) = cursor.fetchone()

    assert timeout == "20s"


@needs_postgresql
@pytest.mark.postgres
def test_it_takes_a_statement_timeout_for_an_outage(db: None) -> None:
    with pytest.raises(OperationalError) as cancelled, connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(1)")

    assert is_unavailable(cancelled.value)


def wsgi_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    """A GET through the WSGI application, with Django's whole request cycle
    (the test client leaves out the closing of broken connections)."""
    from wsgiref.util import setup_testing_defaults

    from fasttrack.wsgi import application

    environ: dict[str, Any] = {"PATH_INFO": url, "REQUEST_METHOD": "GET"}
    for name, value in (headers or {}).items():
        environ[f"HTTP_{name.upper().replace('-', '_')}"] = value
    setup_testing_defaults(environ)
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], *args: Any) -> Any:
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)
        return lambda data: None

    result = application(environ, start_response)
    b"".join(result)
    result.close()
    return answer["status"], answer["headers"]


@needs_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_recovers_without_a_restart_when_the_database_answers_again(
    personas: Personas,
) -> None:
    _token, secret = issue_token(user=personas.hr, name="outage")
    bearer = {"Authorization": f"Bearer {secret}"}
    settings_dict = connection.settings_dict
    upstream = (settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432))
    url = f"postgres://{settings_dict['USER']}@127.0.0.1:{{port}}/{settings_dict['NAME']}"

    with TcpSwitch(upstream) as switch, database_at(url.format(port=switch.port)):
        assert wsgi_get("/healthz")[0] == 200
        assert wsgi_get("/api/v1/me", bearer)[0] == 200

        switch.go_silent()
        assert timed(lambda: wsgi_get("/api/v1/me", bearer))[0] == 503
        status, headers = timed(lambda: wsgi_get("/healthz"))
        assert (status, headers["Retry-After"]) == (503, "30")

        switch.forward()
        assert wsgi_get("/healthz")[0] == 200
        assert wsgi_get("/api/v1/me", bearer)[0] == 200
