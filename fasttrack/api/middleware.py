"""The API's own limit on URL length, answered as problem+json."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext

from fasttrack.api.problems import problem_response

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
