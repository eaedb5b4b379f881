"""URLs under ``/api/v1/``: the API, and problem+json for everything else."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from fasttrack.api.api import api
from fasttrack.api.problems import PROBLEM_CONTENT_TYPE, problem_response


def _problem_for_plain_405(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    # ninja answers a method a path does not have with a plain-text 405 before
    # any exception handler runs; give it the API's error format.
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            problem = problem_response(
                status=405,
                detail=gettext("This path does not accept the method %(method)s.")
                % {"method": request.method},
            )
            problem["Allow"] = response.get("Allow", "")
            return problem
        return response

    return wrapper


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return problem_response(status=404, detail=gettext("Not found, or not yours to see."))


def _api_patterns() -> list[URLPattern | URLResolver]:
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _problem_for_plain_405(pattern.callback)
    return list(patterns)


urlpatterns = [
    path("", (_api_patterns(), "api-v1", "api-v1")),
    # Anything else under /api/v1/ is a problem+json 404, not the HTML page.
    re_path(r"", not_found),
]
