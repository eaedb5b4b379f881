"""HTTP concerns of the whole site that no single app owns.

- ``SecurityHeadersMiddleware``: ``Cache-Control: no-store`` on every response
  that does not say it is public (personal data must not stay in a browser's or
  a proxy's cache), and the headers Django has no setting for.
- ``DatabaseUnavailableMiddleware`` and ``server_error`` (``handler500``): a
  database that refuses connections or does not answer is a 503 with
  ``Retry-After``, problem+json in the API and a page on the web, never a 500
  and never a hang (``fasttrack.db``).

The Content-Security-Policy comes from django-csp (``CONTENT_SECURITY_POLICY``
in settings.py); the API's URL limit from ``fasttrack.api.middleware``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views import defaults

from fasttrack.api.problems import problem_response
from fasttrack.db import RETRY_AFTER_SECONDS, is_unavailable

logger = logging.getLogger("fasttrack.database")

API_PREFIX = "/api/"
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)

Middleware = Callable[[HttpRequest], HttpResponseBase]


def _cache_directives(response: HttpResponseBase) -> set[str]:
    value = response.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in value.split(",") if part.strip()}


class SecurityHeadersMiddleware:
    """No-store unless public, Permissions-Policy and Cross-Origin-Resource-Policy.

    No-store is the default rather than a decorator per view, so that a new
    view cannot forget it: every page behind a login, every API answer (the
    certificate included), calendar files, letters and exports hold personal
    data. A response that may be cached says so with ``Cache-Control: public``
    (``django.views.decorators.cache.cache_control(public=True)``); static
    files never get here, WhiteNoise answers them first with its long cache.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        directives = _cache_directives(response)
        if "public" not in directives and "no-store" not in directives:
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def database_unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """503 with Retry-After: problem+json under /api/, else the 503 page.

    Nothing here may touch the database: the page is rendered without the
    request, so no context processor looks up the user.
    """
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    logger.error(
        "Database unavailable, answered 503 to %s %s: %s: %s",
        request.method,
        request.path_info,
        type(error).__name__,
        first_line,
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path_info.startswith(API_PREFIX):
        response = problem_response(
            status=503,
            detail=gettext(
                "The database cannot be reached, so nothing was saved. "
                "Try again in %(seconds)d seconds."
            )
            % {"seconds": RETRY_AFTER_SECONDS},
            headers=headers,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
        for name, value in headers.items():
            response[name] = value
    # The line above says what happened; Django would add a second, vaguer one.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class DatabaseUnavailableMiddleware:
    """Answers a view's database outage with ``database_unavailable_response``.

    Views and template rendering raise into ``process_exception``; the API's
    exception handler passes outages on to it (``fasttrack.api.problems``).
    An outage raised by another middleware reaches ``server_error`` instead.
    """

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_unavailable(exception):
            return database_unavailable_response(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an outage is a 503 here too; an API error is problem+json."""
    error = sys.exc_info()[1]
    if error is not None and is_unavailable(error):
        return database_unavailable_response(request, error)
    if request.path_info.startswith(API_PREFIX):
        return problem_response(
            status=500,
            detail=gettext("Something went wrong on our side. The error has been logged."),
        )
    return defaults.server_error(request)
