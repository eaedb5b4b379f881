"""The two baselines every figure is compared with, served exactly as Fasttrack is.

- ``urlpatterns``: a bare Django view that makes one ORM INSERT
  (``DJANGO_SETTINGS_MODULE=bench.baseline_settings``,
  ``gunicorn bench.baseline:django_app``);
- ``psycopg_app``: a raw WSGI application that makes the same INSERT with psycopg
  over one persistent connection per process (``gunicorn bench.baseline:psycopg_app``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path

INSERT = "INSERT INTO bench_ping (at, note) VALUES (%s, %s) RETURNING id"


def ping(request: HttpRequest) -> HttpResponse:
    from bench.models import Ping

    row = Ping._default_manager.create(at=datetime.now(UTC), note="django")
    return HttpResponse(f'{{"id": {row.pk}}}', content_type="application/json", status=201)


urlpatterns = [path("ping", ping)]


def django_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    global _django_app
    if _django_app is None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.baseline_settings")
        from django.core.wsgi import get_wsgi_application

        _django_app = get_wsgi_application()
    result: Iterable[bytes] = _django_app(environ, start_response)
    return result


_django_app: Any = None
_connection: Any = None


def psycopg_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    global _connection
    import psycopg

    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    with _connection.cursor() as cursor:
        cursor.execute(INSERT, (datetime.now(UTC), "psycopg"))
        row = cursor.fetchone()
    body = f'{{"id": {row[0] if row else 0}}}'.encode()
    start_response(
        "201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
