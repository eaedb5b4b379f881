"""The public JSON API v1: one NinjaAPI, a router per area."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from fasttrack.api import batch, cases, documents, feed, history, me, meetings, plans
from fasttrack.api.auth import ApiTokenAuth
from fasttrack.api.middleware import API_MAX_URL_LENGTH
from fasttrack.api.problems import PROBLEM_CONTENT_TYPE, install_exception_handlers
from fasttrack.api.throttling import TokenRateThrottle

DESCRIPTION = """\
The Fast track case system for payroll, HR and municipal systems.

**Authentication.** Every operation needs `Authorization: Bearer <token>`. An
administrator creates the first token with `fasttrack create_token USERNAME`;
`POST /me/tokens` creates more. A token acts as its user, with that user's one
role (employer, manager, employee, doctor, caseworker or jobcentre_manager) and
sees exactly what the user sees in the web pages. A missing, unknown or revoked
token, a user without a role, or a user blocked after failed logins answers 401.

**Errors** are `application/problem+json` (RFC 9457): `type`, `title`, `status`,
`detail`, and for every 422 `errors`, an object from field path to a list of
messages (`body` for the request as a whole); a Fast track rule that refuses
the request adds `rule_id`. 404 means "does not exist or is not yours": the API never
tells which. 409 means the state does not allow the request. Texts follow
`Accept-Language` (`da`, the default, or `en`).

**Idempotency.** POST and PUT accept an `Idempotency-Key` header. The same key
and body within 24 hours replays the first response (with
`Idempotency-Replayed: true`); the same key with another body is 422; while the
first request still runs, 409.

**Rate limit.** Requests are limited per token (by default 600 a minute);
beyond it the answer is 429 with `Retry-After` in seconds.

**Outages.** While the database cannot be reached the answer is 503 with
`Retry-After` in seconds; nothing was saved, so send the request again then.

**Lists** are paginated with cursors: `{items, next}`; pass `next` as `cursor`
for the following page until `next` is null. `limit` is 1 to 200 (default 50).

**Dates** are ISO 8601 `YYYY-MM-DD`; times are ISO 8601 with an offset.
"""


class FasttrackAPI(NinjaAPI):
    """NinjaAPI whose errors are all problem+json, in the code and in the
    OpenAPI document."""

    def set_default_exception_handlers(self) -> None:
        install_exception_handlers(self)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = PROBLEM_SCHEMA
        components["ValidationProblem"] = VALIDATION_PROBLEM_SCHEMA
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                _document_problems(method, operation)
        return schema


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error (RFC 9457).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {
            "type": "string",
            "description": "about:blank, or urn:fasttrack:problem:<name> (see docs/api.md).",
            "examples": ["about:blank"],
        },
        "title": {"type": "string", "description": "Short, per type.", "examples": ["Not found"]},
        "status": {"type": "integer", "description": "The HTTP status.", "examples": [404]},
        "detail": {
            "type": "string",
            "description": "What went wrong, in the request's language.",
            "examples": ["Not found, or not yours to see."],
        },
        "rule_id": {
            "type": "string",
            "description": "For a rule violation: the rule's ID in RULES.md.",
            "examples": ["R-03"],
        },
    },
}

VALIDATION_PROBLEM_SCHEMA: dict[str, Any] = {
    "allOf": [{"$ref": "#/components/schemas/Problem"}],
    "type": "object",
    "description": (
        "Invalid input, or a Fast track rule that refuses it (with `rule_id`): the messages "
        "per field path (dotted for nested fields); `body` for the request as a whole."
    ),
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "object",
            "description": (
                "Field path (dotted when nested) to its messages; `body` for the request as "
                "a whole. Every 422 has it."
            ),
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "examples": [{"first_absence_day": ["Enter a date as YYYY-MM-DD."]}],
        }
    },
}

_PROBLEM_DESCRIPTIONS = {
    "401": "No valid token: missing, unknown, revoked, a user without a role, or a blocked user.",
    "403": "A party to the case, or a role, that may not take this action.",
    "404": "Not found, or not yours to see.",
    "409": "The current state does not allow this (or the Idempotency-Key is in use).",
    "422": (
        "Invalid input, or a rule that refuses it (`rule_id`), or an Idempotency-Key reused "
        "with another body; `errors` names the fields."
    ),
    "414": f"The URL is longer than {API_MAX_URL_LENGTH} characters.",
    "429": "Too many requests with this token; see `Retry-After` (seconds).",
    "503": "The database cannot be reached; nothing was saved. See `Retry-After` (seconds).",
}


def _problem_content(name: str) -> dict[str, Any]:
    return {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _document_problems(method: str, operation: dict[str, Any]) -> None:
    # ninja keys responses by int; JSON has only strings, so normalise first.
    responses = {str(code): value for code, value in operation.get("responses", {}).items()}
    operation["responses"] = responses
    codes = ["401", "414", "429", "503"]
    if operation.get("parameters") or operation.get("requestBody"):
        codes.append("422")
    if method in ("post", "put", "patch"):
        codes += ["403", "409"]
    if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
        codes.append("404")
    for code in codes:
        responses.setdefault(code, {"description": _PROBLEM_DESCRIPTIONS[code]})
    for code, response in responses.items():
        if code.startswith(("4", "5")):
            response["content"] = _problem_content(
                "ValidationProblem" if code == "422" else "Problem"
            )
            response.setdefault("description", _PROBLEM_DESCRIPTIONS.get(code, "Error"))
    operation["responses"] = dict(sorted(responses.items()))
    for code in ("429", "503"):
        responses[code]["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before the next request.",
                "schema": {"type": "integer"},
            }
        }


api = FasttrackAPI(
    title="Fasttrack API",
    version="1",
    description=DESCRIPTION,
    auth=ApiTokenAuth(),
    throttle=[TokenRateThrottle()],
    urls_namespace="api-v1",
)
api.add_router("", me.router)
# Ahead of the cases: their /cases/{case_id} would take /cases/batch.
api.add_router("", batch.router)
api.add_router("", cases.router)
api.add_router("", meetings.router)
api.add_router("", plans.router)
api.add_router("", documents.router)
api.add_router("", history.router)
api.add_router("", feed.router)
