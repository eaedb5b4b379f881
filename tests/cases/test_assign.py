"""Assigning the case to a caseworker of its municipality."""

from __future__ import annotations

from datetime import date

import pytest

from fasttrack.audit.models import CaseEvent
from fasttrack.cases import actions
from fasttrack.cases.errors import InvalidTransition, NotPermitted
from fasttrack.cases.models import FastTrackCase
from tests.cases.conftest import EMPLOYEE_ANSWERS

D0 = date(2026, 2, 23)
REQUESTED = date(2026, 3, 2)


def _assigned_events(case: FastTrackCase) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, verb="caseworker_assigned"))


def test_it_assigns_the_case_to_the_caseworker_and_records_one_event(employer_request, personas):
    case = employer_request(first_absence_day=D0, today=REQUESTED)

    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)

    case.refresh_from_db()
    assert case.caseworker == personas.sagsbehandler
    [event] = _assigned_events(case)
    assert event.actor == personas.sagsbehandler
    assert event.old == {"caseworker_id": None, "caseworker": None}
    assert event.new == {"caseworker_id": personas.sagsbehandler.pk, "caseworker": "Sofie Bech"}
    assert event.visible_to_employer


def test_it_lets_the_jobcentre_manager_assign_a_caseworker(employer_request, personas):
    case = employer_request(first_absence_day=D0, today=REQUESTED)

    actions.assign_caseworker(
        case=case, actor=personas.jobcenterchef, caseworker=personas.sagsbehandler
    )

    case.refresh_from_db()
    assert case.caseworker == personas.sagsbehandler
    assert _assigned_events(case)[0].actor == personas.jobcenterchef


def test_it_changes_nothing_when_the_same_caseworker_is_assigned_again(employer_request, personas):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)

    actions.assign_caseworker(case=case, actor=personas.sagsbehandler)

    assert len(_assigned_events(case)) == 1


@pytest.mark.parametrize("persona", ["hr", "leder", "janni", "anden_sagsbehandler"])
def test_it_refuses_actors_outside_the_jobcentre_of_the_case(employer_request, personas, persona):
    case = employer_request(first_absence_day=D0, today=REQUESTED)

    with pytest.raises(NotPermitted):
        actions.assign_caseworker(
            case=case, actor=getattr(personas, persona), caseworker=personas.sagsbehandler
        )

    case.refresh_from_db()
    assert case.caseworker is None
    assert not _assigned_events(case)


@pytest.mark.parametrize("persona", ["anden_sagsbehandler", "jobcenterchef", "hr"])
def test_it_refuses_anyone_but_a_caseworker_of_the_municipality(
    employer_request, personas, persona
):
    case = employer_request(first_absence_day=D0, today=REQUESTED)

    with pytest.raises(NotPermitted):
        actions.assign_caseworker(
            case=case, actor=personas.jobcenterchef, caseworker=getattr(personas, persona)
        )

    case.refresh_from_db()
    assert case.caseworker is None
    assert not _assigned_events(case)


def test_it_refuses_on_a_closed_case(employer_request, personas, travel):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    travel(date(2026, 3, 3))
    actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    actions.close(case=case, actor=personas.sagsbehandler, outcome="other")

    with pytest.raises(InvalidTransition):
        actions.assign_caseworker(case=case, actor=personas.sagsbehandler)

    case.refresh_from_db()
    assert case.caseworker is None
    assert not _assigned_events(case)
