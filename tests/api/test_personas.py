"""Every endpoint of the API as each of the eight personas: the contract's status
for each (DESIGN.md §6, R-28).

The world: Janni has two cases at Nordisk Fabrik with Lars (leder) as nearest
manager. ``waiting`` awaits her consent. ``running`` runs: Karen (laege) sent
a certificate and has been asked again (so a further request is 409 for the
caseworker: one open request at a time, R-35), a retention meeting with Janni,
Lars and Sofie (sagsbehandler) booked two days ago began an hour ago, and there
is a plan. The other employer and the Frederiksberg caseworker are parties to
neither.

To extend: add a line to ``CONTRACT`` (and a body to ``BODIES`` for a write).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from fasttrack.api.models import ApiToken
from fasttrack.api.tokens import issue_token
from fasttrack.cases import actions
from fasttrack.documents import actions as documents
from fasttrack.meetings.models import MeetingKind
from fasttrack.people.demo import build_demo_world
from tests.api.conftest import (
    EMPLOYEE_ANSWERS,
    JANNI_CPR,
    NORDISK_FABRIK,
    ApiClient,
    request_case,
)
from tests.conftest import Personas

PERSONAS = {
    "hr": "hr",
    "leder": "leder",
    "janni": "janni",
    "laege": "laege",
    "sagsb": "sagsbehandler",
    "chef": "jobcenterchef",
    "ahr": "anden-hr",
    "asb": "anden-sagsbehandler",
}

# One line per endpoint, one column per persona: the status that persona gets.
CONTRACT = """
request                                                hr leder janni laege sagsb  chef   ahr   asb
GET    /me                                            200   200   200   200   200   200   200   200
GET    /me/tokens                                     200   200   200   200   200   200   200   200
POST   /me/tokens                                     201   201   201   201   201   201   201   201
DELETE /me/tokens/{prefix}                            204   204   204   204   204   204   204   204
GET    /me/access-log                                 404   404   200   404   404   404   404   404
GET    /me/export                                     404   404   200   404   404   404   404   404
GET    /cases                                         200   200   200   200   200   200   200   200
POST   /cases                                         201   403   201   403   201   403   422   422
POST   /cases/batch                                   200   403   403   403   403   403   200   403
POST   /cases/batch/csv                               200   403   403   403   403   403   200   403
GET    /cases/{case}                                  200   200   200   200   200   200   404   404
POST   /cases/{waiting}/consent                       403   403   200   404   403   403   404   404
POST   /cases/{waiting}/decision                      403   403   403   404   409   403   404   404
POST   /cases/{case}/certificate-request              403   403   403   403   409   403   404   404
PUT    /cases/{case}/certificate                      403   403   403   200   403   403   404   404
GET    /cases/{case}/certificate                      404   404   200   200   200   404   404   404
POST   /cases/{case}/meetings                         403   403   403   403   201   403   404   404
POST   /cases/{case}/meetings/{meeting}/held          403   403   403   403   200   403   404   404
GET    /cases/{case}/meetings/{meeting}/invite.ics    404   200   200   404   200   200   404   404
GET    /cases/{case}/plan                             200   200   200   404   200   200   404   404
PUT    /cases/{case}/plan                             403   403   403   403   200   403   404   404
GET    /cases/{case}/events                           200   200   200   200   200   200   404   404
GET    /events                                        200   200   200   200   200   200   200   200
GET    /cases/{case}/documents                        200   200   200   200   200   200   404   404
POST   /cases/{case}/retention-plan-requests          403   403   409   403   403   403   404   404
POST   /cases/{case}/retention-plan-requests/{req}/answer 200 200 403 404 403 403 404 404
POST   /cases/{case}/opportunity-statements           409   409   409   403   403   403   404   404
PUT    /cases/{case}/opportunity-statements/{stmt}/part-1   409 409 409 403 403 403 404 404
POST   /cases/{case}/opportunity-statements/{stmt}/confirm  409 409 409 403 403 403 404 404
PUT    /cases/{case}/opportunity-statements/{stmt}/part-2   403 403 403 200 403 403 404 404
"""


def _first_absence_day() -> str:
    return (timezone.localdate() - timedelta(days=5)).isoformat()


BODIES: dict[str, Callable[[], dict[str, Any] | bytes]] = {
    "POST /me/tokens": lambda: {"name": "Payroll 2026"},
    "POST /cases": lambda: {
        "employee_cpr": JANNI_CPR,
        "first_absence_day": _first_absence_day(),
        "expects_over_8_weeks": True,
        "employer_cvr": NORDISK_FABRIK,
        "answers": EMPLOYEE_ANSWERS,
        # Janni's first case is still open: this is another absence.
        "new_absence": True,
    },
    # Another employer's batch is answered row by row: the row is refused, not the batch.
    "POST /cases/batch": lambda: {
        "requests": [
            {
                "employee_cpr": JANNI_CPR,
                "first_absence_day": _first_absence_day(),
                "expects_over_8_weeks": True,
            }
        ]
    },
    "POST /cases/batch/csv": lambda: (
        f"employee_cpr;first_absence_day;expects_over_8_weeks\n{JANNI_CPR};{_first_absence_day()};ja\n"
    ).encode(),
    "POST /cases/{waiting}/consent": lambda: {"accept": True, "answers": EMPLOYEE_ANSWERS},
    "POST /cases/{waiting}/decision": lambda: {"continue_fast_track": True, "reason": "Late."},
    "POST /cases/{case}/certificate-request": lambda: {"due_in_days": 14},
    "PUT /cases/{case}/certificate": lambda: {
        "diagnosis": "Secret diagnosis",
        "work_capacity": "Four hours a day",
    },
    "POST /cases/{case}/meetings": lambda: {
        "kind": "first_conversation",
        "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
        "location": "Jobcenter København",
    },
    "POST /cases/{case}/meetings/{meeting}/held": lambda: {"minutes": "Agreed on a plan."},
    "PUT /cases/{case}/plan": lambda: {"summary": "Back part time.", "measures": []},
    "POST /cases/{case}/retention-plan-requests": lambda: {"message": "A plan, please."},
    "POST /cases/{case}/retention-plan-requests/{req}/answer": lambda: {
        "prepare": True,
        "work_functions": "The canteen.",
    },
    "POST /cases/{case}/opportunity-statements": lambda: {},
    "PUT /cases/{case}/opportunity-statements/{stmt}/part-1": lambda: {
        "job_functions": "Packing.",
        "can_do": "Light tasks.",
        "cannot_do": "Lifting.",
    },
    "POST /cases/{case}/opportunity-statements/{stmt}/confirm": lambda: {},
    "PUT /cases/{case}/opportunity-statements/{stmt}/part-2": lambda: {
        "doctor_assessment": "Light tasks only.",
    },
}


@dataclass(frozen=True)
class Expectation:
    method: str
    path: str
    persona: str
    status: int

    @property
    def request(self) -> str:
        return f"{self.method} {self.path}"


def _contract() -> list[Expectation]:
    header, *lines = CONTRACT.strip().splitlines()
    columns = header.split()[1:]
    expectations = []
    for line in lines:
        method, path, *statuses = line.split()
        assert len(statuses) == len(columns), line
        for column, status in zip(columns, statuses, strict=True):
            expectations.append(Expectation(method, path, PERSONAS[column], int(status)))
    return expectations


EXPECTATIONS = _contract()


@dataclass
class World:
    ids: dict[str, int]
    personas: Personas

    def path(self, template: str, prefix: str) -> str:
        return "/api/v1" + template.format(prefix=prefix, **self.ids)


def _build_world() -> World:
    demo_world = build_demo_world()
    users = {u.username: u for u in User.objects.select_related("membership")}
    personas = Personas(**{name.replace("-", "_"): user for name, user in users.items()})
    caseworker = personas.sagsbehandler
    waiting = request_case(demo_world, personas, days_ago=3)
    running = request_case(demo_world, personas, days_ago=10)
    actions.accept(case=running, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.request_certificate(case=running, actor=caseworker)
    actions.record_certificate(
        case=running,
        actor=personas.laege,
        diagnosis="Secret diagnosis",
        work_capacity="Some",
        considerations="",
        expected_return="",
        remarks="",
    )
    actions.request_certificate(case=running, actor=caseworker)
    meeting = actions.book_meeting(
        case=running,
        actor=caseworker,
        kind=MeetingKind.RETENTION_MEETING,
        # Its day has come, so it can be recorded as held.
        starts_at=timezone.now() - timedelta(hours=1),
        now=timezone.now() - timedelta(days=2),
        location="Nordisk Fabrik A/S",
        participants=[
            {"user": personas.janni, "name": "Janni Mikkelsen", "role": "employee"},
            {"user": personas.leder, "name": "Lars Eriksen", "role": "manager"},
            {"user": caseworker, "name": "Sofie Bech", "role": "caseworker"},
        ],
    )
    actions.record_plan(case=running, actor=caseworker, summary="A plan.", measures=[])
    # An unanswered § 7 b request, and a mulighedserklæring with the doctor.
    plan_request = documents.request_retention_plan(case=running, actor=personas.janni)
    statement = documents.start_opportunity_statement(case=running, actor=personas.hr)
    documents.save_part_one(
        case=running,
        actor=personas.hr,
        statement=statement,
        job_functions="Packing.",
        can_do="Light tasks.",
        cannot_do="Lifting.",
    )
    documents.confirm_part_one(case=running, actor=personas.hr, statement=statement)
    documents.confirm_part_one(case=running, actor=personas.janni, statement=statement)
    ids = {
        "waiting": waiting.pk,
        "case": running.pk,
        "meeting": meeting.pk,
        "req": plan_request.pk,
        "stmt": statement.pk,
    }
    return World(ids, personas)


@pytest.fixture(scope="module")
def _world_of_the_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    # Built once per module, not per test: its actions cost most of the table's
    # time. Each test runs in a savepoint inside this transaction, which is
    # rolled back when the module is done, so no test sees another's changes.
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(db: None, _world_of_the_module: World) -> World:
    return _world_of_the_module


def _call(api: ApiClient, method: str, path: str, body: dict[str, Any] | bytes | None) -> Any:
    if method == "GET":
        return api.get(path)
    if method == "DELETE":
        return api.delete(path)
    if isinstance(body, bytes):
        return api.client.post(path, body, content_type="text/csv", headers=api.headers())
    return getattr(api, method.lower())(path, body)


@pytest.mark.parametrize("expected", EXPECTATIONS, ids=lambda e: f"{e.request} as {e.persona}")
def test_each_persona_gets_the_status_of_the_contract(expected: Expectation, world: World) -> None:
    user = world.personas.all()[expected.persona]
    api = ApiClient(issue_token(user=user, name="persona test")[1])
    # The token to revoke, so that the one in use stays valid.
    spare, _ = issue_token(user=user, name="spare")
    body = BODIES[expected.request]() if expected.request in BODIES else None

    response = _call(api, expected.method, world.path(expected.path, spare.prefix), body)

    assert response.status_code == expected.status, response.content
    if expected.request == "DELETE /me/tokens/{prefix}":
        assert ApiToken.objects.get(pk=spare.pk).revoked_at is not None


# The table's placeholders as the OpenAPI document names them.
OPENAPI_NAMES = {
    "{case}": "{case_id}",
    "{waiting}": "{case_id}",
    "{meeting}": "{meeting_id}",
    "{req}": "{request_id}",
    "{stmt}": "{statement_id}",
}


def test_the_contract_covers_every_operation_of_the_api() -> None:
    from fasttrack.api.api import api

    operations = {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, item in api.get_openapi_schema()["paths"].items()
        for method in item
    }
    covered = set()
    for e in EXPECTATIONS:
        path = e.path
        for ours, documented in OPENAPI_NAMES.items():
            path = path.replace(ours, documented)
        covered.add(f"{e.method} {path}")
    assert covered == operations
    assert {e.persona for e in EXPECTATIONS} == set(PERSONAS.values())


@pytest.mark.parametrize("username", ["hr", "leder"])
def test_the_employer_side_never_sees_the_employees_answers(
    username: str, world: World, api_as: Any
) -> None:
    api = api_as(world.personas.all()[username])

    case = api.get(world.path("/cases/{case}", "")).json()

    assert case["answers"]["employee"] is None
    assert case["answers"]["employer"] is not None
    assert "medical_certificate" not in {d["key"] for d in case["deadlines"]}
    assert api.get(world.path("/cases/{case}/certificate", "")).status_code == 404


@pytest.mark.parametrize("username", ["janni", "sagsbehandler", "jobcenterchef"])
def test_the_employee_and_the_jobcentre_see_both_answers(
    username: str, world: World, api_as: Any
) -> None:
    case = api_as(world.personas.all()[username]).get(world.path("/cases/{case}", "")).json()

    assert case["answers"]["employee"]["affected_functions"] == "Standing"
