"""A small API of the same kind as the real one, whose operations raise the
errors the case engine and Django raise, to test the error handlers."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.urls import path
from ninja import Schema

from fasttrack.api.api import FasttrackAPI
from fasttrack.api.auth import ApiTokenAuth
from fasttrack.api.idempotency import idempotent
from fasttrack.api.problems import Conflict
from fasttrack.cases.errors import InvalidTransition
from fasttrack.lib.rules.errors import RequestTooLate

api = FasttrackAPI(title="errors", version="test", auth=ApiTokenAuth(), urls_namespace="errors")


class Teapot(Exception):
    http_status = 418


class Answers(Schema):
    first_absence_day: str


@api.get("/transition")
def transition(request: HttpRequest) -> None:
    raise InvalidTransition(state="closed", action="accept")


@api.get("/rule")
def rule(request: HttpRequest) -> None:
    import datetime

    raise RequestTooLate(
        last_valid_day=datetime.date(2026, 3, 1),
        window_days=56,
        first_absence_day=datetime.date(2026, 1, 4),
    )


@api.get("/conflict")
def conflict(request: HttpRequest) -> None:
    raise Conflict()


@api.get("/teapot")
def teapot(request: HttpRequest) -> None:
    raise Teapot("short and stout")


@api.get("/missing")
def missing(request: HttpRequest) -> None:
    raise Http404("case 7 belongs to someone else")


@api.get("/does-not-exist")
def does_not_exist(request: HttpRequest) -> None:
    User.objects.get(username="nobody-at-all")


@api.get("/denied")
def denied(request: HttpRequest) -> None:
    raise PermissionDenied


@api.get("/model-invalid")
def model_invalid(request: HttpRequest) -> None:
    raise DjangoValidationError({"cvr": ["Not a CVR number."]})


@api.get("/crash")
def crash(request: HttpRequest) -> None:
    raise RuntimeError("secret internals: password=hunter2")


@api.post("/answers")
@idempotent
def answers(request: HttpRequest, payload: Answers) -> dict[str, str]:
    return {"ok": payload.first_absence_day}


urlpatterns = [path("api/", api.urls)]
