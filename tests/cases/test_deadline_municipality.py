"""A deadline row carries its case's municipality (issue 17): the statistics count a
municipality's deadlines by it, so it must follow the case wherever the case goes.

The web, the API and the batch imports all change a case through ``cases.actions``,
so the actions are what is tested here."""

from __future__ import annotations

from datetime import date

import pytest

from fasttrack.cases import actions, identity
from fasttrack.cases.models import CaseDeadline, FastTrackCase
from fasttrack.people.models import Municipality
from tests.cases.conftest import EMPLOYEE_ANSWERS, EMPLOYER_ANSWERS, NORDISK_FABRIK

D0 = date(2026, 3, 2)
REQUESTED = date(2026, 3, 6)
UNKNOWN_CPR = "0101010000"


def _municipalities(case: FastTrackCase) -> set[int]:
    return set(CaseDeadline.objects.filter(case=case).values_list("municipality_id", flat=True))


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_the_deadlines_carry_the_municipality_from_the_request_through_every_recompute(
    employer_request, personas, travel, answer
):
    case = employer_request(first_absence_day=D0, today=REQUESTED)
    assert CaseDeadline.objects.filter(case=case).count() > 1
    assert _municipalities(case) == {case.municipality_id}

    # Every recompute writes it again: rows that lost it (a copy restored by hand,
    # say) get it back with the next action, the rows the rules keep and those they
    # retire (a declined case's retention meeting) alike.
    other = Municipality.objects.exclude(pk=case.municipality_id).first()
    CaseDeadline.objects.filter(case=case).update(municipality=other)
    if answer == "accept":
        actions.accept(case=case, actor=personas.janni, answers=EMPLOYEE_ANSWERS)
    else:
        actions.decline(case=case, actor=personas.janni)
    assert _municipalities(case) == {case.municipality_id}


def test_the_deadlines_move_with_the_case_to_another_municipality(demo_world, personas, travel):
    travel(REQUESTED)
    frederiksberg = Municipality.objects.get(code="147")
    employer = demo_world.employers[NORDISK_FABRIK]
    employee = identity.employee_for_request(
        actor=personas.hr,
        employer=employer,
        cpr=UNKNOWN_CPR,
        name="Kim Ukendt",
        municipality_code="147",
    )
    case, _created = actions.request_fast_track(
        actor=personas.hr,
        person=employee.person,
        employer=employer,
        first_absence_day=D0,
        expects_over_8_weeks=True,
        answers=EMPLOYER_ANSWERS,
        requested_by="employer",
        channel="web",
        employee=employee,
    )
    assert CaseDeadline.objects.filter(case=case).exists()
    assert _municipalities(case) == {frederiksberg.pk}

    # The caseworker finds the employee lives in København: the case and its
    # deadlines move there together.
    koebenhavn = Municipality.objects.get(code="101")
    actions.confirm_identity(
        case=case,
        actor=personas.all()["anden-sagsbehandler"],
        name="Kim Ukendtsen",
        municipality=koebenhavn,
    )
    case.refresh_from_db()
    assert case.municipality_id == koebenhavn.pk
    assert _municipalities(case) == {koebenhavn.pk}
