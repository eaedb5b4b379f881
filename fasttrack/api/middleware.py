"""The API's own limits on URL length and request body, answered as problem+json."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext

from fasttrack.api.problems import problem_response, problem_type
from fasttrack.lib.validation import nul_paths

API_PREFIX = "/api/"
# Longest URL (path and query string) the API takes. Well below gunicorn's
# 4,094-byte request line, so that every over-long URL that reaches the
# application gets the API's error format; a request line beyond gunicorn's
# limit never gets here (docs/operations.md, "Request limits").
API_MAX_URL_LENGTH = 2048


class ApiUrlLengthMiddleware:
    """414 problem+json for an API URL over ``API_MAX_URL_LENGTH`` characters,
    before any routing, authentication or database work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            request.path_info.startswith(API_PREFIX)
            and len(request.get_full_path()) > API_MAX_URL_LENGTH
        ):
            return problem_response(
                status=414,
                detail=gettext("The URL is longer than %(limit)d characters.")
                % {"limit": API_MAX_URL_LENGTH},
            )
        return self.get_response(request)


def _too_large() -> HttpResponseBase:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return problem_response(
        status=413,
        detail=gettext("The body is larger than %(size)s MB. Send fewer items at a time.")
        % {"size": limit // (1024 * 1024)},
    )


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ApiBodyMiddleware:
    """The checks every API body gets before an endpoint parses it.

    A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is 413 (Django would raise);
    a JSON text with a NUL character, which no database column stores, is 422
    at each field that holds one. After the locale middleware, so that the
    messages follow ``Accept-Language``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(API_PREFIX) or request.method in ("GET", "HEAD"):
            return self.get_response(request)
        if _declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return _too_large()
        try:
            body = request.body
        except RequestDataTooBig:
            return _too_large()
        if request.content_type == "application/json" and b"\\u0000" in body:
            try:
                data = json.loads(body)
            except ValueError:
                data = None  # the endpoint answers for JSON it cannot read
            if paths := nul_paths(data):
                message = gettext("Remove the NUL character (\\u0000) from the text.")
                return problem_response(
                    status=422,
                    type=problem_type("validation"),
                    detail=gettext("Some fields are not valid; see errors."),
                    errors={path: [message] for path in paths},
                )
        return self.get_response(request)
