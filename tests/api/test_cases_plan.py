"""The retention plan through the API (R-20, R-22)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from fasttrack.cases import actions
from fasttrack.plans.models import PlanVersion

# The plan's dates come after the case's first absence day, whatever today is.
DUE = (timezone.localdate() + timedelta(days=9)).isoformat()
EVALUATE = (timezone.localdate() + timedelta(days=40)).isoformat()
PLAN: dict[str, Any] = {
    "summary": "Back on 20 hours a week with lighter tasks.",
    "measures": [
        {
            "kind": "adjusted_functions",
            "description": "No lifting above 10 kg",
            "owner": "Employer",
            "due_on": DUE,
        },
        {"kind": "treatment", "description": "Physiotherapy", "owner": "Employee"},
    ],
    "partial_leave_hours_per_week": 17.5,
    "evaluate_on": EVALUATE,
}


def plan_path(case):
    return f"/api/v1/cases/{case.pk}/plan"


@pytest.fixture
def caseworker(personas, api_as):
    return api_as(personas.sagsbehandler)


def test_the_caseworker_writes_the_plan(caseworker, active_case):
    response = caseworker.put(plan_path(active_case), PLAN)

    assert response.status_code == 200
    plan = response.json()
    assert plan["version"] == 1
    assert plan["summary"] == PLAN["summary"]
    assert plan["measures"] == [
        PLAN["measures"][0],
        {**PLAN["measures"][1], "due_on": None},
    ]
    assert plan["partial_leave_hours_per_week"] == 17.5
    assert plan["evaluate_on"] == EVALUATE
    assert plan["employer_confirmed_at"] is None
    assert plan["employee_confirmed_at"] is None
    stored = PlanVersion.objects.get(plan__case=active_case)
    assert stored.partial_leave_hours_per_week == Decimal("17.5")
    assert stored.created_by.username == "sagsbehandler"


def test_each_write_is_a_new_version_and_the_read_gives_the_newest(
    caseworker, active_case, personas, api_as
):
    caseworker.put(plan_path(active_case), PLAN)
    second = caseworker.put(plan_path(active_case), {**PLAN, "summary": "Full time by March."})

    assert second.json()["version"] == 2
    read = api_as(personas.janni).get(plan_path(active_case))
    assert read.status_code == 200
    assert read.json()["version"] == 2
    assert read.json()["summary"] == "Full time by March."
    assert PlanVersion.objects.filter(plan__case=active_case).count() == 2


def test_a_plan_without_partial_leave_or_measures(caseworker, active_case):
    response = caseworker.put(plan_path(active_case), {"summary": "Full-time absence for now."})

    assert response.status_code == 200
    assert response.json()["measures"] == []
    assert response.json()["partial_leave_hours_per_week"] is None


def test_too_few_hours_of_partial_leave_is_422_r22(caseworker, active_case):
    response = caseworker.put(plan_path(active_case), {**PLAN, "partial_leave_hours_per_week": 3})

    assert response.status_code == 422
    assert response.json()["type"] == "urn:fasttrack:problem:rule-violation"
    assert response.json()["rule_id"] == "R-22"
    assert list(response.json()["errors"]) == ["partial_leave_hours_per_week"]
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"measures": [{"kind": "massage"}]}, "measures.0.kind"),
        ({"measures": [{"description": "No kind"}]}, "measures.0.kind"),
        ({"measures": ["aids"]}, "measures.0"),
        ({"summary": ""}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"partial_leave_hours_per_week": -1}, "partial_leave_hours_per_week"),
        ({"partial_leave_hours_per_week": 4.25}, "partial_leave_hours_per_week"),
        ({"evaluate_on": "soon"}, "evaluate_on"),
    ],
)
def test_bad_input_is_422_on_its_field(change, field, caseworker, active_case):
    response = caseworker.put(plan_path(active_case), {**PLAN, **change})

    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"evaluate_on": "2020-01-15"}, "evaluate_on"),
        (
            {"measures": [PLAN["measures"][1], {**PLAN["measures"][0], "due_on": "2020-01-15"}]},
            "measures.1.due_on",
        ),
    ],
)
def test_a_date_before_the_absence_is_422_on_its_field_r33(change, field, caseworker, active_case):
    response = caseworker.put(plan_path(active_case), {**PLAN, **change})

    assert response.status_code == 422, response.json()
    problem = response.json()
    assert (problem["type"], problem["rule_id"]) == ("urn:fasttrack:problem:rule-violation", "R-33")
    assert list(problem["errors"]) == [field]
    assert not PlanVersion.objects.exists()


def test_a_plan_before_the_consent_is_409(caseworker, make_case):
    response = caseworker.put(plan_path(make_case()), PLAN)

    assert response.status_code == 409
    assert response.json()["type"] == "urn:fasttrack:problem:invalid-transition"


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("hr", 403),
        ("leder", 403),
        ("janni", 403),
        ("jobcenterchef", 403),
        ("anden-hr", 404),
        ("anden-sagsbehandler", 404),
    ],
)
def test_only_the_caseworker_writes_it(username, status, personas, api_as, active_case):
    response = api_as(personas.all()[username]).put(plan_path(active_case), PLAN)

    assert response.status_code == status
    assert not PlanVersion.objects.exists()


def test_no_plan_yet_is_404(personas, api_as, active_case):
    assert api_as(personas.janni).get(plan_path(active_case)).status_code == 404


def test_every_party_but_the_doctor_reads_it(personas, api_as, active_case):
    actions.request_certificate(case=active_case, actor=personas.sagsbehandler)
    api_as(personas.sagsbehandler).put(plan_path(active_case), PLAN)
    expected = {
        "hr": 200,
        "leder": 200,
        "janni": 200,
        "sagsbehandler": 200,
        "jobcenterchef": 200,
        "laege": 404,
        "anden-hr": 404,
        "anden-sagsbehandler": 404,
    }

    answers = {
        username: api_as(user).get(plan_path(active_case)).status_code
        for username, user in personas.all().items()
    }

    assert answers == expected
    # The doctor is a party of this case, but the plan is not theirs to read.
    assert api_as(personas.laege).get(f"/api/v1/cases/{active_case.pk}").status_code == 200
