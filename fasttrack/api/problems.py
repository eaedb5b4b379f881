"""Errors as ``application/problem+json`` (RFC 9457), for every API response.

Shape: ``{type, title, status, detail}``; validation problems add
``errors``, a mapping from field path to a list of messages
(``{"errors": {"answers.affected_functions": ["This field is required."]}}``);
rule violations add ``rule_id``. Every 422 carries ``errors``, as the OpenAPI
document says: a rule violation names the field it concerns (the rule's
``field``), and one that concerns the request as a whole names ``body``.
``type`` is ``about:blank`` when the HTTP
status says it all, else a ``urn:fasttrack:problem:<name>`` identifier that
docs/api.md lists (an identifier, not a link to follow).

Titles and details are in the request's language (Accept-Language, Danish by
default). Nothing internal (exception text, SQL, paths) is ever sent for a 500.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from fasttrack.cases.errors import InvalidTransition, NotPermitted, localized_message
from fasttrack.db import is_unavailable
from fasttrack.lib.rules.errors import RuleViolation

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("fasttrack.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:fasttrack:problem:"
# The key in ``errors`` for what concerns the request (its body) as a whole.
WHOLE_REQUEST = "body"

# The titles of plain HTTP problems (type about:blank), translatable.
STATUS_TITLES: dict[int, Promise] = {
    400: _("Bad request"),
    401: _("Authentication required"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    413: _("Request too large"),
    414: _("URL too long"),
    415: _("Unsupported media type"),
    422: _("Invalid input"),
    429: _("Too many requests"),
    500: _("Internal server error"),
    503: _("Service unavailable"),
}


def _status_title(status: int) -> str:
    if status in STATUS_TITLES:
        return str(STATUS_TITLES[status])
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def problem_type(name: str) -> str:
    return f"{PROBLEM_TYPE_PREFIX}{name}"


def problem_response(
    *,
    status: int,
    detail: str | Promise,
    title: str | Promise | None = None,
    type: str = "about:blank",
    errors: Mapping[str, Sequence[str | Promise]] | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": type,
        "title": str(title if title is not None else _status_title(status)),
        "status": status,
        "detail": str(detail),
    }
    if errors is None and status == 422:
        # The contract: every 422 says which input it concerns.
        errors = {WHOLE_REQUEST: [detail]}
    if errors is not None:
        body["errors"] = {field: [str(m) for m in messages] for field, messages in errors.items()}
    body.update(extensions)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False).encode(),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ApiError(Exception):
    """Base of the API's own errors; subclasses set ``http_status`` and texts.

    Any exception with an integer ``http_status`` attribute, from any layer, is
    answered with that status; these classes just add a title and a type.
    """

    http_status = 400
    problem = "bad-request"
    title: str | Promise = _("Bad request")
    default_detail: str | Promise = _("The request cannot be processed.")

    def __init__(self, detail: str | Promise | None = None, **extensions: Any) -> None:
        self.detail = detail if detail is not None else self.default_detail
        self.extensions = extensions
        super().__init__(str(self.detail))


class Conflict(ApiError):
    """The request clashes with the current state of a resource (409)."""

    http_status = 409
    problem = "conflict"
    title = _("Conflict")
    default_detail = _("The request conflicts with the current state of the resource.")


class InvalidInput(ApiError):
    """Input that passed the schema but not a check in the code (422), per field."""

    http_status = 422
    problem = "validation"
    title = _("Invalid input")
    default_detail = _("Some fields are not valid; see errors.")

    def __init__(
        self,
        errors: Mapping[str, Sequence[str | Promise]],
        detail: str | Promise | None = None,
    ) -> None:
        self.errors = errors
        super().__init__(detail)


# --- validation errors from the request schemas ------------------------------

# The few pydantic error types a client meets most, in words we can translate;
# anything else keeps pydantic's English message.
_PYDANTIC_MESSAGES: dict[str, Promise] = {
    "missing": _("This field is required."),
    "extra_forbidden": _("This field is not allowed."),
    "string_too_short": _("This value is too short."),
    "string_too_long": _("This value is too long."),
    "string_type": _("Enter a text."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "bool_parsing": _("Enter true or false."),
    "bool_type": _("Enter true or false."),
    "date_parsing": _("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
    "date_type": _("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": _("Enter a time as ISO 8601 with an offset."),
    "datetime_from_date_parsing": _("Enter a time as ISO 8601 with an offset."),
    "datetime_type": _("Enter a time as ISO 8601 with an offset."),
    "timezone_aware": _("Enter a time as ISO 8601 with an offset."),
    # fasttrack.api.fields.AwareTime
    "time_out_of_range": _(
        "Enter a time with an offset from -12:00 to +14:00, before the year 2100."
    ),
    "list_type": _("Send a list."),
    "json_invalid": _("The body is not valid JSON."),
    "model_attributes_type": _("Send a JSON object."),
    "dict_type": _("Send a JSON object."),
}


def _field_path(location: Sequence[Any], body_params: set[str]) -> str:
    """``("body", "payload", "answers", "x")`` -> ``"answers.x"``; a query or
    header parameter keeps its own name; the body as a whole is ``"body"``."""
    if not location:
        return WHOLE_REQUEST
    source, *rest = location
    if source == "body" and rest and rest[0] in body_params:
        rest = rest[1:]
    return ".".join(str(part) for part in rest) or str(source)


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        limit = next(iter(error.get("ctx", {}).values()), "")
        template = {
            "greater_than_equal": _("Enter a value of at least %(limit)s."),
            "less_than_equal": _("Enter a value of at most %(limit)s."),
            "greater_than": _("Enter a value above %(limit)s."),
            "less_than": _("Enter a value below %(limit)s."),
        }[kind]
        return str(template) % {"limit": limit}
    if kind == "literal_error":
        return str(_("Choose one of %(choices)s.")) % {
            "choices": error.get("ctx", {}).get("expected", "")
        }
    if kind in _PYDANTIC_MESSAGES:
        return str(_PYDANTIC_MESSAGES[kind])
    return str(error.get("msg", gettext("This value is not valid.")))


def validation_errors(errors: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    # ninja names the body by its view parameter; clients know only the fields.
    body_params = {"payload", "body", "data"}
    result: dict[str, list[str]] = {}
    for error in errors:
        result.setdefault(_field_path(error.get("loc", ()), body_params), []).append(
            _message(error)
        )
    return result


# --- the handlers -------------------------------------------------------------


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem_response(
        status=422,
        type=problem_type("validation"),
        detail=gettext("Some fields are not valid; see errors."),
        errors=validation_errors(exc.errors),
    )


def _on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # RFC 6750 §3: say error="invalid_token" only when a token was sent. The
    # detail is the same for a missing, unknown or revoked token and for a user
    # without a role, so a caller learns nothing about which it was.
    challenge = 'Bearer realm="fasttrack"'
    if request.headers.get("Authorization"):
        challenge += ', error="invalid_token"'
    return problem_response(
        status=401,
        detail=gettext(
            "A valid API token is required. Send it as 'Authorization: Bearer <token>'."
        ),
        headers={"WWW-Authenticate": challenge},
    )


def _on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    # Retry-After is whole seconds (RFC 9110); round up, and never say 0.
    wait = max(1, math.ceil(exc.wait or 1))
    return problem_response(
        status=429,
        detail=gettext("Too many requests with this token. Try again in %(seconds)d seconds.")
        % {"seconds": wait},
        headers={"Retry-After": str(wait)},
    )


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own HttpError; its English message is not shown, the status title is.
    status = exc.status_code
    if status == 400:
        # ninja's only 400 is a body it cannot parse. The contract answers all
        # invalid input with 422 and field errors, so clients handle one case.
        return problem_response(
            status=422,
            type=problem_type("validation"),
            detail=gettext("Some fields are not valid; see errors."),
            errors={WHOLE_REQUEST: [gettext("The body is not valid JSON.")]},
        )
    return problem_response(status=status, detail=_status_title(status))


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # what does not exist and what is not yours look exactly the same.
    return problem_response(status=404, detail=gettext("Not found, or not yours to see."))


def _on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(status=403, detail=gettext("You may not do this."))


def _on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: list(messages) for field, messages in exc.message_dict.items()}
    else:
        errors = {WHOLE_REQUEST: list(exc.messages)}
    return problem_response(
        status=422,
        type=problem_type("validation"),
        detail=gettext("Some fields are not valid; see errors."),
        errors=errors,
    )


def _rule_violation_status(exc: Exception) -> int | None:
    """409 for the engine's state errors, 403 for a party who may not act, 422 for
    other rule breaches, else None."""
    if not isinstance(exc, RuleViolation):
        return None
    if isinstance(exc, InvalidTransition):
        return 409
    if isinstance(exc, NotPermitted):
        return 403
    return 422


def _problem_for_status(request: HttpRequest, exc: Exception, status: int) -> HttpResponse:
    if isinstance(exc, InvalidInput):
        return problem_response(
            status=status,
            type=problem_type(exc.problem),
            title=exc.title,
            detail=exc.detail,
            errors=exc.errors,
        )
    if isinstance(exc, ApiError):
        return problem_response(
            status=status,
            type=problem_type(exc.problem),
            title=exc.title,
            detail=exc.detail,
            **exc.extensions,
        )
    if isinstance(exc, RuleViolation):
        kind = "invalid-transition" if status == 409 else "rule-violation"
        message = localized_message(exc)
        # A breach of an input names it, as a validation error would;
        # a 422 about the request as a whole names the body (problem_response).
        fields = exc.field_paths()
        return problem_response(
            status=status,
            type=problem_type(kind),
            detail=message,
            errors={field: [message] for field in fields} or None,
            rule_id=exc.rule_id,
        )
    if status == 404:
        return _on_not_found(request, exc)
    return problem_response(status=status, detail=_status_title(status))


def _on_any_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
    status = getattr(exc, "http_status", None)
    if not (isinstance(status, int) and 400 <= status < 600):
        status = _rule_violation_status(exc)
    if status is not None:
        return _problem_for_status(request, exc, status)
    logger.error("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
    # Lets error reporters (and Django's test client) see the exception.
    got_request_exception.send(sender=None, request=request)
    return problem_response(
        status=500,
        detail=gettext("Something went wrong on our side. The error has been logged."),
    )


def _on_database_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    if is_unavailable(exc):
        # Pages and API answer an outage in one place, fasttrack.middleware's
        # DatabaseUnavailableMiddleware: a 503 with Retry-After.
        raise exc
    return _on_any_exception(request, exc)


def install_exception_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers: every error becomes problem+json."""
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Exception, _on_any_exception),
        (ValidationError, _on_validation_error),
        (HttpError, _on_http_error),
        (AuthenticationError, _on_authentication_error),
        (Throttled, _on_throttled),
        (Http404, _on_not_found),
        (ObjectDoesNotExist, _on_not_found),
        (PermissionDenied, _on_permission_denied),
        (DjangoValidationError, _on_django_validation_error),
        (OperationalError, _on_database_error),
        (InterfaceError, _on_database_error),
    ]
    for exception_class, handler in handlers:
        api.add_exception_handler(exception_class, handler)
